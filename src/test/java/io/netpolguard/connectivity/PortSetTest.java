package io.netpolguard.connectivity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpolguard.netpol.Protocol;
import org.junit.jupiter.api.Test;

class PortSetTest {

    @Test
    void rangesAreMergedAndWrittenPerProtocol() {
        PortSet ports = new PortSet.Builder().add(Protocol.UDP, 53, 53).add(Protocol.TCP, 443, 444)
                .add(Protocol.TCP, 80, 80).add(Protocol.TCP, 445, 445).add(Protocol.TCP, 81, 81).build();

        assertThat(ports).hasToString("TCP 80-81,443-445; UDP 53");
        assertThat(ports.byProtocol()).containsExactly(java.util.Map.entry("TCP", "80-81,443-445"),
                java.util.Map.entry("UDP", "53"));
        assertThat(ports.contains(Protocol.TCP, 444)).isTrue();
        assertThat(ports.contains(Protocol.TCP, 446)).isFalse();
        assertThat(ports.contains(Protocol.SCTP, 80)).isFalse();
    }

    @Test
    void everyPortOfEveryProtocolIsAllPortsAndNothingIsNone() {
        PortSet all = new PortSet.Builder().add(Protocol.TCP, 1, 65535).add(Protocol.UDP, 1, 100)
                .add(Protocol.UDP, 101, 65535).add(Protocol.SCTP, 1, 65535).build();

        assertThat(all).hasToString("all ports").isEqualTo(PortSet.ALL);
        assertThat(all.isAll()).isTrue();
        assertThat(PortSet.EMPTY).hasToString("none");
        assertThat(PortSet.of(Protocol.TCP, 1, 65535)).hasToString("TCP 1-65535");
    }

    @Test
    void whatIsWrittenParsesBackToTheSameSet() {
        for (String text : new String[] {"TCP 80,443-445; UDP 53", "all ports", "none", "SCTP 1-9002,9004-65535",
                "TCP 1; UDP 65535; SCTP 7-8"}) {
            assertThat(PortSet.parse(text)).hasToString(text);
        }
        assertThatThrownBy(() -> PortSet.parse("TCP")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PortSet.parse("TCP 0-5")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unionIntersectionAndDifference() {
        PortSet a = PortSet.parse("TCP 80-90,100; UDP 53");
        PortSet b = PortSet.parse("TCP 85-100; SCTP 9");

        assertThat(a.union(b)).hasToString("TCP 80-100; UDP 53; SCTP 9");
        assertThat(a.intersect(b)).hasToString("TCP 85-90,100");
        assertThat(a.minus(b)).hasToString("TCP 80-84; UDP 53");
        assertThat(b.minus(a)).hasToString("TCP 91-99; SCTP 9");
        assertThat(PortSet.ALL.minus(a)).hasToString("TCP 1-79,91-99,101-65535; UDP 1-52,54-65535; SCTP 1-65535");
        assertThat(PortSet.ALL.intersect(a)).isEqualTo(a);
        assertThat(a.minus(a).isEmpty()).isTrue();
    }
}

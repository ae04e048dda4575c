package io.netpolguard.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fewest networks that hold exactly a set of addresses: what a suggested fix lists for a thousand nodes. */
class CidrTest {

    @Test
    void addressesInARowBecomeTheFewestNetworksThatHoldThem() throws Exception {
        List<InetAddress> nodes = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) { // 172.18.0.1 .. 172.18.3.232
            nodes.add(InetAddress.getByName("172.18." + (i / 256) + "." + (i % 256)));
        }

        assertThat(Cidr.coveringExactly(nodes)).extracting(Cidr::toString).containsExactly(
                "172.18.0.1/32", "172.18.0.2/31", "172.18.0.4/30", "172.18.0.8/29", "172.18.0.16/28", "172.18.0.32/27",
                "172.18.0.64/26", "172.18.0.128/25", "172.18.1.0/24", "172.18.2.0/24", "172.18.3.0/25",
                "172.18.3.128/26", "172.18.3.192/27", "172.18.3.224/29", "172.18.3.232/32");
    }

    @Test
    void scatteredAddressesOfBothFamiliesAreHeldExactly() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<InetAddress> addresses = new ArrayList<>();
            for (int i = random.nextInt(40); i > 0; i--) {
                addresses.add(InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) random.nextInt(64)}));
                if (random.nextInt(4) == 0) {
                    byte[] v6 = InetAddress.getByName("fd00::").getAddress();
                    v6[15] = (byte) random.nextInt(32);
                    addresses.add(InetAddress.getByAddress(v6));
                }
            }

            List<Cidr> cidrs = Cidr.coveringExactly(addresses);

            long held = cidrs.stream().mapToLong(c -> 1L << (c.network().length * 8 - c.prefixLength())).sum();
            assertThat(held).as("no address beyond the set: %s", cidrs)
                    .isEqualTo(addresses.stream().distinct().count());
            for (InetAddress address : addresses) {
                assertThat(cidrs).as(address.toString()).anyMatch(c -> c.contains(address));
            }
            for (int i = 1; i < cidrs.size(); i++) { // none mergeable with the one before: the fewest
                Cidr a = cidrs.get(i - 1);
                Cidr b = cidrs.get(i);
                boolean siblings = a.prefixLength() == b.prefixLength() && a.network().length == b.network().length
                        && a.prefixLength() > 0 && Cidr.parse(a.address().getHostAddress() + "/" + (a.prefixLength() - 1))
                                .covers(b) && !new BigInteger(1, a.network()).testBit(a.network().length * 8 - a.prefixLength());
                assertThat(siblings).as("%s and %s make one network", a, b).isFalse();
            }
        }
    }

    @Test
    void nothingToHoldIsNoNetwork() {
        assertThat(Cidr.coveringExactly(List.of())).isEmpty();
    }
}

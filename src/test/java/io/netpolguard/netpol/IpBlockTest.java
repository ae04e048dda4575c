package io.netpolguard.netpol;

import static io.netpolguard.netpol.Protocol.TCP;
import static io.netpolguard.netpol.Reachability.allAllowed;
import static io.netpolguard.netpol.XyzCluster.EXTERNAL_V4;
import static io.netpolguard.netpol.XyzCluster.EXTERNAL_V6;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * ipBlock peers: inside cidr and outside every except, for external addresses and pod addresses
 * alike, IPv4 and IPv6. Pods of namespace x are 10.0.1.0/24 and fd00::1:0/112, y 10.0.2.0/24 ..., see
 * {@link XyzCluster}.
 */
class IpBlockTest {

    /** Pods of x/y/z are dual-stack: an ipBlock peer per family, each given as the body of an ipBlock. */
    private static String ingressFrom(String name, String... ipBlocks) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: %s
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  ingress:
                    - from:
                %s""".formatted(name, peers(ipBlocks));
    }

    private static String peers(String... ipBlocks) {
        StringBuilder peers = new StringBuilder();
        for (String block : ipBlocks) {
            peers.append("        - ipBlock:\n").append(block.indent(12));
        }
        return peers.toString();
    }

    private static String egressTo(String name, String... ipBlocks) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: %s
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  policyTypes: [Egress]
                  egress:
                    - to:
                %s""".formatted(name, peers(ipBlocks));
    }

    @Test
    void anExternalAddressIsAllowedInsideTheCidrOnly() {
        XyzCluster cluster = XyzCluster.with(egressTo("to-test-net", "cidr: 192.0.2.0/24"));

        assertThat(cluster.probe("x/a", "192.0.2.10", 443).allowed()).isTrue();
        assertThat(cluster.probe("x/a", "192.0.2.255", 443).allowed()).isTrue();
        assertThat(cluster.probe("x/a", "192.0.3.1", 443).allowed()).isFalse();
        assertThat(cluster.probe("x/a", "198.51.100.7", 443).allowed()).isFalse();
    }

    @Test
    void anAddressInAnExceptRangeIsNotMatched() {
        XyzCluster cluster = XyzCluster.with(egressTo("to-lower-half", """
                cidr: 192.0.2.0/24
                except:
                  - 192.0.2.128/25
                  - 192.0.2.10/32
                """));

        assertThat(cluster.probe("x/a", "192.0.2.9", 443).allowed()).isTrue();
        assertThat(cluster.probe("x/a", "192.0.2.10", 443).allowed()).isFalse();
        assertThat(cluster.probe("x/a", "192.0.2.11", 443).allowed()).isTrue();
        assertThat(cluster.probe("x/a", "192.0.2.128", 443).allowed()).isFalse();
        assertThat(cluster.probe("x/a", "192.0.2.200", 443).allowed()).isFalse();
    }

    @Test
    void anIpBlockMatchesPodsThroughTheirAddresses() {
        XyzCluster cluster = XyzCluster.with(ingressFrom("from-y-addresses", "cidr: 10.0.2.0/24",
                "cidr: fd00::2:0/112"));

        cluster.assertReachability(allAllowed().block("*", "x/a").allow("y/*", "x/a"), TCP, 80);
    }

    @Test
    void anExceptRangeExcludesPodsToo() {
        XyzCluster cluster = XyzCluster.with(ingressFrom("from-pods-but-y-b", """
                cidr: 10.0.0.0/16
                except:
                  - 10.0.2.2/32
                """, """
                cidr: fd00::/64
                except:
                  - fd00::2:2/128
                """));

        cluster.assertReachability(allAllowed().block("y/b", "x/a"), TCP, 80);
    }

    @Test
    void anIpBlockInEgressMatchesDestinationPods() {
        XyzCluster cluster = XyzCluster.with(egressTo("to-z-addresses", "cidr: 10.0.3.0/24", "cidr: fd00::3:0/112"));

        cluster.assertReachability(allAllowed().block("x/a", "*").allow("x/a", "z/*"), TCP, 80);
    }

    @Test
    void ipv6BlocksMatchIpv6PodAddressesAndExternalAddresses() {
        XyzCluster cluster = XyzCluster.with(ingressFrom("from-z-v6", """
                cidr: fd00::3:0/112
                except:
                  - fd00::3:3/128
                """), """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: to-documentation-v6
                  namespace: y
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock:
                            cidr: 2001:db8::/32
                """);

        // z/a and z/b are allowed over IPv6 only; they may connect over IPv4 as well, so they are blocked
        cluster.assertReachability(allAllowed().block("*", "x/a").block("y/*", "*"), TCP, 80);
        assertThat(cluster.probe("y/a", EXTERNAL_V6, 443).allowed()).isTrue();
        assertThat(cluster.probe("y/a", "2001:db9::1", 443).allowed()).isFalse();
        assertThat(cluster.probe("y/a", EXTERNAL_V4, 443).allowed()).isFalse();
    }

    @Test
    void anIpv4CidrNeverMatchesAnIpv6AddressAndViceVersa() {
        XyzCluster cluster = XyzCluster.with(egressTo("all-v4", "cidr: 0.0.0.0/0"), """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: all-v6
                  namespace: z
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock:
                            cidr: ::/0
                """);

        assertThat(cluster.probe("x/a", EXTERNAL_V4, 443).allowed()).isTrue();
        assertThat(cluster.probe("x/a", EXTERNAL_V6, 443).allowed()).isFalse();
        assertThat(cluster.probe("z/a", EXTERNAL_V6, 443).allowed()).isTrue();
        assertThat(cluster.probe("z/a", EXTERNAL_V4, 443).allowed()).isFalse();
    }

    @Test
    void aCidrWithHostBitsSetMeansItsMaskedNetwork() {
        XyzCluster cluster = XyzCluster.with(ingressFrom("from-z-sloppy", "cidr: 10.0.3.77/24", "cidr: fd00::3:77/112"), egressTo("to-test-net-sloppy", """
                cidr: 192.0.2.99/24
                except:
                  - 192.0.2.200/25
                """));

        cluster.assertReachability(allAllowed().block("*", "x/a").allow("z/*", "x/a").block("x/a", "*"), TCP, 80);
        assertThat(cluster.probe("x/a", "192.0.2.1", 443).allowed()).isTrue();
        assertThat(cluster.probe("x/a", "192.0.2.129", 443).allowed()).isFalse();
    }

    @Test
    void anIpBlockAndASelectorInSeparatePeersAreAlternatives() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: from-b-or-z
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  ingress:
                    - from:
                        - podSelector:
                            matchLabels:
                              pod: b
                        - ipBlock:
                            cidr: 10.0.3.0/24
                        - ipBlock:
                            cidr: fd00::3:0/112
                """);

        cluster.assertReachability(allAllowed().block("*", "x/a").allow("x/b", "x/a").allow("z/*", "x/a"), TCP, 80);
    }

    @Test
    void cidrParsingMasksHostBitsInBothFamilies() {
        assertThat(Cidr.parse("10.0.3.77/24")).isEqualTo(Cidr.parse("10.0.3.0/24"));
        assertThat(Cidr.parse("10.0.3.77/24").contains(IpAddresses.parse("10.0.3.200").orElseThrow())).isTrue();
        assertThat(Cidr.parse("10.0.3.77/24").contains(IpAddresses.parse("10.0.4.1").orElseThrow())).isFalse();
        assertThat(Cidr.parse("fd00::3:77/112")).isEqualTo(Cidr.parse("fd00::3:0/112"));
        assertThat(Cidr.parse("10.0.0.1/13").contains(IpAddresses.parse("10.7.255.255").orElseThrow())).isTrue();
        assertThat(Cidr.parse("10.0.0.1/13").contains(IpAddresses.parse("10.8.0.0").orElseThrow())).isFalse();
    }
}

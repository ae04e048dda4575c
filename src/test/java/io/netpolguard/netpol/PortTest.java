package io.netpolguard.netpol;

import static io.netpolguard.netpol.Protocol.SCTP;
import static io.netpolguard.netpol.Protocol.TCP;
import static io.netpolguard.netpol.Protocol.UDP;
import static io.netpolguard.netpol.Reachability.allAllowed;
import static io.netpolguard.netpol.XyzCluster.EXTERNAL_V4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The ports of a rule: protocol default, protocol without port, ranges, and named ports. */
class PortTest {

    /** x/a accepts ingress from anywhere on the given ports only. */
    private static XyzCluster ingressToXaOn(String ports) {
        return XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: ports-of-a
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  ingress:
                    - ports:
                %s""".formatted(ports.indent(8)));
    }

    private static final Reachability A_CLOSED = allAllowed().block("*", "x/a");

    @Test
    void aPortWithoutProtocolMeansTcp() {
        XyzCluster cluster = ingressToXaOn("- port: 80");

        cluster.assertReachability(allAllowed(), TCP, 80);
        cluster.assertReachability(A_CLOSED, TCP, 81);
        cluster.assertReachability(A_CLOSED, UDP, 80, 81);
        cluster.assertReachability(A_CLOSED, SCTP, 80, 81);
    }

    @Test
    void udpAndSctpPortsMatchOnlyTheirProtocol() {
        XyzCluster cluster = ingressToXaOn("""
                - port: 81
                  protocol: UDP
                - port: 80
                  protocol: SCTP
                """);

        cluster.assertReachability(allAllowed(), UDP, 81);
        cluster.assertReachability(allAllowed(), SCTP, 80);
        cluster.assertReachability(A_CLOSED, UDP, 80);
        cluster.assertReachability(A_CLOSED, SCTP, 81);
        cluster.assertReachability(A_CLOSED, TCP, 80, 81);
    }

    @Test
    void aProtocolWithoutPortMatchesEveryPortOfThatProtocol() {
        XyzCluster cluster = ingressToXaOn("- protocol: UDP");

        cluster.assertReachability(allAllowed(), UDP, 80, 81, 1, 65535);
        cluster.assertReachability(A_CLOSED, TCP, 80, 81);
        cluster.assertReachability(A_CLOSED, SCTP, 80, 81);
    }

    @Test
    void portAndEndPortAreAnInclusiveRange() {
        XyzCluster cluster = ingressToXaOn("""
                - port: 80
                  endPort: 81
                  protocol: SCTP
                """);

        cluster.assertReachability(allAllowed(), SCTP, 80, 81);
        cluster.assertReachability(A_CLOSED, SCTP, 79, 82);
        cluster.assertReachability(A_CLOSED, TCP, 80, 81);
    }

    @Test
    void aRuleWithoutPortsMatchesEveryPortAndProtocol() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: from-b-anything
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
                      ports: []
                """);

        cluster.assertReachabilityOnEveryProtocol(A_CLOSED.allow("x/b", "x/a"));
        for (Protocol protocol : Protocol.values()) {
            assertThat(cluster.probe("x/b", "x/a", protocol, 9999).allowed()).as(protocol.name()).isTrue();
        }
    }

    @Test
    void aNamedPortMatchesThePortTheDestinationDeclaresUnderThatNameAndProtocol() {
        XyzCluster cluster = ingressToXaOn("""
                - port: serve-81-udp
                  protocol: UDP
                """);

        cluster.assertReachability(allAllowed(), UDP, 81);
        cluster.assertReachability(A_CLOSED, UDP, 80);
        cluster.assertReachability(A_CLOSED, TCP, 81);
    }

    @Test
    void aNamedPortWithTheWrongProtocolMatchesNothing() {
        // The default protocol is TCP, but serve-80-udp is declared for UDP only.
        XyzCluster cluster = ingressToXaOn("- port: serve-80-udp");

        cluster.assertReachability(A_CLOSED, TCP, 80);
        cluster.assertReachability(A_CLOSED, UDP, 80);
    }

    @Test
    void aNamedPortIsResolvedOnEachDestinationPodSeparately() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-8080
                  namespace: y
                  labels:
                    app: web
                spec:
                  containers:
                    - name: web
                      ports:
                        - name: http
                          containerPort: 8080
                status:
                  podIP: 10.0.2.10
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-80
                  namespace: y
                  labels:
                    app: web
                spec:
                  containers:
                    - name: web
                      ports:
                        - name: http
                          containerPort: 80
                status:
                  podIP: 10.0.2.11
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: web-http
                  namespace: y
                spec:
                  podSelector:
                    matchLabels:
                      app: web
                  ingress:
                    - ports:
                        - port: http
                """);

        assertThat(cluster.probe("x/a", "y/web-8080", 8080).allowed()).isTrue();
        assertThat(cluster.probe("x/a", "y/web-8080", 80).allowed()).isFalse();
        assertThat(cluster.probe("x/a", "y/web-80", 80).allowed()).isTrue();
        assertThat(cluster.probe("x/a", "y/web-80", 8080).allowed()).isFalse();
    }

    @Test
    void aNamedPortInAnEgressRuleIsResolvedOnTheDestination() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: metrics
                  namespace: z
                  labels:
                    pod: metrics
                spec:
                  containers:
                    - name: exporter
                      ports:
                        - name: serve-81-tcp
                          containerPort: 9100
                status:
                  podIP: 10.0.3.50
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: egress-serve-81
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  policyTypes: [Egress]
                  egress:
                    - ports:
                        - port: serve-81-tcp
                """);

        cluster.assertReachability(allAllowed(), TCP, 81);
        cluster.assertReachability(allAllowed().block("x/a", "*"), TCP, 80);
        cluster.assertReachability(allAllowed().block("x/a", "*"), UDP, 81);
        assertThat(cluster.probe("x/a", "z/metrics", 9100).allowed()).isTrue();
        assertThat(cluster.probe("x/a", "z/metrics", 81).allowed()).isFalse();
    }

    @Test
    void aNamedPortNeverMatchesAnAddressOutsideThePods() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: egress-named-only
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock:
                            cidr: 0.0.0.0/0
                        - ipBlock:
                            cidr: ::/0
                      ports:
                        - port: serve-80-tcp
                """);

        assertThat(cluster.probe("x/a", "y/b", 80).allowed()).isTrue();
        assertThat(cluster.probe("x/a", EXTERNAL_V4, 80).allowed()).isFalse();
    }

    @Test
    void aNamedPortMatchesAWorkloadTemplateThroughItsTemplatePorts() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: api
                  namespace: y
                spec:
                  selector:
                    matchLabels:
                      app: api
                  template:
                    metadata:
                      labels:
                        app: api
                    spec:
                      containers:
                        - name: api
                          ports:
                            - name: grpc
                              containerPort: 9090
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: api-grpc
                  namespace: y
                spec:
                  podSelector:
                    matchLabels:
                      app: api
                  ingress:
                    - ports:
                        - port: grpc
                """);

        assertThat(cluster.probe("x/a", "y/Deployment/api", 9090).allowed()).isTrue();
        assertThat(cluster.probe("x/a", "y/Deployment/api", 9091).allowed()).isFalse();
    }

    @Test
    void impossiblePortsAreRejectedWithThePolicyNamed() {
        assertThatThrownBy(() -> ingressToXaOn("- port: 0"))
                .hasMessageContaining("x/ports-of-a").hasMessageContaining("ingress[0].ports[0]");
        assertThatThrownBy(() -> ingressToXaOn("""
                - port: 81
                  endPort: 80
                """)).hasMessageContaining("x/ports-of-a").hasMessageContaining("endPort: 80 is below port 81");
        assertThatThrownBy(() -> ingressToXaOn("- port: 80\n  protocol: ICMP"))
                .hasMessageContaining("x/ports-of-a").hasMessageContaining("ICMP");
    }
}

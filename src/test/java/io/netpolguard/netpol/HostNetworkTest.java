package io.netpolguard.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Pods in the host network: never isolated, never matched by pod or namespace selectors; only an
 * ipBlock matches them, through their (node) address.
 */
class HostNetworkTest {

    /** A host-network agent in namespace x, on node address 172.18.0.2, with labels that selectors below name. */
    private static final String NODE_AGENT = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: node-agent
              namespace: x
              labels:
                app: node-agent
            spec:
              hostNetwork: true
              containers:
                - name: agent
                  ports:
                    - name: metrics
                      containerPort: 9100
            status:
              podIP: 172.18.0.2
              podIPs:
                - ip: 172.18.0.2
            """;

    private static final String X_A_ACCEPTS = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: a-accepts
              namespace: x
            spec:
              podSelector:
                matchLabels:
                  pod: a
              ingress:
                - from:
            %s""";

    @Test
    void aDefaultDenyInItsNamespaceDoesNotIsolateIt() {
        XyzCluster cluster = XyzCluster.with(NODE_AGENT, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: default-deny-all
                  namespace: x
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                """);

        assertThat(cluster.probe("y/a", "x/node-agent", 9100).allowed()).isTrue();
        assertThat(cluster.probe("x/node-agent", "y/a", 80).allowed()).isTrue();
        assertThat(cluster.probe("x/node-agent", XyzCluster.EXTERNAL_V4, 443).allowed()).isTrue();
        assertThat(cluster.probe("y/a", "x/a", 80).allowed()).isFalse();
        assertThat(cluster.probe("x/a", "y/a", 80).allowed()).isFalse();
    }

    @Test
    void aPolicyWhosePodSelectorMatchesItsLabelsStillDoesNotSelectIt() {
        XyzCluster cluster = XyzCluster.with(NODE_AGENT, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: lock-down-agent
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      app: node-agent
                  policyTypes: [Ingress, Egress]
                """);

        Verdict in = cluster.probe("z/c", "x/node-agent", 9100);
        assertThat(in.allowed()).isTrue();
        assertThat(in.ingress().isolated()).isFalse();
        assertThat(in.explanation()).contains("runs in the host network");
        assertThat(cluster.probe("x/node-agent", "z/c", 80).allowed()).isTrue();
        assertThat(cluster.engine().policies().in("x").policies().get(0).selects(cluster.pod("x/node-agent"))).isFalse();
    }

    @Test
    void podAndNamespaceSelectorsNeverMatchItAsASource() {
        XyzCluster cluster = XyzCluster.with(NODE_AGENT, X_A_ACCEPTS.formatted("""
                - podSelector: {}
                - namespaceSelector: {}
                - podSelector:
                    matchLabels:
                      app: node-agent
                """.indent(8)));

        assertThat(cluster.probe("x/b", "x/a", 80).allowed()).isTrue();
        assertThat(cluster.probe("z/b", "x/a", 80).allowed()).isTrue();
        Verdict fromAgent = cluster.probe("x/node-agent", "x/a", 80);
        assertThat(fromAgent.allowed()).isFalse();
        assertThat(fromAgent.explanation()).contains("x/node-agent runs in the host network, which selectors never match");
    }

    @Test
    void selectorsNeverMatchItAsADestination() {
        XyzCluster cluster = XyzCluster.with(NODE_AGENT, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: egress-to-pods
                  namespace: y
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - namespaceSelector: {}
                """);

        assertThat(cluster.probe("y/a", "x/a", 80).allowed()).isTrue();
        assertThat(cluster.probe("y/a", "x/node-agent", 9100).allowed()).isFalse();
    }

    @Test
    void anIpBlockMatchesItThroughItsAddress() {
        XyzCluster cluster = XyzCluster.with(NODE_AGENT, X_A_ACCEPTS.formatted("""
                - ipBlock:
                    cidr: 172.18.0.0/16
                """.indent(8)), """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: egress-to-nodes
                  namespace: y
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - ipBlock:
                            cidr: 172.18.0.0/16
                            except: [172.18.0.0/30]
                      ports:
                        - port: metrics
                """);

        assertThat(cluster.probe("x/node-agent", "x/a", 80).allowed()).isTrue();
        assertThat(cluster.probe("x/b", "x/a", 80).allowed()).isFalse();
        // The except range holds the agent's address: blocked, although the named port resolves.
        assertThat(cluster.probe("y/a", "x/node-agent", 9100).allowed()).isFalse();
    }

    @Test
    void aHostNetworkPodMayConnectToItself() {
        XyzCluster cluster = XyzCluster.with(NODE_AGENT);

        Verdict verdict = cluster.probe("x/node-agent", "x/node-agent", 9100);
        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.isToItself()).isTrue();
    }
}

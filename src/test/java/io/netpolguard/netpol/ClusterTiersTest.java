package io.netpolguard.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The Admin and Baseline tiers around NetworkPolicy, rule by rule, on the x/y/z cluster ({@link XyzCluster}):
 * precedence as the network-policy-api documents it, for ClusterNetworkPolicy and for the v1alpha1 kinds.
 */
class ClusterTiersTest {

    private static final String DENY_ALL_EGRESS_OF_X = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-egress, namespace: x}
            spec: {podSelector: {}, policyTypes: [Egress]}
            """;
    private static final String X_MAY_REACH_Y_ON_80 = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: to-y, namespace: x}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - to: [{namespaceSelector: {matchLabels: {ns: y}}}]
                ports: [{protocol: TCP, port: 80}]
            """;

    private static String cnp(String name, String tier, int priority, String subject, String rules) {
        return """
                apiVersion: policy.networking.k8s.io/v1alpha2
                kind: ClusterNetworkPolicy
                metadata: {name: %s}
                spec:
                  tier: %s
                  priority: %d
                  subject: %s
                %s
                """.formatted(name, tier, priority, subject, rules.indent(2));
    }

    private static String anp(String name, int priority, String subject, String rules) {
        return """
                apiVersion: policy.networking.k8s.io/v1alpha1
                kind: AdminNetworkPolicy
                metadata: {name: %s}
                spec:
                  priority: %d
                  subject: %s
                %s
                """.formatted(name, priority, subject, rules.indent(2));
    }

    private static String banp(String subject, String rules) {
        return """
                apiVersion: policy.networking.k8s.io/v1alpha1
                kind: BaselineAdminNetworkPolicy
                metadata: {name: default}
                spec:
                  subject: %s
                %s
                """.formatted(subject, rules.indent(2));
    }

    private static final String X = "{namespaces: {matchLabels: {ns: x}}}";
    private static final String EGRESS_TO_Y_80_ACTION = """
            egress:
            - name: to-y
              action: %s
              to: [{namespaces: {matchLabels: {ns: y}}}]
              protocols: [{tcp: {destinationPort: {number: 80}}}]
            """;

    private static Outcome outcome(XyzCluster cluster, String from, String to, int port) {
        return cluster.probe(from, to, port).outcome();
    }

    @Nested
    class Precedence {

        @Test
        void anAdminDenyOverridesANetworkPolicyThatAllows() {
            XyzCluster cluster = XyzCluster.with(X_MAY_REACH_Y_ON_80,
                    cnp("deny-y", "Admin", 10, X, EGRESS_TO_Y_80_ACTION.formatted("Deny")));
            Verdict verdict = cluster.probe("x/a", "y/b", 80);
            assertThat(verdict.outcome()).isEqualTo(Outcome.BLOCKED);
            assertThat(verdict.egress().decidedByClusterRule()).isTrue();
            assertThat(verdict.reason()).contains("[CNP deny-y, tier Admin, priority 10, egress[0] \"to-y\"] Deny");
            assertThat(verdict.explanation()).contains("before any NetworkPolicy");
            // other traffic of x is left to NetworkPolicy: port 81 was never allowed
            assertThat(outcome(cluster, "x/a", "y/b", 81)).isEqualTo(Outcome.BLOCKED);
            assertThat(cluster.probe("x/a", "y/b", 81).egress().decidedByClusterRule()).isFalse();
        }

        @Test
        void anAdminAcceptOverridesANetworkPolicyThatIsolates() {
            XyzCluster cluster = XyzCluster.with(DENY_ALL_EGRESS_OF_X,
                    cnp("accept-y", "Admin", 10, X, EGRESS_TO_Y_80_ACTION.formatted("Accept")));
            assertThat(outcome(cluster, "x/a", "y/b", 80)).isEqualTo(Outcome.ALLOWED);
            assertThat(outcome(cluster, "x/a", "z/b", 80)).isEqualTo(Outcome.BLOCKED);
        }

        @Test
        void anAdminAcceptOnEgressStillNeedsTheDestinationsIngress() {
            String denyIngressOfY = """
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: deny-ingress, namespace: y}
                    spec: {podSelector: {}, policyTypes: [Ingress]}
                    """;
            XyzCluster cluster = XyzCluster.with(denyIngressOfY,
                    cnp("accept-y", "Admin", 10, X, EGRESS_TO_Y_80_ACTION.formatted("Accept")));
            Verdict verdict = cluster.probe("x/a", "y/b", 80);
            assertThat(verdict.egress().outcome()).isEqualTo(Outcome.ALLOWED);
            assertThat(verdict.ingress().outcome()).isEqualTo(Outcome.BLOCKED);
        }

        @Test
        void passHandsTheDecisionToNetworkPolicy() {
            String pass = cnp("pass-y", "Admin", 10, X, EGRESS_TO_Y_80_ACTION.formatted("Pass"));
            String denyLater = cnp("deny-all", "Admin", 20, X, """
                    egress:
                    - action: Deny
                      to: [{namespaces: {}}]
                    """);
            assertThat(outcome(XyzCluster.with(pass, denyLater, X_MAY_REACH_Y_ON_80), "x/a", "y/b", 80))
                    .isEqualTo(Outcome.ALLOWED);
            XyzCluster isolated = XyzCluster.with(pass, denyLater, DENY_ALL_EGRESS_OF_X);
            Verdict verdict = isolated.probe("x/a", "y/b", 80);
            assertThat(verdict.outcome()).isEqualTo(Outcome.BLOCKED);
            assertThat(verdict.egress().cluster().tier()).isEqualTo(Tier.NETWORK_POLICY);
            assertThat(verdict.explanation()).contains("after [CNP pass-y, tier Admin, priority 10, egress[0] \"to-y\"] Pass")
                    .contains("x/deny-egress");
            // not passed: the later Deny decides
            assertThat(outcome(XyzCluster.with(pass, denyLater, X_MAY_REACH_Y_ON_80), "x/a", "y/b", 81))
                    .isEqualTo(Outcome.BLOCKED);
        }

        @Test
        void passWithoutNetworkPolicyIsolationGoesOnToTheBaseline() {
            XyzCluster cluster = XyzCluster.with(cnp("pass-y", "Admin", 10, X, EGRESS_TO_Y_80_ACTION.formatted("Pass")),
                    cnp("baseline-deny", "Baseline", 10, X, EGRESS_TO_Y_80_ACTION.formatted("Deny")));
            Verdict verdict = cluster.probe("x/a", "y/b", 80);
            assertThat(verdict.outcome()).isEqualTo(Outcome.BLOCKED);
            assertThat(verdict.egress().cluster().tier()).isEqualTo(Tier.BASELINE);
        }

        @Test
        void aBaselineDenyIsOverriddenByANetworkPolicyThatIsolatesAndAllows() {
            String baselineDeny = cnp("baseline-deny", "Baseline", 10, X, EGRESS_TO_Y_80_ACTION.formatted("Deny"));
            assertThat(outcome(XyzCluster.with(baselineDeny), "x/a", "y/b", 80)).isEqualTo(Outcome.BLOCKED);
            assertThat(outcome(XyzCluster.with(baselineDeny, X_MAY_REACH_Y_ON_80), "x/a", "y/b", 80))
                    .isEqualTo(Outcome.ALLOWED);
            // NetworkPolicy decides for a pod it isolates: the baseline is not consulted even when NetworkPolicy blocks
            XyzCluster isolated = XyzCluster.with(cnp("baseline-accept", "Baseline", 10, X,
                    EGRESS_TO_Y_80_ACTION.formatted("Accept")), DENY_ALL_EGRESS_OF_X);
            assertThat(outcome(isolated, "x/a", "y/b", 80)).isEqualTo(Outcome.BLOCKED);
        }

        @Test
        void theseKindsHaveNoImplicitIsolation() {
            XyzCluster cluster = XyzCluster.with(cnp("deny-y", "Admin", 10, X, EGRESS_TO_Y_80_ACTION.formatted("Deny")));
            assertThat(outcome(cluster, "x/a", "z/a", 80)).isEqualTo(Outcome.ALLOWED);
            assertThat(outcome(cluster, "y/a", "x/a", 80)).as("x's ingress has no rules").isEqualTo(Outcome.ALLOWED);
            assertThat(cluster.probe("x/a", "z/a", 80).egress().cluster().tier()).isEqualTo(Tier.DEFAULT);
        }

        @Test
        void lowerPriorityNumbersComeFirstAndRulesInOrder() {
            String deny = cnp("deny-y", "Admin", 10, X, EGRESS_TO_Y_80_ACTION.formatted("Deny"));
            String accept = cnp("accept-y", "Admin", 5, X, EGRESS_TO_Y_80_ACTION.formatted("Accept"));
            assertThat(outcome(XyzCluster.with(deny, accept), "x/a", "y/b", 80)).isEqualTo(Outcome.ALLOWED);
            String acceptLater = cnp("accept-y", "Admin", 11, X, EGRESS_TO_Y_80_ACTION.formatted("Accept"));
            assertThat(outcome(XyzCluster.with(deny, acceptLater), "x/a", "y/b", 80)).isEqualTo(Outcome.BLOCKED);
            String ordered = cnp("ordered", "Admin", 1, X, """
                    egress:
                    - action: Accept
                      to: [{pods: {namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: b}}}}]
                    - action: Deny
                      to: [{namespaces: {matchLabels: {ns: y}}}]
                    """);
            XyzCluster cluster = XyzCluster.with(ordered);
            assertThat(outcome(cluster, "x/a", "y/b", 80)).isEqualTo(Outcome.ALLOWED);
            assertThat(outcome(cluster, "x/a", "y/c", 80)).isEqualTo(Outcome.BLOCKED);
        }

        @Test
        void policiesOfTheSamePriorityThatDisagreeLeaveTheSideUndetermined() {
            String deny = cnp("deny-y", "Admin", 10, X, EGRESS_TO_Y_80_ACTION.formatted("Deny"));
            String accept = cnp("accept-y", "Admin", 10, X, EGRESS_TO_Y_80_ACTION.formatted("Accept"));
            Verdict verdict = XyzCluster.with(deny, accept).probe("x/a", "y/b", 80);
            assertThat(verdict.outcome()).isEqualTo(Outcome.UNDETERMINED);
            assertThat(verdict.reason()).contains("of the same tier and priority");
            String alsoDeny = cnp("also-deny-y", "Admin", 10, X, EGRESS_TO_Y_80_ACTION.formatted("Deny"));
            assertThat(outcome(XyzCluster.with(deny, alsoDeny), "x/a", "y/b", 80)).isEqualTo(Outcome.BLOCKED);
        }

        @Test
        void anIngressDenyAtTheDestinationBlocks() {
            XyzCluster cluster = XyzCluster.with(cnp("protect-y", "Admin", 3, "{namespaces: {matchLabels: {ns: y}}}", """
                    ingress:
                    - action: Deny
                      from: [{namespaces: {matchLabels: {ns: x}}}]
                    """));
            Verdict verdict = cluster.probe("x/a", "y/b", 80);
            assertThat(verdict.ingress().outcome()).isEqualTo(Outcome.BLOCKED);
            assertThat(verdict.egress().outcome()).isEqualTo(Outcome.ALLOWED);
            assertThat(outcome(cluster, "z/a", "y/b", 80)).isEqualTo(Outcome.ALLOWED);
        }

        @Test
        void aSubjectByPodsSelectsOnlyThosePods() {
            XyzCluster cluster = XyzCluster.with(cnp("deny-a", "Admin", 3,
                    "{pods: {namespaceSelector: {}, podSelector: {matchLabels: {pod: a}}}}", """
                    egress:
                    - action: Deny
                      to: [{namespaces: {}}]
                    """));
            assertThat(outcome(cluster, "y/a", "z/b", 80)).isEqualTo(Outcome.BLOCKED);
            assertThat(outcome(cluster, "y/b", "z/b", 80)).isEqualTo(Outcome.ALLOWED);
        }

        @Test
        void v1beta1ReadsLikeV1alpha2() {
            String beta = cnp("deny-y", "Admin", 10, X, EGRESS_TO_Y_80_ACTION.formatted("Deny"))
                    .replace("v1alpha2", "v1beta1");
            assertThat(outcome(XyzCluster.with(beta), "x/a", "y/b", 80)).isEqualTo(Outcome.BLOCKED);
        }
    }

    @Nested
    class Ports {

        private Outcome with(String protocols, String from, String to, Protocol protocol, int port) {
            return XyzCluster.with(cnp("deny", "Admin", 1, X, """
                    egress:
                    - action: Deny
                      to: [{namespaces: {}}]
                      protocols: %s
                    """.formatted(protocols))).probe(from, to, protocol, port).outcome();
        }

        @Test
        void aNumberARangeAndEveryPortOfAProtocol() {
            assertThat(with("[{tcp: {destinationPort: {number: 80}}}]", "x/a", "y/a", Protocol.TCP, 80))
                    .isEqualTo(Outcome.BLOCKED);
            assertThat(with("[{tcp: {destinationPort: {number: 80}}}]", "x/a", "y/a", Protocol.UDP, 80))
                    .isEqualTo(Outcome.ALLOWED);
            assertThat(with("[{udp: {destinationPort: {range: {start: 75, end: 85}}}}]", "x/a", "y/a", Protocol.UDP, 81))
                    .isEqualTo(Outcome.BLOCKED);
            assertThat(with("[{udp: {destinationPort: {range: {start: 75, end: 80}}}}]", "x/a", "y/a", Protocol.UDP, 81))
                    .isEqualTo(Outcome.ALLOWED);
            assertThat(with("[{sctp: {}}]", "x/a", "y/a", Protocol.SCTP, 81)).isEqualTo(Outcome.BLOCKED);
            assertThat(with("[{sctp: {}}]", "x/a", "y/a", Protocol.TCP, 81)).isEqualTo(Outcome.ALLOWED);
        }

        @Test
        void aNamedPortMatchesThePodsPortOfThatNameWhateverItsProtocol() {
            assertThat(with("[{destinationNamedPort: serve-81-udp}]", "x/a", "y/a", Protocol.UDP, 81))
                    .isEqualTo(Outcome.BLOCKED);
            assertThat(with("[{destinationNamedPort: serve-81-udp}]", "x/a", "y/a", Protocol.TCP, 81))
                    .isEqualTo(Outcome.ALLOWED);
            assertThat(with("[{destinationNamedPort: serve-81-udp}]", "x/a", "y/a", Protocol.UDP, 80))
                    .isEqualTo(Outcome.ALLOWED);
        }

        @Test
        void v1alpha1PortsDefaultToTcp() {
            XyzCluster cluster = XyzCluster.with(anp("deny", 1, X, """
                    egress:
                    - action: Deny
                      to: [{namespaces: {}}]
                      ports:
                      - portNumber: {port: 80}
                      - portRange: {start: 90, end: 100, protocol: UDP}
                      - namedPort: serve-81-sctp
                    """));
            assertThat(cluster.probe("x/a", "y/a", Protocol.TCP, 80).outcome()).isEqualTo(Outcome.BLOCKED);
            assertThat(cluster.probe("x/a", "y/a", Protocol.UDP, 80).outcome()).isEqualTo(Outcome.ALLOWED);
            assertThat(cluster.probe("x/a", "y/a", Protocol.SCTP, 81).outcome()).isEqualTo(Outcome.BLOCKED);
            assertThat(cluster.probe("x/a", "y/a", Protocol.TCP, 81).outcome()).isEqualTo(Outcome.ALLOWED);
        }
    }

    @Nested
    class Peers {

        @Test
        void networksMatchAddressesAndAPartlyCoveredRangeIsUndetermined() {
            XyzCluster cluster = XyzCluster.with(cnp("deny-net", "Admin", 1, X, """
                    egress:
                    - action: Deny
                      to: [{networks: ["192.0.2.0/24"]}]
                    """));
            assertThat(outcome(cluster, "x/a", "192.0.2.10", 443)).isEqualTo(Outcome.BLOCKED);
            assertThat(outcome(cluster, "x/a", "198.51.100.1", 443)).isEqualTo(Outcome.ALLOWED);
            Endpoint wide = ExternalEndpoint.ofRange("control plane", Cidr.parse("192.0.0.0/16"));
            assertThat(cluster.probe(cluster.endpoint("x/a"), wide, Protocol.TCP, 443).outcome())
                    .isEqualTo(Outcome.UNDETERMINED);
        }

        @Test
        void networksAlsoMatchPodAddresses() {
            XyzCluster cluster = XyzCluster.with(cnp("deny-y-net", "Admin", 1, X, """
                    egress:
                    - action: Deny
                      to: [{networks: ["10.0.2.0/24"]}]
                    """));
            // y/b is dual-stack: its IPv4 address is denied, so a connection may be blocked
            Verdict verdict = cluster.probe("x/a", "y/b", 80);
            assertThat(verdict.outcome()).isEqualTo(Outcome.BLOCKED);
            assertThat(verdict.egress().leftOut()).extracting(Cidr::toString).containsExactly("10.0.2.2");
        }

        @Test
        void domainNamesMatchAHostKnownByName() {
            XyzCluster cluster = XyzCluster.with(cnp("allow-tenant", "Admin", 1, X, """
                    egress:
                    - action: Accept
                      to: [{domainNames: ["*.live.dynatrace.com"]}]
                    - action: Deny
                      to: [{networks: ["0.0.0.0/0", "::/0"]}]
                    """));
            ExternalEndpoint tenant = new ExternalEndpoint("abc12345.live.dynatrace.com",
                    List.of(IpAddresses.parse("192.0.2.10").orElseThrow()));
            ExternalEndpoint other = new ExternalEndpoint("example.com", List.of(IpAddresses.parse("192.0.2.11").orElseThrow()));
            assertThat(cluster.probe(cluster.endpoint("x/a"), tenant, Protocol.TCP, 443).outcome()).isEqualTo(Outcome.ALLOWED);
            assertThat(cluster.probe(cluster.endpoint("x/a"), other, Protocol.TCP, 443).outcome()).isEqualTo(Outcome.BLOCKED);
            // an address alone could belong to any name
            Verdict literal = cluster.probe("x/a", "192.0.2.10", 443);
            assertThat(literal.outcome()).isEqualTo(Outcome.UNDETERMINED);
            assertThat(literal.reason()).contains("may match");
        }

        @Test
        void nodesMatchTheAddressesOfNodesWithTheLabels() {
            String nodes = """
                    apiVersion: v1
                    kind: Node
                    metadata: {name: control-plane, labels: {node-role.kubernetes.io/control-plane: ""}}
                    status: {addresses: [{type: InternalIP, address: 172.18.0.2}]}
                    ---
                    apiVersion: v1
                    kind: Node
                    metadata: {name: worker}
                    status: {addresses: [{type: InternalIP, address: 172.18.0.3}, {type: ExternalIP, address: 203.0.113.3}]}
                    """;
            XyzCluster cluster = XyzCluster.with(nodes, cnp("deny-cp", "Admin", 1, X, """
                    egress:
                    - action: Deny
                      to: [{nodes: {matchExpressions: [{key: node-role.kubernetes.io/control-plane, operator: Exists}]}}]
                    """));
            assertThat(outcome(cluster, "x/a", "172.18.0.2", 6443)).isEqualTo(Outcome.BLOCKED);
            assertThat(outcome(cluster, "x/a", "172.18.0.3", 10250)).isEqualTo(Outcome.ALLOWED);
            assertThat(outcome(cluster, "x/a", "y/a", 80)).as("a pod is not a node").isEqualTo(Outcome.ALLOWED);
            XyzCluster everyNode = XyzCluster.with(nodes, cnp("deny-nodes", "Admin", 1, X, """
                    egress:
                    - action: Deny
                      to: [{nodes: {}}]
                    """));
            assertThat(outcome(everyNode, "x/a", "203.0.113.3", 10250)).isEqualTo(Outcome.BLOCKED);
        }

        @Test
        void withoutKnownNodesANodePeerCannotBeJudged() {
            XyzCluster cluster = XyzCluster.with(cnp("deny-nodes", "Admin", 1, X, """
                    egress:
                    - action: Deny
                      to: [{nodes: {}}]
                    """));
            assertThat(outcome(cluster, "x/a", "172.18.0.2", 6443)).isEqualTo(Outcome.UNDETERMINED);
        }
    }

    @Nested
    class V1alpha1 {

        @Test
        void anAdminNetworkPolicyDenyIsNamedWithItsPriorityAndRule() {
            XyzCluster cluster = XyzCluster.with(X_MAY_REACH_Y_ON_80, anp("deny-egress-to-y", 10, X, """
                    egress:
                    - action: Deny
                      to: [{namespaces: {matchLabels: {ns: y}}}]
                    """));
            Verdict verdict = cluster.probe("x/a", "y/b", 80);
            assertThat(verdict.outcome()).isEqualTo(Outcome.BLOCKED);
            assertThat(verdict.reason()).contains("[ANP deny-egress-to-y, priority 10, egress[0]] Deny");
        }

        @Test
        void allowAndPassAndTheBaselineAdminNetworkPolicy() {
            String passY = anp("pass-y", 1, X, """
                    egress:
                    - action: Pass
                      to: [{namespaces: {matchLabels: {ns: y}}}]
                    - action: Allow
                      to: [{namespaces: {matchLabels: {ns: z}}}]
                    """);
            String baseline = banp(X, """
                    egress:
                    - action: Deny
                      to: [{namespaces: {}}]
                    """);
            XyzCluster cluster = XyzCluster.with(passY, baseline);
            assertThat(outcome(cluster, "x/a", "y/a", 80)).isEqualTo(Outcome.BLOCKED);
            assertThat(cluster.probe("x/a", "y/a", 80).reason()).contains("[BANP default, egress[0]] Deny");
            assertThat(outcome(cluster, "x/a", "z/a", 80)).isEqualTo(Outcome.ALLOWED);
            assertThat(outcome(XyzCluster.with(passY, baseline, X_MAY_REACH_Y_ON_80), "x/a", "y/a", 80))
                    .isEqualTo(Outcome.ALLOWED);
        }
    }

    @Nested
    class WhatCannotBeRead {

        @Test
        void aRuleThatCannotBeReadMayMatch() {
            XyzCluster cluster = XyzCluster.with(cnp("future", "Admin", 1, X, """
                    egress:
                    - action: Deny
                      to: [{serviceAccounts: {names: [x]}}]
                    """));
            Verdict verdict = cluster.probe("x/a", "y/b", 80);
            assertThat(verdict.outcome()).isEqualTo(Outcome.UNDETERMINED);
            assertThat(verdict.reason()).contains("cannot be read").contains("serviceAccounts");
        }

        @Test
        void aRuleThatMayMatchButWouldNotChangeTheOutcomeDoesNotMatter() {
            XyzCluster cluster = XyzCluster.with(cnp("future", "Admin", 1, X, """
                    egress:
                    - action: Accept
                      to: [{serviceAccounts: {names: [x]}}]
                    """));
            assertThat(outcome(cluster, "x/a", "y/b", 80)).isEqualTo(Outcome.ALLOWED);
        }

        @Test
        void policiesOfKindsTheGuardDoesNotEvaluateMakeTheSidesTheyMayApplyToUndetermined() {
            String cilium = """
                    apiVersion: cilium.io/v2
                    kind: CiliumNetworkPolicy
                    metadata: {name: l7-only, namespace: x}
                    spec: {endpointSelector: {}}
                    """;
            XyzCluster cluster = XyzCluster.with(cilium, DENY_ALL_EGRESS_OF_X);
            Verdict fromX = cluster.probe("x/a", "y/b", 80);
            assertThat(fromX.outcome()).as("Cilium may allow what NetworkPolicy blocks").isEqualTo(Outcome.UNDETERMINED);
            assertThat(fromX.reason()).contains("CiliumNetworkPolicy x/l7-only");
            assertThat(outcome(cluster, "y/a", "z/b", 80)).isEqualTo(Outcome.ALLOWED);

            String istio = """
                    apiVersion: security.istio.io/v1
                    kind: AuthorizationPolicy
                    metadata: {name: deny-all, namespace: y}
                    spec: {}
                    """;
            XyzCluster mesh = XyzCluster.with(istio, DENY_ALL_EGRESS_OF_X);
            assertThat(outcome(mesh, "z/a", "y/b", 80)).as("Istio may cut ingress to y").isEqualTo(Outcome.UNDETERMINED);
            assertThat(outcome(mesh, "x/a", "y/b", 80)).as("it cannot allow what is blocked").isEqualTo(Outcome.BLOCKED);
            assertThat(outcome(mesh, "y/a", "z/b", 80)).as("ingress only").isEqualTo(Outcome.ALLOWED);
        }

        @Test
        void aCalicoNetworkPolicyIsNotReadAsAKubernetesOne() {
            String calico = """
                    apiVersion: projectcalico.org/v3
                    kind: NetworkPolicy
                    metadata: {name: deny, namespace: x}
                    spec: {selector: all(), types: [Egress]}
                    """;
            XyzCluster cluster = XyzCluster.with(calico);
            assertThat(cluster.snapshot().policies().all()).isEmpty();
            assertThat(outcome(cluster, "x/a", "y/b", 80)).isEqualTo(Outcome.UNDETERMINED);
            assertThat(cluster.probe("x/a", "y/b", 80).reason()).contains("Calico NetworkPolicy x/deny");
        }
    }
}

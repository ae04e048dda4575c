package io.netpolguard.netpol;

import static io.netpolguard.netpol.Protocol.SCTP;
import static io.netpolguard.netpol.Protocol.TCP;
import static io.netpolguard.netpol.Protocol.UDP;
import static io.netpolguard.netpol.Reachability.allAllowed;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * When a pod is isolated (effective policyTypes), and that a connection needs the source's egress
 * and the destination's ingress to allow it, with policies forming a union.
 */
class IsolationTest {

    @Test
    void withoutPoliciesEveryConnectionIsAllowed() {
        XyzCluster cluster = XyzCluster.with();

        cluster.assertReachabilityOnEveryProtocol(allAllowed());
        assertThat(cluster.probe("x/a", XyzCluster.EXTERNAL_V4, 443).allowed()).isTrue();
        assertThat(cluster.probe(XyzCluster.EXTERNAL_V6, "z/c", 80).allowed()).isTrue();
    }

    @Test
    void defaultDenyIngressIsolatesEveryPodOfItsNamespaceForIngressOnly() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: default-deny-ingress
                  namespace: x
                spec:
                  podSelector: {}
                  policyTypes: [Ingress]
                """);

        cluster.assertReachabilityOnEveryProtocol(allAllowed().block("*", "x/*"));
        assertThat(cluster.probe("x/a", XyzCluster.EXTERNAL_V4, 80).allowed()).isTrue();
        assertThat(cluster.probe(XyzCluster.EXTERNAL_V4, "x/a", 80).allowed()).isFalse();
    }

    @Test
    void defaultDenyEgressIsolatesForEgressOnly() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: default-deny-egress
                  namespace: y
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                """);

        cluster.assertReachabilityOnEveryProtocol(allAllowed().block("y/*", "*"));
        assertThat(cluster.probe("y/a", XyzCluster.EXTERNAL_V4, 53).allowed()).isFalse();
        assertThat(cluster.probe(XyzCluster.EXTERNAL_V4, "y/a", 80).allowed()).isTrue();
    }

    @Test
    void onlyPodsMatchingThePodSelectorAreIsolated() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: deny-ingress-to-b
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: b
                  policyTypes: [Ingress]
                """);

        cluster.assertReachability(allAllowed().block("*", "x/b"), TCP, 80, 81);
    }

    @Test
    void policyTypesDefaultToIngressWhenTheFieldIsMissingAndThereAreNoEgressRules() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: no-types
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                """);

        cluster.assertReachability(allAllowed().block("*", "x/a"), TCP, 80);
    }

    @Test
    void policyTypesDefaultToIngressAndEgressWhenThereAreEgressRules() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: a-talks-only-to-b
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  egress:
                    - to:
                        - podSelector:
                            matchLabels:
                              pod: b
                """);

        cluster.assertReachability(allAllowed()
                .block("*", "x/a")
                .block("x/a", "*").allow("x/a", "x/b"), TCP, 80);
    }

    @Test
    void anEmptyEgressListDoesNotAddEgressToTheDefaultPolicyTypes() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: empty-egress
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  egress: []
                """);

        cluster.assertReachability(allAllowed().block("*", "x/a"), TCP, 80);
        assertThat(cluster.probe("x/a", XyzCluster.EXTERNAL_V4, 443).allowed()).isTrue();
    }

    @Test
    void anEmptyPolicyTypesListMeansTheDefault() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: empty-types
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  policyTypes: []
                """);

        cluster.assertReachability(allAllowed().block("*", "x/a"), TCP, 80);
    }

    @Test
    void explicitPolicyTypesWinOverTheRulesPresent() {
        // Ingress rules are ignored when policyTypes does not list Ingress; the egress list is empty, so egress is denied.
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: egress-only
                  namespace: z
                spec:
                  podSelector:
                    matchLabels:
                      pod: c
                  policyTypes: [Egress]
                  ingress:
                    - from:
                        - podSelector:
                            matchLabels:
                              pod: a
                """);

        cluster.assertReachability(allAllowed().block("z/c", "*"), TCP, 80);
    }

    @Test
    void bothPolicyTypesWithoutRulesDenyEverythingBothWays() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: default-deny-all
                  namespace: z
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                """);

        cluster.assertReachabilityOnEveryProtocol(allAllowed().block("z/*", "*").block("*", "z/*"));
    }

    @Test
    void policiesAreAUnion() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: allow-from-b
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
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: allow-from-y
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  ingress:
                    - from:
                        - namespaceSelector:
                            matchLabels:
                              ns: y
                """);

        cluster.assertReachability(allAllowed().block("*", "x/a").allow("x/b", "x/a").allow("y/*", "x/a"), TCP, 80);
    }

    @Test
    void anIngressAllowDoesNotOpenAnEgressIsolatedSource() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: default-deny-egress
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  policyTypes: [Egress]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: allow-from-x
                  namespace: y
                spec:
                  podSelector: {}
                  ingress:
                    - from:
                        - namespaceSelector:
                            matchLabels:
                              ns: x
                """);

        cluster.assertReachability(allAllowed()
                .block("*", "y/*").allow("x/*", "y/*")
                .block("x/a", "*"), TCP, 80);
    }

    @Test
    void anEgressAllowDoesNotOpenAnIngressIsolatedDestination() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: a-may-reach-z
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - namespaceSelector:
                            matchLabels:
                              ns: z
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: default-deny-ingress
                  namespace: z
                spec:
                  podSelector:
                    matchLabels:
                      pod: c
                  policyTypes: [Ingress]
                """);

        cluster.assertReachability(allAllowed()
                .block("x/a", "*").allow("x/a", "z/*")
                .block("*", "z/c"), TCP, 80);
    }

    @Test
    void policiesInAnotherNamespaceDoNotIsolate() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: deny-a
                  namespace: y
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  policyTypes: [Ingress, Egress]
                """);

        cluster.assertReachability(allAllowed().block("*", "y/a").block("y/a", "*"), TCP, 80);
    }

    @Test
    void aPodMayAlwaysConnectToItselfEvenUnderDefaultDeny() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: default-deny-all
                  namespace: x
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                """);

        for (Protocol protocol : Protocol.values()) {
            Verdict verdict = cluster.probe("x/a", "x/a", protocol, 80);
            assertThat(verdict.allowed()).as(protocol.name()).isTrue();
            assertThat(verdict.isToItself()).isTrue();
        }
        assertThat(cluster.probe("x/a", "x/b", 80).allowed()).isFalse();
    }

    @Test
    void aPodSelectedOnlyForEgressStaysOpenForIngressAndViceVersa() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: egress-to-y-only
                  namespace: x
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - namespaceSelector:
                            matchLabels:
                              ns: y
                """);

        Verdict fromZ = cluster.probe("z/a", "x/a", UDP, 81);
        assertThat(fromZ.allowed()).isTrue();
        assertThat(fromZ.ingress().isolated()).isFalse();
        assertThat(fromZ.egress().isolated()).isFalse();
        Verdict toY = cluster.probe("x/a", "y/b", SCTP, 80);
        assertThat(toY.allowed()).isTrue();
        assertThat(toY.egress().isolating()).extracting(CompiledPolicy::id).containsExactly("x/egress-to-y-only");
        cluster.assertReachability(allAllowed().block("x/*", "*").allow("x/*", "y/*"), TCP, 80);
    }
}

package io.netpolguard.netpol;

import static io.netpolguard.netpol.Protocol.TCP;
import static io.netpolguard.netpol.Protocol.UDP;
import static io.netpolguard.netpol.Reachability.allAllowed;
import static io.netpolguard.netpol.XyzCluster.EXTERNAL_V4;
import static io.netpolguard.netpol.XyzCluster.EXTERNAL_V6;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which endpoints the from/to of a rule match: missing peers, podSelector, namespaceSelector and their combinations. */
class PeerSelectionTest {

    @Test
    void aRuleWithoutFromMatchesEveryPodAndEveryExternalAddress() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: allow-80-to-a
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  ingress:
                    - ports:
                        - port: 80
                """);

        cluster.assertReachability(allAllowed(), TCP, 80);
        cluster.assertReachability(allAllowed().block("*", "x/a"), TCP, 81);
        assertThat(cluster.probe(EXTERNAL_V4, "x/a", 80).allowed()).isTrue();
        assertThat(cluster.probe(EXTERNAL_V6, "x/a", 80).allowed()).isTrue();
        assertThat(cluster.probe(EXTERNAL_V4, "x/a", 81).allowed()).isFalse();
    }

    @Test
    void anEmptyFromListMatchesEverythingLikeAMissingOne() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: empty-from
                  namespace: x
                spec:
                  podSelector: {}
                  ingress:
                    - from: []
                      ports:
                        - port: 81
                """);

        cluster.assertReachability(allAllowed(), TCP, 81);
        cluster.assertReachability(allAllowed().block("*", "x/*"), TCP, 80);
        assertThat(cluster.probe(EXTERNAL_V4, "x/b", 81).allowed()).isTrue();
    }

    @Test
    void aRuleWithoutToMatchesEveryDestinationIncludingExternalAddresses() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: dns-only
                  namespace: y
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                    - ports:
                        - port: 53
                          protocol: UDP
                """);

        assertThat(cluster.probe("y/a", EXTERNAL_V4, UDP, 53).allowed()).isTrue();
        assertThat(cluster.probe("y/a", EXTERNAL_V6, UDP, 53).allowed()).isTrue();
        assertThat(cluster.probe("y/a", "z/b", UDP, 53).allowed()).isTrue();
        assertThat(cluster.probe("y/a", EXTERNAL_V4, TCP, 53).allowed()).isFalse();
        cluster.assertReachability(allAllowed().block("y/*", "*"), UDP, 80);
    }

    @Test
    void anEmptyRuleAllowsEverything() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: allow-all
                  namespace: x
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                  ingress:
                    - {}
                  egress:
                    - {}
                """);

        cluster.assertReachabilityOnEveryProtocol(allAllowed());
        assertThat(cluster.probe(EXTERNAL_V6, "x/c", UDP, 5353).allowed()).isTrue();
        assertThat(cluster.probe("x/c", EXTERNAL_V4, TCP, 443).allowed()).isTrue();
    }

    @Test
    void anEmptyIngressListAllowsNothing() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: deny-all
                  namespace: x
                spec:
                  podSelector: {}
                  ingress: []
                """);

        cluster.assertReachabilityOnEveryProtocol(allAllowed().block("*", "x/*"));
        assertThat(cluster.probe(EXTERNAL_V4, "x/c", 80).allowed()).isFalse();
    }

    @Test
    void aPodSelectorAloneMatchesPodsOfThePolicysOwnNamespace() {
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
                """);

        cluster.assertReachability(allAllowed().block("*", "x/a").allow("x/b", "x/a"), TCP, 80);
        assertThat(cluster.probe(EXTERNAL_V4, "x/a", 80).allowed()).isFalse();
    }

    @Test
    void anEmptyPodSelectorAloneMatchesEveryPodOfTheOwnNamespaceOnly() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: allow-same-namespace
                  namespace: y
                spec:
                  podSelector: {}
                  ingress:
                    - from:
                        - podSelector: {}
                """);

        cluster.assertReachability(allAllowed().block("*", "y/*").allow("y/*", "y/*"), TCP, 80);
    }

    @Test
    void aNamespaceSelectorAloneMatchesEveryPodOfTheMatchingNamespaces() {
        XyzCluster cluster = XyzCluster.with("""
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

        cluster.assertReachability(allAllowed().block("*", "x/a").allow("y/*", "x/a"), TCP, 80);
    }

    @Test
    void anEmptyNamespaceSelectorMatchesEveryPodButNoExternalAddress() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: allow-from-all-pods
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  ingress:
                    - from:
                        - namespaceSelector: {}
                """);

        cluster.assertReachability(allAllowed(), TCP, 80);
        assertThat(cluster.probe(EXTERNAL_V4, "x/a", 80).allowed()).isFalse();
        assertThat(cluster.probe(EXTERNAL_V6, "x/a", 80).allowed()).isFalse();
    }

    @Test
    void namespaceSelectorAndPodSelectorInOnePeerMustBothMatch() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: allow-from-y-b
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
                          podSelector:
                            matchLabels:
                              pod: b
                """);

        cluster.assertReachability(allAllowed().block("*", "x/a").allow("y/b", "x/a"), TCP, 80);
    }

    @Test
    void separatePeersMatchEitherOne() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: allow-from-y-or-b
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
                        - podSelector:
                            matchLabels:
                              pod: b
                """);

        cluster.assertReachability(allAllowed().block("*", "x/a").allow("y/*", "x/a").allow("x/b", "x/a"), TCP, 80);
    }

    @Test
    void everyNamespaceHasTheMetadataNameLabelEvenWhenTheManifestOmitsIt() {
        // namespaces.yaml declares only ns=<name>; namespace w is not declared at all, only implied by its pod.
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: lonely
                  namespace: w
                  labels:
                    pod: a
                status:
                  podIP: 10.0.4.1
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: allow-from-z-and-w
                  namespace: x
                spec:
                  podSelector: {}
                  ingress:
                    - from:
                        - namespaceSelector:
                            matchLabels:
                              kubernetes.io/metadata.name: z
                        - namespaceSelector:
                            matchExpressions:
                              - key: kubernetes.io/metadata.name
                                operator: In
                                values: [w]
                """);

        cluster.assertReachability(allAllowed().block("*", "x/*").allow("z/*", "x/*"), TCP, 80);
        assertThat(cluster.probe("w/lonely", "x/b", 80).allowed()).isTrue();
        assertThat(cluster.snapshot().labelsOf("w").get("kubernetes.io/metadata.name")).isEqualTo("w");
    }

    @Test
    void egressPeersFollowTheSameRules() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: egress-to-z-c-and-own-a
                  namespace: y
                spec:
                  podSelector:
                    matchLabels:
                      pod: b
                  policyTypes: [Egress]
                  egress:
                    - to:
                        - namespaceSelector:
                            matchLabels:
                              ns: z
                          podSelector:
                            matchLabels:
                              pod: c
                        - podSelector:
                            matchLabels:
                              pod: a
                """);

        cluster.assertReachability(allAllowed().block("y/b", "*").allow("y/b", "z/c").allow("y/b", "y/a"), TCP, 80);
        assertThat(cluster.probe("y/b", EXTERNAL_V4, 80).allowed()).isFalse();
    }
}

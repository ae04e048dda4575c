package io.netpolguard.netpol;

import static io.netpolguard.netpol.Protocol.TCP;
import static io.netpolguard.netpol.Reachability.allAllowed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.netpolguard.cluster.Manifests;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Label selectors: matchLabels and matchExpressions ANDed, the four operators, and invalid selectors. */
class SelectorTest {

    /** Two more pods in x that carry a tier label; the a/b/c pods have none. */
    private static final String TIERED_PODS = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: api
              namespace: x
              labels:
                pod: api
                tier: backend
            status:
              podIP: 10.0.1.20
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: x
              labels:
                pod: web
                tier: frontend
            status:
              podIP: 10.0.1.21
            """;

    /** x/a accepts ingress only from pods of x matching the given podSelector. */
    private static XyzCluster aAcceptsFrom(String podSelector) {
        return XyzCluster.with(TIERED_PODS, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: selected-peers
                  namespace: x
                spec:
                  podSelector:
                    matchLabels:
                      pod: a
                  ingress:
                    - from:
                        - podSelector:
                %s""".formatted(podSelector.indent(12)));
    }

    private static List<String> allowedSourcesOfXa(XyzCluster cluster) {
        return List.of("x/b", "x/c", "x/api", "x/web", "y/a").stream()
                .filter(from -> cluster.probe(from, "x/a", 80).allowed()).toList();
    }

    @Test
    void matchLabelsAndMatchExpressionsAreAnded() {
        XyzCluster cluster = aAcceptsFrom("""
                matchLabels:
                  tier: backend
                matchExpressions:
                  - key: pod
                    operator: In
                    values: [api, web]
                """);

        assertThat(allowedSourcesOfXa(cluster)).containsExactly("x/api");
    }

    @Test
    void severalMatchLabelsMustAllMatch() {
        XyzCluster cluster = aAcceptsFrom("""
                matchLabels:
                  tier: frontend
                  pod: api
                """);

        assertThat(allowedSourcesOfXa(cluster)).isEmpty();
    }

    @Test
    void inMatchesPodsWhoseLabelHasOneOfTheValues() {
        XyzCluster cluster = aAcceptsFrom("""
                matchExpressions:
                  - key: pod
                    operator: In
                    values: [c, web]
                """);

        assertThat(allowedSourcesOfXa(cluster)).containsExactly("x/c", "x/web");
    }

    @Test
    void notInMatchesPodsWithoutTheLabel() {
        XyzCluster cluster = aAcceptsFrom("""
                matchExpressions:
                  - key: tier
                    operator: NotIn
                    values: [backend]
                """);

        assertThat(allowedSourcesOfXa(cluster)).containsExactly("x/b", "x/c", "x/web");
    }

    @Test
    void existsMatchesPodsWithTheLabelWhateverItsValue() {
        XyzCluster cluster = aAcceptsFrom("""
                matchExpressions:
                  - key: tier
                    operator: Exists
                """);

        assertThat(allowedSourcesOfXa(cluster)).containsExactly("x/api", "x/web");
    }

    @Test
    void doesNotExistMatchesPodsWithoutTheLabel() {
        XyzCluster cluster = aAcceptsFrom("""
                matchExpressions:
                  - key: tier
                    operator: DoesNotExist
                """);

        assertThat(allowedSourcesOfXa(cluster)).containsExactly("x/b", "x/c");
    }

    @Test
    void expressionsInThePolicysPodSelectorChooseTheIsolatedPods() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: deny-all-but-b
                  namespace: z
                spec:
                  podSelector:
                    matchExpressions:
                      - key: pod
                        operator: NotIn
                        values: [b]
                  policyTypes: [Ingress]
                """);

        cluster.assertReachability(allAllowed().block("*", "z/a").block("*", "z/c"), TCP, 80);
    }

    @Test
    void namespaceSelectorsUseTheSameOperators() {
        XyzCluster cluster = XyzCluster.with("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: from-other-namespaces
                  namespace: x
                spec:
                  podSelector: {}
                  ingress:
                    - from:
                        - namespaceSelector:
                            matchLabels:
                              ns: z
                            matchExpressions:
                              - key: ns
                                operator: In
                                values: [y, z]
                              - key: team
                                operator: DoesNotExist
                """);

        cluster.assertReachability(allAllowed().block("*", "x/*").allow("z/*", "x/*"), TCP, 80);
    }

    @Test
    void anUnknownOperatorIsRejectedWithThePolicyNamed() {
        NetworkPolicy policy = policy("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: bad-operator
                  namespace: x
                spec:
                  podSelector:
                    matchExpressions:
                      - key: pod
                        operator: Equals
                        values: [a]
                """);

        assertThatThrownBy(() -> PolicyCompiler.compile(policy))
                .isInstanceOfSatisfying(InvalidPolicyException.class, e -> assertThat(e.policyId()).isEqualTo("x/bad-operator"))
                .hasMessageContaining("NetworkPolicy x/bad-operator")
                .hasMessageContaining("'Equals'");
    }

    @Test
    void anUnknownOperatorInAPeerIsRejectedToo() {
        NetworkPolicy policy = policy("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: bad-peer
                  namespace: y
                spec:
                  podSelector: {}
                  ingress:
                    - from:
                        - namespaceSelector:
                            matchExpressions:
                              - key: ns
                                operator: in
                                values: [x]
                """);

        assertThatThrownBy(() -> PolicyCompiler.compile(policy))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("y/bad-peer")
                .hasMessageContaining("'in'");
    }

    @Test
    void operatorsWithTheWrongValuesAreRejected() {
        String template = """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: bad-values
                  namespace: x
                spec:
                  podSelector:
                    matchExpressions:
                      - key: pod
                %s""";

        assertThatThrownBy(() -> PolicyCompiler.compile(policy(template.formatted("        operator: In\n        values: []\n"))))
                .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("x/bad-values").hasMessageContaining("needs values");
        assertThatThrownBy(() -> PolicyCompiler.compile(policy(template.formatted("        operator: Exists\n        values: [a]\n"))))
                .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("x/bad-values").hasMessageContaining("must not have values");
    }

    static NetworkPolicy policy(String yaml) {
        try {
            return Manifests.JSON.treeToValue(Manifests.parse(yaml, "test").get(0).node(), NetworkPolicy.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

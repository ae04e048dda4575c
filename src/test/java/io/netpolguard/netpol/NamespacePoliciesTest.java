package io.netpolguard.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.netpolguard.cluster.Manifests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which policies select a label set, remembered per namespace: the answers must not depend on the cache. */
class NamespacePoliciesTest {

    private static CompiledPolicy policy(String yaml) throws Exception {
        return PolicyCompiler.compile(Manifests.JSON.treeToValue(Manifests.parse(yaml, "test").get(0).node(),
                NetworkPolicy.class));
    }

    private final NamespacePolicies policies;

    NamespacePoliciesTest() throws Exception {
        policies = new NamespacePolicies(List.of(
                policy("""
                        apiVersion: networking.k8s.io/v1
                        kind: NetworkPolicy
                        metadata: {name: web-ingress, namespace: shop}
                        spec:
                          podSelector: {matchLabels: {app: web}}
                          ingress: [{}]
                        """),
                policy("""
                        apiVersion: networking.k8s.io/v1
                        kind: NetworkPolicy
                        metadata: {name: backend-egress, namespace: shop}
                        spec:
                          podSelector: {matchExpressions: [{key: tier, operator: In, values: [backend]}]}
                          policyTypes: [Egress]
                        """)));
    }

    private static List<String> names(List<CompiledPolicy> selected) {
        return selected.stream().map(CompiledPolicy::name).toList();
    }

    @Test
    void podsThatDifferOnlyInLabelsNoSelectorUsesAreSelectedAlike() {
        var first = policies.select(LabelSet.of(Map.of("app", "web", "tier", "backend", "pod-template-hash", "5d8f")));
        var second = policies.select(LabelSet.of(Map.of("app", "web", "tier", "backend", "pod-template-hash", "77c4")));

        assertThat(names(first.ingress())).containsExactly("web-ingress");
        assertThat(names(first.egress())).containsExactly("backend-egress");
        assertThat(second).isSameAs(first);
    }

    @Test
    void answersStayRightPastTheCacheLimit() {
        for (int i = 0; i < 25_000; i++) {
            String app = i % 2 == 0 ? "web" : "api";
            String tier = i % 3 == 0 ? "backend" : "frontend";
            var selection = policies.select(LabelSet.of(Map.of("app", app, "tier", tier,
                    "statefulset.kubernetes.io/pod-name", "db-" + i)));
            assertThat(names(selection.ingress())).as("pod %d", i)
                    .isEqualTo(app.equals("web") ? List.of("web-ingress") : List.of());
            assertThat(names(selection.egress())).as("pod %d", i)
                    .isEqualTo(tier.equals("backend") ? List.of("backend-egress") : List.of());
        }
    }

    @Test
    void podsSelectedByTheSamePoliciesShareOneListAlsoAfterAChange() throws Exception {
        var webBackend = policies.select(LabelSet.of(Map.of("app", "web", "tier", "backend")));
        var webFrontend = policies.select(LabelSet.of(Map.of("app", "web", "tier", "frontend")));
        assertThat(webFrontend.ingress()).isSameAs(webBackend.ingress());

        // deleting the egress policy leaves the ingress lists as they were, the very objects
        NamespacePolicies deleted = NamespacePolicies.changed(policies, "backend-egress", null);
        var after = deleted.select(LabelSet.of(Map.of("app", "web", "tier", "backend")));
        assertThat(after.ingress()).isSameAs(webBackend.ingress());
        assertThat(after.egress()).isEmpty();

        // a policy added for both: the pods it selects alike share the new list
        NamespacePolicies added = NamespacePolicies.changed(policies, "deny-all", policy("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-all, namespace: shop}
                spec: {podSelector: {}, policyTypes: [Ingress]}
                """));
        var backend = added.select(LabelSet.of(Map.of("app", "web", "tier", "backend")));
        var frontend = added.select(LabelSet.of(Map.of("app", "web", "tier", "frontend")));
        assertThat(names(backend.ingress())).containsExactly("web-ingress", "deny-all");
        assertThat(frontend.ingress()).isSameAs(backend.ingress());
    }
}

package io.netpolguard.property;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.property.EngineCase.Pod;
import io.netpolguard.property.EngineCase.Probe;
import io.netpolguard.property.PolicyModel.ClusterKind;
import io.netpolguard.property.PolicyModel.ClusterPeer;
import io.netpolguard.property.PolicyModel.ClusterPolicy;
import io.netpolguard.property.PolicyModel.ClusterRule;
import io.netpolguard.property.PolicyModel.Policy;
import io.netpolguard.property.PolicyModel.Sel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The reference's reading of the tiers on hand-made cases, so that the property does not rest on an evaluator that
 * was never looked at: each case is the network-policy-api doc comment it follows, and the engine agrees on each.
 */
class ReferenceEvaluatorTest {
    private static final Pod A = new Pod("x", "a", Map.of("app", "a"), List.of("10.0.1.1", "fd00::1:1"), false, List.of());
    private static final Pod B = new Pod("y", "b", Map.of("app", "b"), List.of("10.0.2.1"), false, List.of());
    private static final Probe A_TO_B = new Probe("x/a", "y/b", 80, "TCP");
    private static final Sel X = new Sel(Map.of("kubernetes.io/metadata.name", "x"), List.of());

    private static ClusterPolicy egressOfX(ClusterKind kind, String name, String tier, Integer priority,
            ClusterRule... rules) {
        return new ClusterPolicy(kind, name, tier, priority, X, null, List.of(), List.of(rules));
    }

    private static ClusterRule toEveryNamespace(String action) {
        return new ClusterRule(action, List.of(new ClusterPeer(Sel.ALL, null, null)), List.of());
    }

    private static Set<Boolean> answers(List<Policy> policies, ClusterPolicy... clusterPolicies) {
        EngineCase cluster = new EngineCase(Map.of("x", Map.of(), "y", Map.of()), List.of(A, B), policies,
                List.of(clusterPolicies), List.of(A_TO_B));
        Set<Boolean> answers = new ReferenceEvaluator(cluster).answers(A_TO_B);
        if (answers.size() == 1) {
            EnginePropertyTest.assertAgrees(cluster);
        }
        return answers;
    }

    @Test
    void lowerPriorityFirstAndTheSamePriorityInEitherOrder() {
        ClusterPolicy deny = egressOfX(ClusterKind.CNP, "deny", "Admin", 10, toEveryNamespace("Deny"));
        assertThat(answers(List.of(), deny, egressOfX(ClusterKind.ANP, "allow", "Admin", 5, toEveryNamespace("Allow"))))
                .containsExactly(true);
        assertThat(answers(List.of(), deny, egressOfX(ClusterKind.ANP, "allow", "Admin", 11, toEveryNamespace("Allow"))))
                .containsExactly(false);
        assertThat(answers(List.of(), deny, egressOfX(ClusterKind.ANP, "allow", "Admin", 10, toEveryNamespace("Allow"))))
                .containsExactlyInAnyOrder(true, false);
        // a tie that cannot matter: both deny
        assertThat(answers(List.of(), deny, egressOfX(ClusterKind.CNP, "deny2", "Admin", 10, toEveryNamespace("Deny"))))
                .containsExactly(false);
    }

    @Test
    void passGoesToNetworkPolicyWhenItIsolatesThePodElseToTheBaseline() {
        ClusterPolicy pass = egressOfX(ClusterKind.CNP, "pass", "Admin", 1, toEveryNamespace("Pass"));
        ClusterPolicy baselineDeny = egressOfX(ClusterKind.CNP, "baseline", "Baseline", 1, toEveryNamespace("Deny"));
        Policy allowEgress = new Policy("x", "allow", Sel.ALL, List.of("Egress"),
                List.of(), List.of(new PolicyModel.Rule(List.of(), List.of())));
        Policy isolateIngressOnly = new Policy("x", "ingress", Sel.ALL, List.of("Ingress"), List.of(), List.of());
        assertThat(answers(List.of(allowEgress), pass, baselineDeny)).containsExactly(true);
        assertThat(answers(List.of(isolateIngressOnly), pass, baselineDeny)).as("not isolated for egress")
                .containsExactly(false);
        assertThat(answers(List.of(), egressOfX(ClusterKind.CNP, "baseline-pass", "Baseline", 0,
                toEveryNamespace("Pass")), baselineDeny)).as("a Baseline Pass goes to the default").containsExactly(true);
    }

    @Test
    void theBaselineAdminNetworkPolicyHasNoPlaceAmongBaselineClusterNetworkPolicies() {
        assertThat(answers(List.of(), egressOfX(ClusterKind.BANP, "default", "Baseline", null, toEveryNamespace("Allow")),
                egressOfX(ClusterKind.CNP, "baseline", "Baseline", 1000, toEveryNamespace("Deny"))))
                .containsExactlyInAnyOrder(true, false);
    }

    @Test
    void everyAddressOfADualStackPeerMustBeAllowed() {
        ClusterRule denyV6 = new ClusterRule("Deny", List.of(new ClusterPeer(null, null, List.of("fd00::/16"))),
                List.of());
        Sel y = new Sel(Map.of("kubernetes.io/metadata.name", "y"), List.of());
        EngineCase cluster = new EngineCase(Map.of("x", Map.of(), "y", Map.of()), List.of(A, B), List.of(),
                List.of(new ClusterPolicy(ClusterKind.CNP, "deny-v6", "Admin", 1, y, null, List.of(), List.of(denyV6))),
                List.of(new Probe("y/b", "x/a", 80, "TCP")));
        assertThat(new ReferenceEvaluator(cluster).answers(cluster.probes().get(0))).containsExactly(false);
        EnginePropertyTest.assertAgrees(cluster);
    }
}

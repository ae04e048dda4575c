package io.netpolguard.netpol;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.ChangeProjector;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import org.junit.jupiter.api.Test;

/**
 * The engine of a snapshot projected for one admission decision reads the decisions of the snapshot it came from and
 * adds to them what it decides for policy lists that snapshot has; what it decides for the lists only its change makes
 * stays with it, so a stream of requests does not fill the shared memory with lists no one looks up again.
 */
class DecisionMemoryTest {
    private static final String BASE = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-to-y, namespace: x}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress: [{to: [{namespaceSelector: {matchLabels: {ns: y}}}], ports: [{protocol: TCP, port: 80}]}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-to-y-a, namespace: z}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress: [{to: [{namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: a}}}]}]
            """;
    private static final String ADDED = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-egress-of-b, namespace: x}
            spec: {podSelector: {matchLabels: {pod: b}}, policyTypes: [Egress]}
            """;

    @Test
    void aProjectedEngineKeepsTheDecisionsAboutItsOwnPolicyListsToItself() throws Exception {
        XyzCluster cluster = XyzCluster.with(BASE);
        PolicyEngine base = cluster.engine();
        base.evaluate(connection(cluster, "x/b", "y/a"));
        base.evaluate(connection(cluster, "z/a", "y/a"));
        DecisionMemory shared = base.decisionMemory();
        int views = shared.views().size();
        int decisions = shared.decisions().size();

        NetworkPolicy added = Manifests.JSON.treeToValue(Manifests.parse(ADDED, "test").get(0).node(), NetworkPolicy.class);
        ClusterSnapshot after = ChangeProjector.apply(cluster.snapshot(),
                new Change.PolicyChange(Change.Operation.CREATE, "x", "deny-egress-of-b", added, null));
        PolicyEngine projected = after.engine();
        XyzCluster fresh = XyzCluster.with(BASE, ADDED);

        // x/b's egress list is new (the added policy joins it): decided by the projection alone
        assertThat(projected.evaluate(connection(cluster, "x/b", "y/c")).outcome())
                .isEqualTo(fresh.engine().evaluate(connection(fresh, "x/b", "y/c")).outcome())
                .isEqualTo(Outcome.ALLOWED);
        assertThat(shared.views()).hasSize(views);
        // z's list is the one the shared memory has seen: a new decision about it is shared
        assertThat(projected.evaluate(connection(cluster, "z/b", "y/c")).outcome())
                .isEqualTo(fresh.engine().evaluate(connection(fresh, "z/b", "y/c")).outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(shared.decisions()).hasSize(decisions + 1);
        assertThat(shared.views()).hasSize(views);
    }

    private static Connection connection(XyzCluster cluster, String from, String to) {
        return new Connection(cluster.endpoint(from), cluster.endpoint(to), 80, Protocol.TCP);
    }
}

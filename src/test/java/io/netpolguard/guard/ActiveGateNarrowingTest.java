package io.netpolguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.ChangeProjector;
import io.netpolguard.cluster.ClusterSnapshot;
import org.junit.jupiter.api.Test;

/**
 * Narrowing the ActiveGate's ingress to some namespaces judges the apps' connections a peer namespace at a time, and
 * namespaces the new rule cannot tell apart share one judgement: the apps of namespaces it admits stay allowed, the
 * others are newly blocked, connection by connection as a fresh guard's audit of the cluster after the change finds.
 */
class ActiveGateNarrowingTest {
    private static final String CLUSTER = """
            apiVersion: dynatrace.com/v1beta6
            kind: DynaKube
            metadata: {name: fullstack, namespace: dynatrace}
            spec:
              apiUrl: https://abc12345.live.dynatrace.com/api
              oneAgent:
                cloudNativeFullStack: {namespaceSelector: {matchLabels: {monitoring: fullstack}}}
              activeGate: {capabilities: [routing]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: dynatrace-operator-0, namespace: dynatrace, labels: {app.kubernetes.io/name: dynatrace-operator, app.kubernetes.io/component: operator}}
            status: {podIP: 10.244.9.1}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: fullstack-activegate-0
              namespace: dynatrace
              labels: {app.kubernetes.io/name: activegate, app.kubernetes.io/created-by: fullstack, app.kubernetes.io/managed-by: dynatrace-operator}
            status: {podIP: 10.244.9.2}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: activegate-ingress, namespace: dynatrace}
            spec:
              podSelector: {matchLabels: {app.kubernetes.io/name: activegate}}
              policyTypes: [Ingress]
              ingress: [{from: [{namespaceSelector: {}}]}]
            ---
            # three teams' namespaces, each with two apps; team a has two namespaces
            apiVersion: v1
            kind: Namespace
            metadata: {name: billing, labels: {monitoring: fullstack, team: b}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {monitoring: fullstack, team: a}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: tools, labels: {monitoring: fullstack, team: a}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: invoices-0, namespace: billing, labels: {app: invoices}}
            status: {podIP: 10.244.1.10}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: ledger-0, namespace: billing, labels: {app: ledger}}
            status: {podIP: 10.244.1.11}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web-0, namespace: shop, labels: {app: web}}
            status: {podIP: 10.244.2.10}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: cart-0, namespace: shop, labels: {app: cart}}
            status: {podIP: 10.244.2.11}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: ci-0, namespace: tools, labels: {app: ci}}
            status: {podIP: 10.244.3.10}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: wiki-0, namespace: tools, labels: {app: wiki}}
            status: {podIP: 10.244.3.11}
            """;
    private static final String NARROWED = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: activegate-ingress, namespace: dynatrace}
            spec:
              podSelector: {matchLabels: {app.kubernetes.io/name: activegate}}
              policyTypes: [Ingress]
              ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}}]}]
            """;
    private static final String FLOW = "monitored-apps->activegate (DynaKube dynatrace/fullstack)";

    @Test
    void onlyTheNamespacesTheNarrowedRuleAdmitsKeepTheirConnections() {
        ClusterSnapshot before = Clusters.of(CLUSTER);
        Change change = Clusters.policyChange(NARROWED, Change.Operation.UPDATE);
        Guard guard = Clusters.guard();
        guard.check(before); // what a NetworkPolicy change starts from: the flows judged, their connections indexed

        Judgement judged = guard.judge(before, change);

        assertThat(judged.newlyBlockedFlowIds()).containsExactly("monitored-apps->activegate");
        FlowResult found = Clusters.judgedAsFromScratch(judged, ChangeProjector.apply(before, change), FLOW);
        assertThat(Clusters.connections(found)).containsExactlyInAnyOrder("invoices-0 blocked", "ledger-0 blocked",
                "web-0 allowed", "cart-0 allowed", "ci-0 allowed", "wiki-0 allowed");
    }

    /**
     * Two ActiveGate pods with the same labels that name their port differently: a rule that allows the named port
     * admits the apps' connections to the pod whose port has that name only, so a judgement made for one pod is not
     * the other's.
     */
    @Test
    void aNamedPortIsResolvedOnEachActiveGatePod() {
        String cluster = CLUSTER.replace("""
                status: {podIP: 10.244.9.2}
                """, """
                spec: {containers: [{name: activegate, ports: [{name: https, containerPort: 9999}]}]}
                status: {podIP: 10.244.9.2}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: fullstack-activegate-1
                  namespace: dynatrace
                  labels: {app.kubernetes.io/name: activegate, app.kubernetes.io/created-by: fullstack, app.kubernetes.io/managed-by: dynatrace-operator}
                spec: {containers: [{name: activegate, ports: [{name: legacy, containerPort: 9999}]}]}
                status: {podIP: 10.244.9.3}
                """);
        ClusterSnapshot before = Clusters.of(cluster);
        Change change = Clusters.policyChange(NARROWED.replace("ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}}]}]",
                "ingress: [{from: [{namespaceSelector: {}}], ports: [{port: https}]}]"), Change.Operation.UPDATE);
        Guard guard = Clusters.guard();
        guard.check(before);

        Judgement judged = guard.judge(before, change);

        assertThat(judged.newlyBlockedFlowIds()).containsExactly("monitored-apps->activegate");
        FlowResult found = Clusters.judgedAsFromScratch(judged, ChangeProjector.apply(before, change), FLOW);
        assertThat(found.flow().connections()).extracting(c -> c.destination().endpoint().displayName()).contains(
                "dynatrace/fullstack-activegate-0", "dynatrace/fullstack-activegate-1");
        for (int c = 0; c < found.connections().size(); c++) {
            String activeGate = found.flow().connections().get(c).destination().endpoint().displayName();
            assertThat(found.statusAt(c)).as(activeGate).isEqualTo(activeGate.endsWith("-0") ? FlowStatus.ALLOWED
                    : FlowStatus.BLOCKED);
        }
    }
}

package io.netpolguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.ChangeProjector;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.SnapshotBuilder;
import io.netpolguard.dynatrace.DynatraceSettings;
import io.netpolguard.dynatrace.FlowCatalogue;
import io.netpolguard.dynatrace.HostResolver;
import io.netpolguard.dynatrace.RequiredFlows;
import io.netpolguard.netpol.IpAddresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        ClusterSnapshot before = cluster();
        Change change = policyUpdate(NARROWED);
        Guard guard = guard();
        guard.check(before); // what a NetworkPolicy change starts from: the flows judged, their connections indexed

        Judgement judged = guard.judge(before, change);

        assertThat(judged.newlyBlockedFlowIds()).containsExactly("monitored-apps->activegate");
        FlowResult found = judged.findings().stream().filter(f -> f.result().flow().key().equals(FLOW))
                .map(Finding::result).findFirst().orElseThrow();
        FlowResult expected = guard().check(ChangeProjector.apply(before, change)).stream()
                .filter(r -> r.flow().key().equals(FLOW)).findFirst().orElseThrow();
        assertThat(connections(found)).isEqualTo(connections(expected)).containsExactlyInAnyOrder(
                "invoices-0 blocked", "ledger-0 blocked", "web-0 allowed", "cart-0 allowed", "ci-0 allowed",
                "wiki-0 allowed");
        for (int c = 0; c < found.connections().size(); c++) { // the verdict made when read says the same
            assertThat(found.connections().get(c).status()).isEqualTo(found.statusAt(c));
        }
    }

    /** Each connection as "pod status", with its status known before the verdict is read. */
    private static List<String> connections(FlowResult result) {
        List<String> connections = new ArrayList<>();
        for (int c = 0; c < result.connections().size(); c++) {
            String pod = result.flow().connections().get(c).source().endpoint().displayName();
            connections.add(pod.substring(pod.indexOf('/') + 1) + " " + result.statusAt(c).name().toLowerCase());
        }
        return connections;
    }

    private static Change policyUpdate(String yaml) {
        try {
            NetworkPolicy policy = Manifests.JSON.treeToValue(Manifests.parse(yaml, "test").get(0).node(),
                    NetworkPolicy.class);
            return new Change.PolicyChange(Change.Operation.UPDATE, policy.getMetadata().getNamespace(),
                    policy.getMetadata().getName(), policy, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Guard guard() {
        return new Guard(new RequiredFlows(FlowCatalogue.standard(), DynatraceSettings.defaults(),
                HostResolver.offline(Map.of("abc12345.live.dynatrace.com",
                        List.of(IpAddresses.parse("203.0.113.10").orElseThrow())))), GuardSettings.defaults(), 0);
    }

    private static ClusterSnapshot cluster() {
        List<String> skipped = new ArrayList<>();
        SnapshotBuilder builder = new SnapshotBuilder(skipped::add);
        Manifests.parse(CLUSTER, "test").forEach(d -> builder.add(d.node(), d.origin()));
        assertThat(skipped).isEmpty();
        return builder.build();
    }
}

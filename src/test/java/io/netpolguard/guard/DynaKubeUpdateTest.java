package io.netpolguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.ChangeProjector;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.NamespaceInfo;
import org.junit.jupiter.api.Test;

/**
 * A DynaKube update that reaches more namespaces judges their apps' connections without looking at each pod where
 * the pods of a namespace cannot be told apart (every policy isolating their egress selects them all, and the tenant
 * is outside the cluster): the connections found that way must have the statuses and verdicts that judging each
 * connection from scratch gives, including where pods are told apart by labels or run in the host network.
 */
class DynaKubeUpdateTest {
    private static final String CLUSTER = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: billing, labels: {monitoring: appmon}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {monitoring: fullstack}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: edge, labels: {monitoring: fullstack}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: reports, labels: {monitoring: fullstack}}
            ---
            apiVersion: dynatrace.com/v1beta6
            kind: DynaKube
            metadata: {name: appmon, namespace: dynatrace}
            spec:
              apiUrl: https://abc12345.live.dynatrace.com/api
              oneAgent:
                applicationMonitoring: {namespaceSelector: {matchLabels: {monitoring: appmon}}}
              ACTIVEGATE
            ---
            # the ActiveGate takes connections from web pods only
            apiVersion: v1
            kind: Pod
            metadata:
              name: appmon-activegate-0
              namespace: dynatrace
              labels: {app.kubernetes.io/name: activegate, app.kubernetes.io/created-by: appmon, app.kubernetes.io/managed-by: dynatrace-operator}
            status: {podIP: 10.244.9.2}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: activegate-from-web, namespace: dynatrace}
            spec:
              podSelector: {matchLabels: {app.kubernetes.io/name: activegate}}
              policyTypes: [Ingress]
              ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {tier: web}}}]}]
            ---
            # catalog: no policy of its own, so its pods send alike; the ActiveGate tells them apart
            apiVersion: v1
            kind: Namespace
            metadata: {name: catalog, labels: {monitoring: fullstack}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web-1, namespace: catalog, labels: {app: catalog, tier: web}}
            status: {podIP: 10.244.5.10}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: db-1, namespace: catalog, labels: {app: catalog, tier: db}}
            status: {podIP: 10.244.5.11}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: dynatrace-operator-0, namespace: dynatrace, labels: {app.kubernetes.io/name: dynatrace-operator, app.kubernetes.io/component: operator}}
            status: {podIP: 10.244.9.1}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: invoices-0, namespace: billing, labels: {app: invoices}}
            status: {podIP: 10.244.1.10}
            ---
            # shop: the web pods come first and may send anywhere; the db pods may send nothing
            apiVersion: v1
            kind: Pod
            metadata: {name: web-0, namespace: shop, labels: {app: shop, tier: web}}
            status: {podIP: 10.244.2.10}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: db-0, namespace: shop, labels: {app: shop, tier: db}}
            status: {podIP: 10.244.2.11}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db-no-egress, namespace: shop}
            spec: {podSelector: {matchLabels: {tier: db}}, policyTypes: [Egress]}
            ---
            # edge: a default deny for egress, and a pod in the host network after one in the pod network
            apiVersion: v1
            kind: Pod
            metadata: {name: proxy-0, namespace: edge, labels: {app: proxy}}
            status: {podIP: 10.244.3.10}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: node-agent-0, namespace: edge, labels: {app: node-agent}}
            spec: {hostNetwork: true}
            status: {podIP: 172.18.0.11}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-egress, namespace: edge}
            spec: {podSelector: {}, policyTypes: [Egress]}
            ---
            # audit: a default deny for egress, nothing allowed
            apiVersion: v1
            kind: Namespace
            metadata: {name: audit, labels: {monitoring: fullstack}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: trail-0, namespace: audit, labels: {app: trail}}
            status: {podIP: 10.244.6.10}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: export-0, namespace: audit, labels: {app: export}}
            status: {podIP: 10.244.6.11}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-egress, namespace: audit}
            spec: {podSelector: {}, policyTypes: [Egress]}
            ---
            # reports: a default deny for egress, but the tenant is allowed
            apiVersion: v1
            kind: Pod
            metadata: {name: daily-0, namespace: reports, labels: {app: daily}}
            status: {podIP: 10.244.4.10}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: weekly-0, namespace: reports, labels: {app: weekly}}
            status: {podIP: 10.244.4.11}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-egress, namespace: reports}
            spec: {podSelector: {}, policyTypes: [Egress]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: tenant, namespace: reports}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress: [{to: [{ipBlock: {cidr: 203.0.113.10/32}}], ports: [{port: 443}]}]
            """;
    private static final String WIDER = """
            {"matchExpressions": [{"key": "monitoring", "operator": "In", "values": ["appmon", "fullstack"]}]}""";

    @Test
    void reachingMoreNamespacesJudgesEachAppAsFromScratch() {
        ClusterSnapshot before = cluster("");

        FlowResult found = judgedAsFromScratch(before, selectorChange(before, WIDER), "monitored-apps->dynatrace-api");

        assertThat(Clusters.connections(found)).containsExactlyInAnyOrder("invoices-0 allowed", "web-1 allowed",
                "db-1 allowed", "web-0 allowed", "db-0 blocked", "proxy-0 blocked", "node-agent-0 not-applicable",
                "daily-0 allowed", "weekly-0 allowed", "trail-0 blocked", "export-0 blocked");
    }

    /**
     * The namespaces a selector matches are found from an index of the namespaces' labels that snapshots with the same
     * pods share: after a namespace is labelled otherwise, the next update sees its new labels.
     */
    @Test
    void anUpdateAfterANamespaceIsRelabelledSeesItsNewLabels() {
        ClusterSnapshot unmonitoredEdge = withEdgeLabelled(cluster(""), "off");
        FlowResult before = judgedAsFromScratch(unmonitoredEdge, selectorChange(unmonitoredEdge, WIDER),
                "monitored-apps->dynatrace-api");
        assertThat(Clusters.connections(before)).doesNotContain("proxy-0 blocked", "node-agent-0 not-applicable");
        ClusterSnapshot relabelled = withEdgeLabelled(unmonitoredEdge, "fullstack");

        FlowResult found = judgedAsFromScratch(relabelled, selectorChange(relabelled, WIDER),
                "monitored-apps->dynatrace-api");

        assertThat(Clusters.connections(found)).containsExactlyInAnyOrder("invoices-0 allowed", "web-1 allowed",
                "db-1 allowed", "web-0 allowed", "db-0 blocked", "proxy-0 blocked", "node-agent-0 not-applicable",
                "daily-0 allowed", "weekly-0 allowed", "trail-0 blocked", "export-0 blocked");
    }

    private static ClusterSnapshot withEdgeLabelled(ClusterSnapshot snapshot, String monitoring) {
        java.util.Map<String, NamespaceInfo> namespaces = new java.util.HashMap<>(snapshot.namespaces());
        namespaces.put("edge", NamespaceInfo.of("edge", java.util.Map.of("monitoring", monitoring), java.util.Map.of()));
        return snapshot.withNamespaces(namespaces);
    }

    /** An ActiveGate's ingress rules look at each app's labels, even where the apps' own namespace has no policy. */
    @Test
    void anActiveGateTellsTheAppsOfANamespaceApart() {
        ClusterSnapshot before = cluster("activeGate: {capabilities: [routing]}");

        FlowResult found = judgedAsFromScratch(before, selectorChange(before, WIDER), "monitored-apps->activegate");

        assertThat(Clusters.connections(found)).containsExactlyInAnyOrder("invoices-0 blocked", "web-1 allowed",
                "db-1 blocked", "web-0 allowed", "db-0 blocked", "proxy-0 blocked", "node-agent-0 blocked",
                "daily-0 blocked", "weekly-0 blocked", "trail-0 blocked", "export-0 blocked");
    }

    /**
     * An ActiveGate that admits apps by their namespace alone: the apps of a namespace that sends alike are judged as
     * one, to a pod as to the tenant.
     */
    @Test
    void anActiveGateThatLooksAtNamespacesOnlyJudgesANamespacesAppsAsOne() {
        ClusterSnapshot before = withActiveGateAdmitting(
                "ingress: [{from: [{namespaceSelector: {matchLabels: {monitoring: fullstack}}}]}]");

        FlowResult found = judgedAsFromScratch(before, selectorChange(before, WIDER), "monitored-apps->activegate");

        assertThat(Clusters.connections(found)).containsExactlyInAnyOrder("invoices-0 blocked", "web-1 allowed",
                "db-1 allowed", "web-0 allowed", "db-0 blocked", "proxy-0 blocked", "node-agent-0 blocked",
                "daily-0 blocked", "weekly-0 blocked", "trail-0 blocked", "export-0 blocked");
    }

    /** An ActiveGate that admits apps by address tells apart the apps of a namespace that sends alike. */
    @Test
    void anActiveGateThatLooksAtAddressesTellsTheAppsApart() {
        ClusterSnapshot before = withActiveGateAdmitting(
                "ingress: [{from: [{ipBlock: {cidr: 10.244.5.10/32}}, {ipBlock: {cidr: 10.244.2.0/24}}]}]");

        FlowResult found = judgedAsFromScratch(before, selectorChange(before, WIDER), "monitored-apps->activegate");

        assertThat(Clusters.connections(found)).containsExactlyInAnyOrder("invoices-0 blocked", "web-1 allowed",
                "db-1 blocked", "web-0 allowed", "db-0 blocked", "proxy-0 blocked", "node-agent-0 blocked",
                "daily-0 blocked", "weekly-0 blocked", "trail-0 blocked", "export-0 blocked");
    }

    private static final String FROM_WEB_PODS =
            "ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {tier: web}}}]}]";

    /** The cluster with a routing ActiveGate whose ingress is {@code ingress} instead of the web pods'. */
    private static ClusterSnapshot withActiveGateAdmitting(String ingress) {
        return Clusters.of(CLUSTER.replace("ACTIVEGATE", "activeGate: {capabilities: [routing]}")
                .replace(FROM_WEB_PODS, ingress));
    }

    /** The result of the flow {@code id} of the DynaKube after {@code change}, judged as from scratch. */
    private static FlowResult judgedAsFromScratch(ClusterSnapshot before, Change change, String id) {
        Guard guard = Clusters.guard();
        guard.check(before); // the flows before are derived and judged: the update derives again only what it changes
        Judgement judged = guard.judge(before, change);
        return Clusters.judgedAsFromScratch(judged, ChangeProjector.apply(before, change),
                id + " (DynaKube dynatrace/appmon)");
    }

    private static Change selectorChange(ClusterSnapshot snapshot, String selector) {
        GenericKubernetesResource old = snapshot.dynaKubes().get(0);
        try {
            ObjectNode object = (ObjectNode) Manifests.JSON.valueToTree(old);
            ((ObjectNode) object.with("spec").with("oneAgent").with("applicationMonitoring"))
                    .set("namespaceSelector", Manifests.JSON.readTree(selector));
            GenericKubernetesResource updated = Manifests.JSON.treeToValue(object, GenericKubernetesResource.class);
            return new Change.DynatraceChange(Change.Operation.UPDATE, "DynaKube", "dynatrace", "appmon", updated, old);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cluster, the DynaKube with {@code activeGate} (a line of its spec, or empty). */
    private static ClusterSnapshot cluster(String activeGate) {
        return Clusters.of(CLUSTER.replace("ACTIVEGATE", activeGate));
    }
}

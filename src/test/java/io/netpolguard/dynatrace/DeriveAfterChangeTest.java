package io.netpolguard.dynatrace;

import static io.netpolguard.dynatrace.Resources.resource;
import static io.netpolguard.dynatrace.Resources.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.ChangeProjector;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.IpAddresses;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A DynaKube or EdgeConnect change derives only the changed object's flows and keeps every other flow of the
 * snapshot before: the result is what deriving the whole snapshot after the change gives, in the same order, with the
 * kept flows the very objects derived before.
 */
class DeriveAfterChangeTest {
    private static final String CLUSTER = """
            apiVersion: v1
            kind: Service
            metadata: {name: kubernetes, namespace: default}
            spec: {clusterIP: 10.96.0.1, ports: [{name: https, port: 443, targetPort: 6443}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: kubernetes, namespace: default, labels: {kubernetes.io/service-name: kubernetes}}
            addressType: IPv4
            endpoints: [{addresses: [172.18.0.2]}]
            ports: [{name: https, port: 6443, protocol: TCP}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
            spec: {containers: [{name: coredns}]}
            status: {podIP: 10.244.0.10}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {monitor: fullstack}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: billing, labels: {monitor: appmon}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: checkout-1, namespace: shop, labels: {app: checkout}}
            spec: {containers: [{name: checkout}]}
            status: {podIP: 10.244.1.10}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: invoices-1, namespace: billing, labels: {app: invoices}}
            spec: {containers: [{name: invoices}]}
            status: {podIP: 10.244.2.10}
            """;
    private static final String OPERATOR = """
            apiVersion: v1
            kind: Pod
            metadata: {name: dynatrace-operator-1, namespace: dynatrace, labels: {app.kubernetes.io/name: dynatrace-operator, app.kubernetes.io/component: operator}}
            spec: {containers: [{name: operator}]}
            status: {podIP: 10.244.3.10}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: dynatrace-webhook-1, namespace: dynatrace, labels: {app.kubernetes.io/name: dynatrace-operator, app.kubernetes.io/component: webhook}}
            spec: {containers: [{name: webhook, ports: [{name: server-port, containerPort: 8443}]}]}
            status: {podIP: 10.244.3.11}
            """;
    private static final String FULLSTACK = dynaKube("fullstack", "dynatrace", """
            oneAgent:
              cloudNativeFullStack: {namespaceSelector: {matchLabels: {monitor: fullstack}}}
            activeGate: {capabilities: [routing, kubernetes-monitoring]}""");
    private static final String APPMON = dynaKube("appmon", "dynatrace", """
            oneAgent:
              applicationMonitoring: {namespaceSelector: {matchLabels: {monitor: appmon}}}""");
    private static final String EDGE_CONNECT = """
            apiVersion: dynatrace.com/v1alpha2
            kind: EdgeConnect
            metadata: {name: edge, namespace: dynatrace}
            spec:
              apiServer: abc12345.apps.dynatrace.com
              oauth: {clientSecret: edge-oauth, endpoint: https://sso.dynatrace.com/sso/oauth2/token, resource: urn:dtenvironment:abc12345}
            """;

    private final RequiredFlows requiredFlows = new RequiredFlows(FlowCatalogue.standard(), DynatraceSettings.defaults(),
            HostResolver.offline(Map.of("abc12345.live.dynatrace.com", List.of(ip("203.0.113.10")))));

    private static String dynaKube(String name, String namespace, String spec) {
        return """
                apiVersion: dynatrace.com/v1beta6
                kind: DynaKube
                metadata: {name: %s, namespace: %s}
                spec:
                  apiUrl: https://abc12345.live.dynatrace.com/api
                %s""".formatted(name, namespace, spec.indent(2));
    }

    @Test
    void changingOneDynaKubeDerivesOnlyItsFlows() {
        ClusterSnapshot before = snapshot(CLUSTER, OPERATOR, FULLSTACK, APPMON, EDGE_CONNECT);
        String wider = dynaKube("appmon", "dynatrace", """
                oneAgent:
                  applicationMonitoring: {namespaceSelector: {matchExpressions: [{key: monitor, operator: Exists}]}}""");
        List<RequiredFlow> beforeFlows = requiredFlows.derive(before);
        List<RequiredFlow> after = assertSameAsDerivingEverything(before, beforeFlows,
                change("DynaKube", Change.Operation.UPDATE, "appmon", wider));
        // the wider selector reaches shop too: billing's connections are the very ones derived before
        RequiredFlow toTenant = flow(after, "monitored-apps->dynatrace-api", "DynaKube dynatrace/appmon");
        RequiredFlow toTenantBefore = flow(beforeFlows, "monitored-apps->dynatrace-api", "DynaKube dynatrace/appmon");
        assertThat(toTenant.connections()).extracting(c -> ((io.netpolguard.netpol.PodEndpoint) c.source().endpoint()).name()).containsExactly("invoices-1", "checkout-1");
        assertThat(toTenant.connections().get(0)).isSameAs(toTenantBefore.connections().get(0));
    }

    @Test
    void aDynaKubeUpdateThatReachesTheSameAppsTheSameWayKeepsItsAppFlows() {
        ClusterSnapshot before = snapshot(CLUSTER, OPERATOR, FULLSTACK, APPMON, EDGE_CONNECT);
        List<RequiredFlow> beforeFlows = requiredFlows.derive(before);
        String withImage = dynaKube("appmon", "dynatrace", """
                oneAgent:
                  applicationMonitoring:
                    namespaceSelector: {matchLabels: {monitor: appmon}}
                    codeModulesImage: registry.example.com/dynatrace/codemodules:1.321.0""");
        List<RequiredFlow> after = assertSameAsDerivingEverything(before, beforeFlows,
                change("DynaKube", Change.Operation.UPDATE, "appmon", withImage));
        // apps without a routing ActiveGate download from the tenant with or without the image: the very flow
        assertThat(flow(after, "monitored-apps->dynatrace-api", "DynaKube dynatrace/appmon"))
                .isSameAs(flow(beforeFlows, "monitored-apps->dynatrace-api", "DynaKube dynatrace/appmon"));
    }

    @Test
    void aDynaKubeUpdateThatChangesTheAppsPortsDerivesItsAppFlowsAgain() {
        String enriched = """
                oneAgent:
                  cloudNativeFullStack: {namespaceSelector: {matchLabels: {monitor: fullstack}}}
                metadataEnrichment: {enabled: true, namespaceSelector: {matchLabels: {monitor: fullstack}}}
                """;
        ClusterSnapshot before = snapshot(CLUSTER, OPERATOR, dynaKube("fullstack", "dynatrace",
                enriched + "activeGate: {capabilities: [routing]}"), APPMON, EDGE_CONNECT);
        // same namespaces, same features: metrics ingest through the ActiveGate gives every enriched app port 9998
        String metricsIngest = dynaKube("fullstack", "dynatrace",
                enriched + "activeGate: {capabilities: [routing, metrics-ingest]}");
        List<RequiredFlow> after = assertSameAsDerivingEverything(before,
                change("DynaKube", Change.Operation.UPDATE, "fullstack", metricsIngest));
        assertThat(flow(after, "monitored-apps->activegate", "DynaKube dynatrace/fullstack").connections())
                .extracting(c -> c.connection().port()).contains(9998);
    }

    @Test
    void creatingAndDeletingADynaKubeOrAnEdgeConnect() {
        ClusterSnapshot before = snapshot(CLUSTER, OPERATOR, FULLSTACK, EDGE_CONNECT);
        assertSameAsDerivingEverything(before, change("DynaKube", Change.Operation.CREATE, "appmon", APPMON));
        assertSameAsDerivingEverything(before, change("DynaKube", Change.Operation.DELETE, "fullstack", FULLSTACK));
        assertSameAsDerivingEverything(before, change("EdgeConnect", Change.Operation.DELETE, "edge", EDGE_CONNECT));
        String automation = EDGE_CONNECT + "  kubernetesAutomation: {enabled: true}\n  serviceAccountName: edge\n";
        assertSameAsDerivingEverything(before, change("EdgeConnect", Change.Operation.UPDATE, "edge", automation));
    }

    @Test
    void whenTheOperatorIsFoundThroughItsObjectsAndTheyMoveEverythingIsDerivedAgain() {
        // no operator pods: the operator's namespace is where its DynaKubes are, and deleting the only one changes it
        ClusterSnapshot before = snapshot(CLUSTER, FULLSTACK);
        List<RequiredFlow> after = assertSameAsDerivingEverything(before,
                change("DynaKube", Change.Operation.DELETE, "fullstack", FULLSTACK));
        assertThat(after).extracting(RequiredFlow::id).containsExactly("control-plane->netpol-guard");
    }

    private List<RequiredFlow> assertSameAsDerivingEverything(ClusterSnapshot before, Change change) {
        return assertSameAsDerivingEverything(before, requiredFlows.derive(before), change);
    }

    private List<RequiredFlow> assertSameAsDerivingEverything(ClusterSnapshot before, List<RequiredFlow> beforeFlows,
            Change change) {
        ClusterSnapshot after = ChangeProjector.apply(before, change);
        String owner = RequiredFlows.ownerOf(change.kind(), change.namespace(), change.name());
        List<RequiredFlow> incremental = requiredFlows.deriveAfterChange(before, beforeFlows, after, owner);
        List<RequiredFlow> everything = requiredFlows.derive(after);
        assertThat(incremental).as(change.toString()).isEqualTo(everything);
        for (RequiredFlow flow : incremental) {
            boolean keptObject = beforeFlows.stream().anyMatch(b -> b == flow);
            boolean sameOperator = requiredFlows.operatorNamespace(before).equals(requiredFlows.operatorNamespace(after));
            if (!flow.owner().equals(owner) || !sameOperator) {
                assertThat(keptObject).as(flow.key() + " kept from before").isEqualTo(sameOperator);
            }
        }
        return incremental;
    }

    private static RequiredFlow flow(List<RequiredFlow> flows, String id, String owner) {
        return flows.stream().filter(f -> f.id().equals(id) && f.owner().equals(owner)).findFirst().orElseThrow();
    }

    private static Change change(String kind, Change.Operation operation, String name, String yaml) {
        GenericKubernetesResource object = resource(yaml);
        return new Change.DynatraceChange(operation, kind, "dynatrace", name, object, object);
    }

    private static InetAddress ip(String text) {
        return IpAddresses.parse(text).orElseThrow();
    }
}

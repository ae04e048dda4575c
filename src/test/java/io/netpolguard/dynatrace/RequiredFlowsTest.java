package io.netpolguard.dynatrace;

import static io.netpolguard.dynatrace.Resources.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.netpol.ExternalEndpoint;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which flows a cluster requires (spec §3 "when required"), and where their connections go. */
class RequiredFlowsTest {
    private static final String TENANT = "abc12345.live.dynatrace.com";

    private static final String CONTROL_PLANE = """
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
            """;
    private static final String OPERATOR = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: dynatrace-operator, namespace: dynatrace}
            spec:
              template:
                metadata: {labels: {app.kubernetes.io/name: dynatrace-operator, app.kubernetes.io/component: operator}}
                spec: {containers: [{name: operator}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: dynatrace-webhook, namespace: dynatrace}
            spec:
              template:
                metadata: {labels: {app.kubernetes.io/name: dynatrace-operator, app.kubernetes.io/component: webhook}}
                spec: {containers: [{name: webhook, ports: [{name: server-port, containerPort: 8443}]}]}
            """;
    private static final String CSI = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: dynatrace-oneagent-csi-driver, namespace: dynatrace}
            spec:
              template:
                metadata: {labels: {app.kubernetes.io/name: dynatrace-operator, app.kubernetes.io/component: csi-driver}}
                spec: {containers: [{name: server}]}
            """;
    private static final String APPS = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {monitor: "yes"}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: checkout, namespace: shop}
            spec:
              template:
                metadata: {labels: {app: checkout}}
                spec: {containers: [{name: checkout}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: legacy, namespace: legacy}
            spec:
              template:
                metadata: {labels: {app: legacy}}
                spec: {containers: [{name: legacy}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: metrics-server, namespace: kube-monitoring}
            spec:
              template:
                metadata: {labels: {app: metrics-server}}
                spec: {containers: [{name: metrics-server}]}
            """;

    private static String dynaKube(String version, String spec) {
        return """
                apiVersion: dynatrace.com/%s
                kind: DynaKube
                metadata: {name: dk, namespace: dynatrace}
                spec:
                  apiUrl: https://abc12345.live.dynatrace.com/api
                %s""".formatted(version, spec.indent(2));
    }

    private static List<RequiredFlow> derive(String... manifests) {
        Map<String, List<InetAddress>> hosts = Map.of(TENANT, List.of(ip("203.0.113.10")),
                "registry.example.com", List.of(ip("203.0.113.20")), "proxy.corp.example", List.of(ip("10.20.0.5")));
        return new RequiredFlows(FlowCatalogue.standard(), DynatraceSettings.defaults(), HostResolver.offline(hosts))
                .derive(snapshot(manifests));
    }

    private static Set<String> ids(List<RequiredFlow> flows) {
        return flows.stream().map(RequiredFlow::id).collect(Collectors.toSet());
    }

    private static RequiredFlow flow(List<RequiredFlow> flows, String id) {
        List<RequiredFlow> found = flows.stream().filter(f -> f.id().equals(id)).toList();
        assertThat(found).as(id).hasSize(1);
        return found.get(0);
    }

    private static InetAddress ip(String text) {
        return IpAddresses.parse(text).orElseThrow();
    }

    private static final Set<String> OPERATOR_FLOWS = Set.of("operator->kube-dns", "operator->kube-apiserver",
            "webhook->kube-dns", "webhook->kube-apiserver", "control-plane->webhook", "control-plane->netpol-guard");

    @Test
    void aCodeModulesImageWithoutARegistryHostMakesTheRegistryFlowUnverifiable() {
        // found by DynatraceReaderFuzzTest (seed 8259310574612749356): this image made the judgement throw
        List<RequiredFlow> flows = derive(CONTROL_PLANE, OPERATOR, CSI, APPS,
                dynaKube("v1beta6", "oneAgent: {cloudNativeFullStack: {codeModulesImage: \"https://:443\"}}"));
        assertThat(flow(flows, "csi-driver->registry").unverifiableReason())
                .isEqualTo("DynaKube dynatrace/dk: codeModulesImage 'https://:443' names no registry the guard can read "
                        + "(image registry 'https:' has a port that is not a number)");
    }

    @Test
    void withoutTheOperatorOnlyTheGuardsOwnFlowIsRequired() {
        assertThat(ids(derive(CONTROL_PLANE))).containsExactly("control-plane->netpol-guard");
        assertThat(ids(derive())).containsExactly("control-plane->netpol-guard");
    }

    @Test
    void theOperatorNeedsDnsTheApiServerAndTheControlPlane() {
        assertThat(ids(derive(CONTROL_PLANE, OPERATOR))).isEqualTo(OPERATOR_FLOWS);
    }

    @Test
    void theCsiDriverAddsItsDnsAndApiServerFlows() {
        Set<String> expected = new java.util.HashSet<>(OPERATOR_FLOWS);
        expected.addAll(Set.of("csi-driver->kube-dns", "csi-driver->kube-apiserver"));
        assertThat(ids(derive(CONTROL_PLANE, OPERATOR, CSI))).isEqualTo(expected);
    }

    @Test
    void aDynaKubeAloneMeansTheOperatorIsInstalled() {
        assertThat(ids(derive(CONTROL_PLANE, dynaKube("v1beta6", "oneAgent: {hostMonitoring: {}}"))))
                .contains("operator->kube-dns", "control-plane->webhook", "operator->dynatrace-api", "oneagent->dynatrace-api");
    }

    @Test
    void injectionWithCsiAndNoRoutingDownloadsThroughTheCsiDriverAndAppsReachTheTenant() {
        Set<String> ids = ids(derive(CONTROL_PLANE, OPERATOR, CSI, APPS, dynaKube("v1beta6", "oneAgent: {cloudNativeFullStack: {}}")));
        assertThat(ids).contains("operator->dynatrace-api", "csi-driver->dynatrace-api", "monitored-apps->dynatrace-api",
                "oneagent->dynatrace-api");
        assertThat(ids).doesNotContain("csi-driver->registry", "monitored-apps->activegate", "activegate->kube-dns");
    }

    @Test
    void aCodeModulesImageMakesTheCsiDriverPullFromTheRegistryInsteadOfTheTenant() {
        List<RequiredFlow> flows = derive(CONTROL_PLANE, OPERATOR, CSI, APPS, dynaKube("v1beta6", """
                oneAgent:
                  applicationMonitoring:
                    codeModulesImage: registry.example.com/dynatrace/codemodules:1.321.0
                """));
        assertThat(ids(flows)).contains("csi-driver->registry", "monitored-apps->dynatrace-api")
                .doesNotContain("csi-driver->dynatrace-api", "oneagent->dynatrace-api");
        FlowConnection registry = flow(flows, "csi-driver->registry").connections().get(0);
        assertThat(registry.connection().destination()).isEqualTo(
                new ExternalEndpoint("registry.example.com", List.of(ip("203.0.113.20"))));
        assertThat(registry.connection().port()).isEqualTo(443);
        assertThat(flow(flows, "csi-driver->registry").owner()).isEqualTo("DynaKube dynatrace/dk");
    }

    @Test
    void aCodeModulesImageWithoutTheCsiDriverNeedsNoRegistryFlow() {
        Set<String> ids = ids(derive(CONTROL_PLANE, OPERATOR, APPS, dynaKube("v1beta6", """
                oneAgent:
                  applicationMonitoring:
                    codeModulesImage: registry.example.com/dynatrace/codemodules:1.321.0
                """)));
        assertThat(ids).doesNotContain("csi-driver->registry", "csi-driver->dynatrace-api", "csi-driver->kube-dns");
        assertThat(ids).contains("monitored-apps->dynatrace-api");
    }

    @Test
    void routingSendsTheAppsToTheActiveGate() {
        Set<String> ids = ids(derive(CONTROL_PLANE, OPERATOR, CSI, APPS, dynaKube("v1beta6", """
                oneAgent: {cloudNativeFullStack: {}}
                activeGate: {capabilities: [routing]}
                """)));
        assertThat(ids).contains("monitored-apps->activegate", "activegate->kube-dns", "activegate->dynatrace-api",
                "csi-driver->dynatrace-api");
        assertThat(ids).doesNotContain("monitored-apps->dynatrace-api", "activegate->kube-apiserver");
    }

    @Test
    void withoutCsiAndWithoutCodeModulesImageTheAppsDownloadFromTheTenantEvenWithRouting() {
        Set<String> ids = ids(derive(CONTROL_PLANE, OPERATOR, APPS, dynaKube("v1beta6", """
                oneAgent: {applicationMonitoring: {}}
                activeGate: {capabilities: [routing]}
                """)));
        assertThat(ids).contains("monitored-apps->activegate", "monitored-apps->dynatrace-api");
        assertThat(ids).doesNotContain("csi-driver->dynatrace-api");
    }

    @Test
    void v1beta1UseCsiDriverFalseIgnoresTheInstalledCsiDriver() {
        Set<String> ids = ids(derive(CONTROL_PLANE, OPERATOR, CSI, APPS, dynaKube("v1beta1", """
                oneAgent: {applicationMonitoring: {useCSIDriver: false}}
                routing: {enabled: true}
                """)));
        assertThat(ids).contains("monitored-apps->dynatrace-api", "monitored-apps->activegate", "csi-driver->kube-dns");
        assertThat(ids).doesNotContain("csi-driver->dynatrace-api");
        Set<String> withCsi = ids(derive(CONTROL_PLANE, OPERATOR, CSI, APPS, dynaKube("v1beta1", """
                oneAgent: {applicationMonitoring: {useCSIDriver: true}}
                routing: {enabled: true}
                """)));
        assertThat(withCsi).contains("csi-driver->dynatrace-api").doesNotContain("monitored-apps->dynatrace-api");
    }

    @Test
    void kubernetesMonitoringNeedsTheApiServerAtItsEndpoint() {
        List<RequiredFlow> flows = derive(CONTROL_PLANE, OPERATOR, dynaKube("v1beta6",
                "activeGate: {capabilities: [kubernetes-monitoring]}"));
        RequiredFlow flow = flow(flows, "activegate->kube-apiserver");
        assertThat(flow.connections()).singleElement().satisfies(c -> {
            assertThat(c.connection().destination()).isEqualTo(ExternalEndpoint.ofAddress(ip("172.18.0.2")));
            assertThat(c.connection().port()).isEqualTo(6443);
            assertThat(c.connection().source()).isInstanceOfSatisfying(PodEndpoint.class, pod -> {
                assertThat(pod.isExpected()).isTrue();
                assertThat(pod.labels().get("app.kubernetes.io/created-by")).isEqualTo("dk");
            });
        });
        assertThat(ids(flows)).doesNotContain("monitored-apps->activegate");
    }

    @Test
    void theApiServerFallsBackToEndpointsThenToAnUnknownAddressWithANote() {
        String endpoints = """
                apiVersion: v1
                kind: Endpoints
                metadata: {name: kubernetes, namespace: default}
                subsets: [{addresses: [{ip: 192.168.49.2}], ports: [{name: https, port: 8443, protocol: TCP}]}]
                """;
        RequiredFlow viaEndpoints = flow(derive(OPERATOR, endpoints), "operator->kube-apiserver");
        assertThat(viaEndpoints.connections()).singleElement().satisfies(c -> {
            assertThat(c.connection().destination()).isEqualTo(ExternalEndpoint.ofAddress(ip("192.168.49.2")));
            assertThat(c.connection().port()).isEqualTo(8443);
        });
        RequiredFlow unknown = flow(derive(OPERATOR), "operator->kube-apiserver");
        assertThat(unknown.connections()).singleElement().satisfies(c -> {
            assertThat(((ExternalEndpoint) c.connection().destination()).addresses()).isEmpty();
            assertThat(c.connection().port()).isEqualTo(6443);
        });
        assertThat(unknown.notes()).singleElement().asString().contains("the API server's endpoints are unknown");
    }

    @Test
    void theControlPlaneIsTheApiServerAddressAndReachesTheWebhookPort() {
        RequiredFlow flow = flow(derive(CONTROL_PLANE, OPERATOR), "control-plane->webhook");
        assertThat(flow.connections()).singleElement().satisfies(c -> {
            assertThat(c.connection().source()).isEqualTo(ExternalEndpoint.ofAddress(ip("172.18.0.2")));
            assertThat(c.connection().port()).isEqualTo(8443);
            assertThat(c.connection().protocol()).isEqualTo(Protocol.TCP);
        });
    }

    @Test
    void dnsFlowsUseUdpAndTcp() {
        RequiredFlow flow = flow(derive(CONTROL_PLANE, OPERATOR), "operator->kube-dns");
        assertThat(flow.connections()).extracting(c -> c.connection().protocol() + "/" + c.connection().port())
                .containsExactlyInAnyOrder("UDP/53", "TCP/53");
    }

    @Test
    void theApiUrlPortAndAProxyDecideWhereTenantFlowsGo() {
        RequiredFlow direct = flow(derive(CONTROL_PLANE, OPERATOR, """
                apiVersion: dynatrace.com/v1beta6
                kind: DynaKube
                metadata: {name: dk, namespace: dynatrace}
                spec: {apiUrl: "https://abc12345.live.dynatrace.com:9443/api"}
                """), "operator->dynatrace-api");
        assertThat(direct.connections()).singleElement().satisfies(c -> {
            assertThat(c.connection().destination()).isEqualTo(new ExternalEndpoint(TENANT, List.of(ip("203.0.113.10"))));
            assertThat(c.connection().port()).isEqualTo(9443);
        });
        RequiredFlow proxied = flow(derive(CONTROL_PLANE, OPERATOR, dynaKube("v1beta6",
                "proxy: {value: \"http://proxy.corp.example:3128\"}")), "operator->dynatrace-api");
        assertThat(proxied.connections()).singleElement().satisfies(c -> {
            assertThat(c.connection().destination()).isEqualTo(new ExternalEndpoint("proxy.corp.example", List.of(ip("10.20.0.5"))));
            assertThat(c.connection().port()).isEqualTo(3128);
        });
        RequiredFlow secret = flow(derive(CONTROL_PLANE, OPERATOR, dynaKube("v1beta6", "proxy: {valueFrom: dk-proxy}")),
                "operator->dynatrace-api");
        assertThat(secret.connections()).isEmpty();
        assertThat(secret.unverifiableReason()).contains("secret dk-proxy");
    }

    @Test
    void anUnresolvedHostHasNoAddressAndANote() {
        RequiredFlow flow = flow(derive(CONTROL_PLANE, OPERATOR, """
                apiVersion: dynatrace.com/v1beta6
                kind: DynaKube
                metadata: {name: dk, namespace: dynatrace}
                spec: {apiUrl: "https://unknown.example.com/api"}
                """), "operator->dynatrace-api");
        assertThat(flow.connections()).singleElement().satisfies(c ->
                assertThat(((ExternalEndpoint) c.connection().destination()).addresses()).isEmpty());
        assertThat(flow.notes()).singleElement().asString().contains("unknown.example.com").contains("--host");
    }

    @Test
    void monitoredAppsAreThePodsOfTheInjectedNamespaces() {
        RequiredFlow all = flow(derive(CONTROL_PLANE, OPERATOR, APPS, dynaKube("v1beta6", "oneAgent: {cloudNativeFullStack: {}}")),
                "monitored-apps->dynatrace-api");
        assertThat(sourceNamespaces(all)).containsExactlyInAnyOrder("shop", "legacy");
        RequiredFlow selected = flow(derive(CONTROL_PLANE, OPERATOR, APPS, dynaKube("v1beta6", """
                oneAgent: {cloudNativeFullStack: {namespaceSelector: {matchLabels: {monitor: "yes"}}}}
                """)), "monitored-apps->dynatrace-api");
        assertThat(sourceNamespaces(selected)).containsExactly("shop");
        RequiredFlow none = flow(derive(CONTROL_PLANE, OPERATOR, APPS, dynaKube("v1beta6", """
                oneAgent: {cloudNativeFullStack: {namespaceSelector: {matchLabels: {monitor: "never"}}}}
                """)), "monitored-apps->dynatrace-api");
        assertThat(none.connections()).isEmpty();
        assertThat(none.notes()).singleElement().asString().contains("no application pods found");
    }

    private static Set<String> sourceNamespaces(RequiredFlow flow) {
        return flow.connections().stream().map(c -> ((PodEndpoint) c.connection().source()).namespace())
                .collect(Collectors.toSet());
    }

    @Test
    void telemetryIngestGoesThroughTheActiveGateWhenThereIsOne() {
        List<RequiredFlow> withAg = derive(CONTROL_PLANE, OPERATOR, APPS, dynaKube("v1beta6", """
                activeGate: {capabilities: [dynatrace-api]}
                telemetryIngest: {protocols: [jaeger]}
                """));
        assertThat(ids(withAg)).contains("otel-collector->activegate", "monitored-apps->otel-collector")
                .doesNotContain("otel-collector->dynatrace-api");
        List<String> ports = new ArrayList<>();
        flow(withAg, "monitored-apps->otel-collector").connections().stream()
                .filter(c -> ((PodEndpoint) c.connection().source()).namespace().equals("shop"))
                .forEach(c -> ports.add(c.connection().protocol() + "/" + c.connection().port()));
        assertThat(ports).containsExactlyInAnyOrder("TCP/14250", "TCP/14268", "UDP/6831", "UDP/6832");
        Set<String> withoutAg = ids(derive(CONTROL_PLANE, OPERATOR, dynaKube("v1beta6", "telemetryIngest: {}")));
        assertThat(withoutAg).contains("otel-collector->dynatrace-api").doesNotContain("otel-collector->activegate");
    }

    @Test
    void extensionsSqlExecutorKspmAndLogMonitoringAddTheirFlows() {
        List<RequiredFlow> flows = derive(CONTROL_PLANE, OPERATOR, dynaKube("v1beta6", """
                extensions: {prometheus: {}, databases: [{id: orders}]}
                kspm: {}
                logMonitoring: {}
                """));
        assertThat(ids(flows)).contains("extension-controller->activegate", "sql-executor->extension-controller",
                "kspm->activegate", "logmonitoring->dynatrace-api", "extension-controller->kube-dns",
                "extension-controller->kube-apiserver", "sql-executor->kube-dns", "otel-collector->kube-dns",
                "otel-collector->kube-apiserver", "otel-collector->extension-controller", "kspm->kube-dns",
                "logmonitoring->kube-dns", "logmonitoring->kubelet", "activegate->kube-dns");
        assertThat(flow(flows, "sql-executor->extension-controller").connections()).singleElement()
                .satisfies(c -> assertThat(c.connection().port()).isEqualTo(14599));
        assertThat(flow(flows, "kspm->activegate").connections()).singleElement()
                .satisfies(c -> assertThat(c.connection().port()).isEqualTo(9999));
        assertThat(ids(derive(CONTROL_PLANE, OPERATOR, dynaKube("v1beta6", "oneAgent: {hostMonitoring: {}}"))))
                .doesNotContain("extension-controller->activegate", "sql-executor->extension-controller",
                        "kspm->activegate", "logmonitoring->dynatrace-api", "activegate->kube-dns");
    }

    @Test
    void anEdgeConnectNeedsItsHostsAndTheApiServerOnlyWithKubernetesAutomation() {
        String edgeConnect = """
                apiVersion: dynatrace.com/v1alpha2
                kind: EdgeConnect
                metadata: {name: ec, namespace: dynatrace}
                spec:
                  apiServer: abc12345.apps.dynatrace.com
                  oauth: {endpoint: "https://sso.dynatrace.com/sso/oauth2/token"}
                  kubernetesAutomation: {enabled: %s}
                  %s
                """;
        List<RequiredFlow> plain = derive(CONTROL_PLANE, edgeConnect.formatted("false", ""));
        assertThat(ids(plain)).contains("edgeconnect->kube-dns", "edgeconnect->edgeconnect-api", "edgeconnect->sso",
                "operator->kube-dns").doesNotContain("edgeconnect->kube-apiserver");
        assertThat(flow(plain, "edgeconnect->sso").owner()).isEqualTo("EdgeConnect dynatrace/ec");
        List<RequiredFlow> automated = derive(CONTROL_PLANE, edgeConnect.formatted("true",
                "proxy: {host: proxy.corp.example, port: 3128}"));
        assertThat(ids(automated)).contains("edgeconnect->kube-apiserver");
        for (String id : List.of("edgeconnect->edgeconnect-api", "edgeconnect->sso")) {
            assertThat(flow(automated, id).connections()).singleElement().satisfies(c -> {
                assertThat(((ExternalEndpoint) c.connection().destination()).host()).isEqualTo("proxy.corp.example");
                assertThat(c.connection().port()).isEqualTo(3128);
            });
        }
    }

    @Test
    void eachDynaKubeHasItsOwnInstances() {
        List<RequiredFlow> flows = derive(CONTROL_PLANE, OPERATOR, dynaKube("v1beta6",
                "activeGate: {capabilities: [routing]}"), """
                apiVersion: dynatrace.com/v1beta6
                kind: DynaKube
                metadata: {name: other, namespace: dynatrace-2}
                spec: {apiUrl: "https://abc12345.live.dynatrace.com/api", activeGate: {capabilities: [routing]}}
                """);
        assertThat(flows.stream().filter(f -> f.id().equals("activegate->kube-dns")).map(RequiredFlow::key))
                .containsExactlyInAnyOrder("activegate->kube-dns (DynaKube dynatrace/dk)",
                        "activegate->kube-dns (DynaKube dynatrace-2/other)");
    }

    @Test
    void problemsNameTheirObject() {
        RequiredFlows requiredFlows = new RequiredFlows(FlowCatalogue.standard(), DynatraceSettings.defaults(),
                HostResolver.offline(Map.of()));
        assertThat(requiredFlows.problems(snapshot(OPERATOR, """
                apiVersion: dynatrace.com/v1beta6
                kind: DynaKube
                metadata: {name: dk, namespace: dynatrace}
                spec: {apiUrl: "not a url"}
                ---
                apiVersion: dynatrace.com/v1alpha1
                kind: EdgeConnect
                metadata: {name: ec, namespace: dynatrace}
                spec: {oauth: {endpoint: "https://sso.dynatrace.com/x"}}
                """))).containsExactly("DynaKube dynatrace/dk: spec.apiUrl 'not a url' is not a URL: Illegal character in path",
                "EdgeConnect dynatrace/ec: spec.apiServer is empty");
    }

    // --- what the operator's source adds (docs/flows.md) -----------------------------------------

    private static final String MORE_NAMESPACES = """
            apiVersion: v1
            kind: Pod
            metadata: {name: router, namespace: openshift-ingress}
            spec: {containers: [{name: router}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: agent, namespace: gke-managed-system}
            spec: {containers: [{name: agent}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: collector, namespace: gmp-system}
            spec: {containers: [{name: collector}]}
            """;

    /** pkg/api/exp/injection.go getDefaultIgnoredNamespaces. */
    @Test
    void theOperatorNeverInjectsIntoPlatformNamespaces() {
        List<RequiredFlow> flows = derive(CONTROL_PLANE, OPERATOR, APPS, MORE_NAMESPACES,
                dynaKube("v1beta6", "oneAgent: {applicationMonitoring: {}}"));
        assertThat(sourceNamespaces(flow(flows, "monitored-apps->dynatrace-api"))).containsExactlyInAnyOrder("shop",
                "legacy");
    }

    @Test
    void theIgnoredNamespacesAnnotationReplacesTheDefaultList() {
        List<RequiredFlow> flows = derive(CONTROL_PLANE, OPERATOR, APPS, MORE_NAMESPACES, """
                apiVersion: dynatrace.com/v1beta6
                kind: DynaKube
                metadata:
                  name: dk
                  namespace: dynatrace
                  annotations: {feature.dynatrace.com/ignored-namespaces: '["^legacy$"]'}
                spec:
                  apiUrl: https://abc12345.live.dynatrace.com/api
                  oneAgent: {applicationMonitoring: {}}
                """);
        assertThat(sourceNamespaces(flow(flows, "monitored-apps->dynatrace-api"))).containsExactlyInAnyOrder("shop",
                "kube-system", "kube-monitoring", "openshift-ingress", "gke-managed-system", "gmp-system");
    }

    /**
     * Issue 12 §5: the annotation's patterns run on Java's backtracking regex engine; ^(.*a){20}$ on a 40-character
     * name would take hours. A match that runs out of its budget counts as not matching: the namespace stays in.
     */
    @Test
    void aCatastrophicallyBacktrackingIgnoredNamespacesPatternDoesNotHang() {
        String name = "a".repeat(40) + "-b";
        List<RequiredFlow> flows = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> derive(CONTROL_PLANE, OPERATOR, APPS, """
                        apiVersion: v1
                        kind: Namespace
                        metadata: {name: %s}
                        ---
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: app, namespace: %s}
                        spec: {containers: [{name: app}]}
                        status: {podIP: 10.244.3.3}
                        ---
                        apiVersion: dynatrace.com/v1beta6
                        kind: DynaKube
                        metadata:
                          name: dk
                          namespace: dynatrace
                          annotations: {feature.dynatrace.com/ignored-namespaces: '["^(.*a){20}$"]'}
                        spec:
                          apiUrl: https://abc12345.live.dynatrace.com/api
                          oneAgent: {applicationMonitoring: {}}
                        """.formatted(name, name)));
        assertThat(sourceNamespaces(flow(flows, "monitored-apps->dynatrace-api"))).contains("shop", name);
    }

    @Test
    void metricsIngestSendsEnrichedAppsToTheActiveGatesHttpPort() {
        List<RequiredFlow> flows = derive(CONTROL_PLANE, OPERATOR, APPS, dynaKube("v1beta6", """
                activeGate: {capabilities: [metrics-ingest]}
                metadataEnrichment: {enabled: true, namespaceSelector: {matchLabels: {monitor: "yes"}}}
                """));
        assertThat(flow(flows, "monitored-apps->activegate").connections()).singleElement().satisfies(c -> {
            assertThat(((PodEndpoint) c.connection().source()).namespace()).isEqualTo("shop");
            assertThat(c.connection().port()).isEqualTo(9998);
        });
        assertThat(ids(flows)).doesNotContain("monitored-apps->dynatrace-api");
    }

    /** webhook/mutation/pod/mutator/otlp/exporter: to the ActiveGate when there is one, else to the tenant. */
    @Test
    void otlpExportGoesToTheActiveGateOrTheTenant() {
        String otlp = "otlpExporterConfiguration: {namespaceSelector: {matchLabels: {monitor: \"yes\"}}, signals: {traces: {}}}";
        List<RequiredFlow> direct = derive(CONTROL_PLANE, OPERATOR, APPS, dynaKube("v1beta6", otlp));
        assertThat(ids(direct)).doesNotContain("monitored-apps->activegate");
        assertThat(sourceNamespaces(flow(direct, "monitored-apps->dynatrace-api"))).containsExactly("shop");
        List<RequiredFlow> throughAg = derive(CONTROL_PLANE, OPERATOR, APPS, dynaKube("v1beta6",
                otlp + "\nactiveGate: {capabilities: [kubernetes-monitoring]}"));
        assertThat(ids(throughAg)).doesNotContain("monitored-apps->dynatrace-api");
        assertThat(flow(throughAg, "monitored-apps->activegate").connections()).singleElement()
                .satisfies(c -> assertThat(c.connection().port()).isEqualTo(9999));
    }

    private static final String PROXY_SERVICE = """
            apiVersion: v1
            kind: Service
            metadata: {name: squid, namespace: proxy}
            spec:
              clusterIP: 10.96.50.50
              selector: {app: squid}
              ports: [{port: 3128, targetPort: http-proxy}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: squid-0, namespace: proxy, labels: {app: squid}}
            spec: {containers: [{name: squid, ports: [{name: http-proxy, containerPort: 8080}]}]}
            status: {podIP: 10.244.5.5}
            """;

    @Test
    void aProxyThatIsAServiceIsReachedAtItsPodsAndMustReachTheTenantItself() {
        for (String proxy : List.of("http://squid.proxy:3128", "http://squid.proxy.svc:3128",
                "http://squid.proxy.svc.cluster.local:3128", "http://10.96.50.50:3128")) {
            List<RequiredFlow> flows = derive(CONTROL_PLANE, OPERATOR, PROXY_SERVICE, dynaKube("v1beta6",
                    "proxy: {value: \"" + proxy + "\"}\nactiveGate: {capabilities: [routing]}"));
            assertThat(flow(flows, "activegate->dynatrace-api").connections()).as(proxy).singleElement().satisfies(c -> {
                assertThat(c.connection().destination()).isInstanceOf(PodEndpoint.class);
                assertThat(((PodEndpoint) c.connection().destination()).namespace()).isEqualTo("proxy");
                assertThat(c.connection().port()).as("the target port, after address translation").isEqualTo(8080);
            });
            assertThat(flow(flows, "proxy->dynatrace-api").connections()).as(proxy).singleElement().satisfies(c -> {
                assertThat(((PodEndpoint) c.connection().source()).namespace()).isEqualTo("proxy");
                assertThat(((ExternalEndpoint) c.connection().destination()).host()).isEqualTo(TENANT);
                assertThat(c.connection().port()).isEqualTo(443);
            });
        }
        List<RequiredFlow> external = derive(CONTROL_PLANE, OPERATOR, PROXY_SERVICE, dynaKube("v1beta6",
                "proxy: {value: \"http://proxy.corp.example:3128\"}"));
        assertThat(ids(external)).doesNotContain("proxy->dynatrace-api");
    }

    @Test
    void noProxyHostsAndIgnoreProxyFlagsGoDirectly() {
        List<RequiredFlow> flows = derive(CONTROL_PLANE, OPERATOR, CSI, APPS, """
                apiVersion: dynatrace.com/v1beta6
                kind: DynaKube
                metadata:
                  name: dk
                  namespace: dynatrace
                  annotations:
                    feature.dynatrace.com/no-proxy: registry.example.com
                    feature.dynatrace.com/activegate-ignore-proxy: "true"
                spec:
                  apiUrl: https://abc12345.live.dynatrace.com/api
                  proxy: {value: "http://proxy.corp.example:3128"}
                  activeGate: {capabilities: [routing]}
                  oneAgent: {cloudNativeFullStack: {codeModulesImage: registry.example.com/dt/codemodules:1}}
                """);
        assertThat(host(flow(flows, "csi-driver->registry"))).isEqualTo("registry.example.com");
        assertThat(host(flow(flows, "activegate->dynatrace-api"))).isEqualTo(TENANT);
        assertThat(host(flow(flows, "operator->dynatrace-api"))).isEqualTo("proxy.corp.example");
    }

    private static String host(RequiredFlow flow) {
        return ((ExternalEndpoint) flow.connections().get(0).connection().destination()).host();
    }

    private static final String NODES = """
            apiVersion: v1
            kind: Node
            metadata: {name: node-1}
            status: {addresses: [{type: InternalIP, address: 172.18.0.11}, {type: Hostname, address: node-1}]}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: node-2}
            status: {addresses: [{type: InternalIP, address: 172.18.0.12}]}
            """;

    @Test
    void hostNetworkOneAgentsReachCoreDnsAndTheActiveGateFromTheNodes() {
        List<RequiredFlow> flows = derive(CONTROL_PLANE, OPERATOR, NODES, dynaKube("v1beta6", """
                oneAgent: {classicFullStack: {}}
                activeGate: {capabilities: [routing]}
                """));
        for (String id : List.of("oneagent->kube-dns", "oneagent->activegate")) {
            assertThat(flow(flows, id).connections()).as(id).allSatisfy(c -> {
                PodEndpoint source = (PodEndpoint) c.connection().source();
                assertThat(source.hostNetwork()).isTrue();
                assertThat(source.addresses()).containsExactly(ip("172.18.0.11"), ip("172.18.0.12"));
                assertThat(c.outsidePolicy()).as("the destination's ingress still applies").isFalse();
            });
        }
        assertThat(flow(flows, "oneagent->dynatrace-api").connections()).allSatisfy(c ->
                assertThat(c.outsidePolicy()).isTrue());
    }

    @Test
    void standaloneLogMonitoringReachesTheKubeletsOnTheNodes() {
        List<RequiredFlow> flows = derive(CONTROL_PLANE, OPERATOR, NODES, dynaKube("v1beta6", "logMonitoring: {}"));
        assertThat(flow(flows, "logmonitoring->kubelet").connections()).singleElement().satisfies(c -> {
            assertThat(((ExternalEndpoint) c.connection().destination()).addresses())
                    .containsExactly(ip("172.18.0.11"), ip("172.18.0.12"));
            assertThat(c.connection().port()).isEqualTo(10250);
        });
        assertThat(ids(derive(CONTROL_PLANE, OPERATOR, NODES, dynaKube("v1beta6",
                "logMonitoring: {}\noneAgent: {cloudNativeFullStack: {}}"))))
                .as("the host OneAgent does log monitoring").doesNotContain("logmonitoring->kubelet",
                        "logmonitoring->dynatrace-api");
    }

    @Test
    void withoutNodeObjectsThePodsHostIpsAreTheNodes() {
        List<RequiredFlow> flows = derive(CONTROL_PLANE, OPERATOR, """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec: {containers: [{name: web}]}
                status: {podIP: 10.244.1.7, hostIP: 172.18.0.21}
                """, dynaKube("v1beta6", "logMonitoring: {}"));
        assertThat(((ExternalEndpoint) flow(flows, "logmonitoring->kubelet").connections().get(0).connection()
                .destination()).addresses()).containsExactly(ip("172.18.0.21"));
    }

    @Test
    void aProvisionerEdgeConnectIsManagedByTheOperatorAtTheSsoAndApiHostsWithoutItsProxy() {
        String edgeConnect = """
                apiVersion: dynatrace.com/v1alpha2
                kind: EdgeConnect
                metadata: {name: ec, namespace: dynatrace}
                spec:
                  apiServer: abc12345.apps.dynatrace.com
                  oauth: {endpoint: "https://sso.dynatrace.com/sso/oauth2/token", provisioner: %s}
                  proxy: {host: proxy.corp.example, port: 3128}
                  %s
                """;
        List<RequiredFlow> provisioner = derive(CONTROL_PLANE, OPERATOR, edgeConnect.formatted("true", ""));
        assertThat(host(flow(provisioner, "operator->sso"))).isEqualTo("sso.dynatrace.com");
        assertThat(host(flow(provisioner, "operator->edgeconnect-api"))).isEqualTo("abc12345.apps.dynatrace.com");
        assertThat(host(flow(provisioner, "operator->registry"))).isEqualTo("index.docker.io");
        assertThat(host(flow(provisioner, "edgeconnect->sso"))).isEqualTo("proxy.corp.example");
        List<RequiredFlow> plain = derive(CONTROL_PLANE, OPERATOR, edgeConnect.formatted("false",
                "imageRef: {repository: registry.example.com/edgeconnect}"));
        assertThat(ids(plain)).doesNotContain("operator->sso", "operator->edgeconnect-api", "operator->registry");
    }

    @Test
    void expectedPodsAreNamedLikeTheOperatorsWorkloads() {
        List<RequiredFlow> flows = derive(CONTROL_PLANE, OPERATOR, dynaKube("v1beta6", "kspm: {}\n"
                + "activeGate: {capabilities: [kubernetes-monitoring]}"), """
                apiVersion: dynatrace.com/v1alpha2
                kind: EdgeConnect
                metadata: {name: ec, namespace: dynatrace}
                spec: {apiServer: abc12345.apps.dynatrace.com, oauth: {endpoint: "https://sso.dynatrace.com/x"}}
                """);
        assertThat(((PodEndpoint) flow(flows, "kspm->kube-dns").connections().get(0).connection().source()).name())
                .isEqualTo("dk-node-config-collector");
        assertThat(((PodEndpoint) flow(flows, "edgeconnect->kube-dns").connections().get(0).connection().source())
                .name()).isEqualTo("ec");
    }

    @Test
    void anEdgeConnectProxyIsSkippedForNoProxyHostsAndJudgedAtItsPodsWhenItIsAService() {
        String edgeConnect = """
                apiVersion: dynatrace.com/v1alpha2
                kind: EdgeConnect
                metadata: {name: ec, namespace: dynatrace}
                spec:
                  apiServer: abc12345.apps.dynatrace.com
                  oauth: {endpoint: "https://sso.dynatrace.com/sso/oauth2/token"}
                  proxy: {host: %s, port: 3128, noProxy: "sso.dynatrace.com"}
                """;
        List<RequiredFlow> external = derive(CONTROL_PLANE, OPERATOR, edgeConnect.formatted("proxy.corp.example"));
        assertThat(host(flow(external, "edgeconnect->sso"))).as("on the noProxy list").isEqualTo("sso.dynatrace.com");
        assertThat(host(flow(external, "edgeconnect->edgeconnect-api"))).isEqualTo("proxy.corp.example");
        List<RequiredFlow> inCluster = derive(CONTROL_PLANE, OPERATOR, PROXY_SERVICE, edgeConnect.formatted("squid.proxy"));
        assertThat(flow(inCluster, "edgeconnect->edgeconnect-api").connections()).singleElement().satisfies(c -> {
            assertThat(((PodEndpoint) c.connection().destination()).namespace()).isEqualTo("proxy");
            assertThat(c.connection().port()).isEqualTo(8080);
        });
    }
}

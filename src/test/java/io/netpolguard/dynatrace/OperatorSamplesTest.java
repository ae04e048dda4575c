package io.netpolguard.dynatrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.SnapshotBuilder;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The flows derived for each of the Dynatrace Operator's published samples (DynaKube v1beta5 and v1beta6,
 * EdgeConnect), installed with the rendered manifest install (CSI driver included). Each expected set is
 * worked out by hand from what the operator does (docs/flows.md and the catalogue's source references),
 * not read off the implementation. Fixtures: src/test/resources/operator-samples/.
 */
class OperatorSamplesTest {
    private static final String TENANT = "abc12345.live.dynatrace.com";
    private static final String DK = "DynaKube dynatrace/dynakube";
    private static final String EC = "EdgeConnect dynatrace/edge-connect";

    /**
     * With metadataEnrichment on and no ActiveGate capability {@code metrics-ingest}, the enrichment endpoint file
     * points apps at the tenant ({@code <apiUrl>/v2/metrics/ingest}, 443; bootstrapperconfig/endpoints.go
     * ingestURLFor), so monitored-apps->dynatrace-api is required: the catalogue's alternative
     * [metadata-enrichment, !capability:metrics-ingest] of that flow.
     */
    private static final String ENRICHMENT_TO_TENANT = "metadata enrichment without a metrics-ingest ActiveGate sends "
            + "enrichment metrics to the tenant (bootstrapperconfig/endpoints.go): monitored-apps->dynatrace-api";

    /** Operator-wide: the operator, webhook and CSI driver of the install, and the guard's own webhook. */
    private static final List<String> OPERATOR_WIDE = List.of("control-plane->netpol-guard",
            "operator->kube-dns", "operator->kube-apiserver",
            "webhook->kube-dns", "webhook->kube-apiserver", "control-plane->webhook",
            "csi-driver->kube-dns", "csi-driver->kube-apiserver");

    private static final List<String> ACTIVEGATE_WITH_KUBERNETES_MONITORING = List.of("activegate->kube-dns",
            "activegate->dynatrace-api", "activegate->kube-apiserver");

    // ---------------------------------------------------------------- DynaKube v1beta5

    // applicationMonitoring: code modules via CSI (no init download), routing AG → apps->activegate; AG with
    // kubernetes-monitoring; enrichment without metrics-ingest → apps->tenant (endpoints.go)
    @Test
    void v1beta5ApplicationMonitoring() {
        assertFlows("dynakube/v1beta5/applicationMonitoring.yaml", ENRICHMENT_TO_TENANT, owned(DK,
                "operator->dynatrace-api", "activegate->kube-dns", "activegate->dynatrace-api",
                "activegate->kube-apiserver", "csi-driver->dynatrace-api", "monitored-apps->activegate",
                "monitored-apps->dynatrace-api"));
    }

    // classicFullStack: host OneAgent (hostNetwork) → oneagent->tenant/dns/routing AG; AG with routing,
    // kubernetes-monitoring, dynatrace-api; no injection, so no CSI download and no app flows
    @Test
    void v1beta5ClassicFullStack() {
        assertFlows("dynakube/v1beta5/classicFullStack.yaml", null, owned(DK, "operator->dynatrace-api",
                "activegate->kube-dns", "activegate->dynatrace-api", "activegate->kube-apiserver",
                "oneagent->dynatrace-api", "oneagent->kube-dns", "oneagent->activegate"));
    }

    // cloudNativeFullStack: host OneAgent + code modules (CSI downloads them; apps route via the AG);
    // enrichment without metrics-ingest → apps->tenant (endpoints.go)
    @Test
    void v1beta5CloudNativeFullStack() {
        assertFlows("dynakube/v1beta5/cloudNativeFullStack.yaml", ENRICHMENT_TO_TENANT, owned(DK,
                "operator->dynatrace-api", "activegate->kube-dns", "activegate->dynatrace-api",
                "activegate->kube-apiserver", "oneagent->dynatrace-api", "oneagent->kube-dns", "oneagent->activegate",
                "csi-driver->dynatrace-api", "monitored-apps->activegate", "monitored-apps->dynatrace-api"));
    }

    // hostMonitoring: host OneAgent only (no injection) + AG with routing, kubernetes-monitoring, dynatrace-api
    @Test
    void v1beta5HostMonitoring() {
        assertFlows("dynakube/v1beta5/hostMonitoring.yaml", null, owned(DK, "operator->dynatrace-api",
                "activegate->kube-dns", "activegate->dynatrace-api", "activegate->kube-apiserver",
                "oneagent->dynatrace-api", "oneagent->kube-dns", "oneagent->activegate"));
    }

    // kubernetesObservability: only an AG with kubernetes-monitoring (tenant, DNS, API server)
    @Test
    void v1beta5KubernetesObservability() {
        assertFlows("dynakube/v1beta5/kubernetesObservability.yaml", null, owned(DK,
                "operator->dynatrace-api", "activegate->kube-dns", "activegate->dynatrace-api",
                "activegate->kube-apiserver"));
    }

    // kspm: node config collector → AG (https://<dk>-activegate, 9999) and DNS, no API server; AG kubernetes-monitoring
    @Test
    void v1beta5KubernetesSecurityPostureManagement() {
        assertFlows("dynakube/v1beta5/kubernetesSecurityPostureManagement.yaml", null, owned(DK,
                "operator->dynatrace-api", "activegate->kube-dns", "activegate->dynatrace-api",
                "activegate->kube-apiserver", "kspm->activegate", "kspm->kube-dns"));
    }

    // logMonitoring: no OneAgent DaemonSet → standalone log module (tenant, DNS, kubelet); AG kubernetes-monitoring;
    // enrichment without metrics-ingest → apps->tenant (endpoints.go)
    @Test
    void v1beta5LogMonitoring() {
        assertFlows("dynakube/v1beta5/logMonitoring.yaml", ENRICHMENT_TO_TENANT, owned(DK,
                "operator->dynatrace-api", "activegate->kube-dns", "activegate->dynatrace-api",
                "activegate->kube-apiserver", "logmonitoring->dynatrace-api", "logmonitoring->kube-dns",
                "logmonitoring->kubelet", "monitored-apps->dynatrace-api"));
    }

    // multipleDynakubes: appMonitoring DK (AG without routing → code modules to the tenant; CSI download) and
    // cloudNative DK (host OneAgent; AG routing + dynatrace-api, no kubernetes-monitoring → no AG API server flow)
    @Test
    void v1beta5MultipleDynakubes() {
        assertFlows("dynakube/v1beta5/multipleDynakubes.yaml", null, multipleDynakubes());
    }

    // telemetryIngest: OTel collector without AG → tenant; apps → collector; collector → DNS, API server
    @Test
    void v1beta5TelemetryIngest() {
        assertFlows("dynakube/v1beta5/telemetryIngest.yaml", null, owned(DK, "operator->dynatrace-api",
                "monitored-apps->otel-collector", "otel-collector->dynatrace-api", "otel-collector->kube-dns",
                "otel-collector->kube-apiserver"));
    }

    // telemetryIngestWithLocalActiveGate: OTel collector exports to the AG; AG routing, kubernetes-monitoring,
    // dynatrace-api; no injection → no apps->activegate
    @Test
    void v1beta5TelemetryIngestWithLocalActiveGate() {
        assertFlows("dynakube/v1beta5/telemetryIngestWithLocalActiveGate.yaml", null, telemetryWithActiveGate());
    }

    // ---------------------------------------------------------------- DynaKube v1beta6

    // applicationMonitoring: as v1beta5 (CSI, routing AG, enrichment → tenant)
    @Test
    void v1beta6ApplicationMonitoring() {
        assertFlows("dynakube/v1beta6/applicationMonitoring.yaml", ENRICHMENT_TO_TENANT, owned(DK,
                "operator->dynatrace-api", "activegate->kube-dns", "activegate->dynatrace-api",
                "activegate->kube-apiserver", "csi-driver->dynatrace-api", "monitored-apps->activegate",
                "monitored-apps->dynatrace-api"));
    }

    // classicFullStack: host OneAgent → oneagent->*; AG with routing, kubernetes-monitoring, dynatrace-api; no injection
    @Test
    void v1beta6ClassicFullStack() {
        assertFlows("dynakube/v1beta6/classicFullStack.yaml", null, owned(DK, "operator->dynatrace-api",
                "activegate->kube-dns", "activegate->dynatrace-api", "activegate->kube-apiserver",
                "oneagent->dynatrace-api", "oneagent->kube-dns", "oneagent->activegate"));
    }

    // cloudNativeFullStack: as v1beta5 (host OneAgent, CSI, routing AG, enrichment → tenant)
    @Test
    void v1beta6CloudNativeFullStack() {
        assertFlows("dynakube/v1beta6/cloudNativeFullStack.yaml", ENRICHMENT_TO_TENANT, owned(DK,
                "operator->dynatrace-api", "activegate->kube-dns", "activegate->dynatrace-api",
                "activegate->kube-apiserver", "oneagent->dynatrace-api", "oneagent->kube-dns", "oneagent->activegate",
                "csi-driver->dynatrace-api", "monitored-apps->activegate", "monitored-apps->dynatrace-api"));
    }

    // hostMonitoring: host OneAgent only + AG with routing, kubernetes-monitoring, dynatrace-api
    @Test
    void v1beta6HostMonitoring() {
        assertFlows("dynakube/v1beta6/hostMonitoring.yaml", null, owned(DK, "operator->dynatrace-api",
                "activegate->kube-dns", "activegate->dynatrace-api", "activegate->kube-apiserver",
                "oneagent->dynatrace-api", "oneagent->kube-dns", "oneagent->activegate"));
    }

    // kubernetesObservability: only an AG with kubernetes-monitoring
    @Test
    void v1beta6KubernetesObservability() {
        assertFlows("dynakube/v1beta6/kubernetesObservability.yaml", null, owned(DK,
                "operator->dynatrace-api", "activegate->kube-dns", "activegate->dynatrace-api",
                "activegate->kube-apiserver"));
    }

    // kspm: node config collector → AG and DNS; AG kubernetes-monitoring
    @Test
    void v1beta6KubernetesSecurityPostureManagement() {
        assertFlows("dynakube/v1beta6/kubernetesSecurityPostureManagement.yaml", null, owned(DK,
                "operator->dynatrace-api", "activegate->kube-dns", "activegate->dynatrace-api",
                "activegate->kube-apiserver", "kspm->activegate", "kspm->kube-dns"));
    }

    // logMonitoring: standalone log module (tenant, DNS, kubelet); AG kubernetes-monitoring; enrichment → tenant
    @Test
    void v1beta6LogMonitoring() {
        assertFlows("dynakube/v1beta6/logMonitoring.yaml", ENRICHMENT_TO_TENANT, owned(DK,
                "operator->dynatrace-api", "activegate->kube-dns", "activegate->dynatrace-api",
                "activegate->kube-apiserver", "logmonitoring->dynatrace-api", "logmonitoring->kube-dns",
                "logmonitoring->kubelet", "monitored-apps->dynatrace-api"));
    }

    // multipleDynakubes: as v1beta5
    @Test
    void v1beta6MultipleDynakubes() {
        assertFlows("dynakube/v1beta6/multipleDynakubes.yaml", null, multipleDynakubes());
    }

    // otlpExporterAutoConfiguration: webhook-injected OTLP exporter config, no AG → apps export to the tenant
    // (no pods of its own; never the in-cluster collector)
    @Test
    void v1beta6OtlpExporterAutoConfiguration() {
        assertFlows("dynakube/v1beta6/otlpExporterAutoConfiguration.yaml", null, owned(DK,
                "operator->dynatrace-api", "monitored-apps->dynatrace-api"));
    }

    // otlpExporterAutoConfigurationWithLocalActiveGate: apps export OTLP to the AG (443 → 9999); AG routing,
    // kubernetes-monitoring, dynatrace-api; no injection, no enrichment
    @Test
    void v1beta6OtlpExporterAutoConfigurationWithLocalActiveGate() {
        assertFlows("dynakube/v1beta6/otlpExporterAutoConfigurationWithLocalActiveGate.yaml", null, owned(DK,
                "operator->dynatrace-api", "activegate->kube-dns", "activegate->dynatrace-api",
                "activegate->kube-apiserver", "monitored-apps->activegate"));
    }

    // resourceAttributes: applicationMonitoring (CSI download, code modules to the tenant: no AG) + OTLP exporter
    // to the tenant (no AG); resource attributes change no flow
    @Test
    void v1beta6ResourceAttributes() {
        assertFlows("dynakube/v1beta6/resourceAttributes.yaml", null, owned(DK, "operator->dynatrace-api",
                "csi-driver->dynatrace-api", "monitored-apps->dynatrace-api"));
    }

    // telemetryIngest: OTel collector without AG → tenant; apps → collector; collector → DNS, API server
    @Test
    void v1beta6TelemetryIngest() {
        assertFlows("dynakube/v1beta6/telemetryIngest.yaml", null, owned(DK, "operator->dynatrace-api",
                "monitored-apps->otel-collector", "otel-collector->dynatrace-api", "otel-collector->kube-dns",
                "otel-collector->kube-apiserver"));
    }

    // telemetryIngestWithLocalActiveGate: as v1beta5
    @Test
    void v1beta6TelemetryIngestWithLocalActiveGate() {
        assertFlows("dynakube/v1beta6/telemetryIngestWithLocalActiveGate.yaml", null, telemetryWithActiveGate());
    }

    // ---------------------------------------------------------------- EdgeConnect

    // plain: the EdgeConnect pod reaches apiServer, SSO and DNS; the operator checks the default image's registry
    @Test
    void edgeConnect() {
        assertFlows("edgeconnect/edgeconnect.yaml", null, owned(EC, "edgeconnect->kube-dns",
                "edgeconnect->edgeconnect-api", "edgeconnect->sso", "operator->registry"));
    }

    // provisioner: as plain, plus the operator's own SSO token and EdgeConnect API calls
    @Test
    void edgeConnectProvisioner() {
        assertFlows("edgeconnect/provisioner.yaml", null, owned(EC, "edgeconnect->kube-dns",
                "edgeconnect->edgeconnect-api", "edgeconnect->sso", "operator->registry", "operator->sso",
                "operator->edgeconnect-api"));
    }

    // kubernetes automation (provisioner): as provisioner, plus the EdgeConnect pod → API server
    @Test
    void edgeConnectAutomationWorkflows() {
        assertFlows("edgeconnect/automation-workflows.yaml", null, owned(EC, "edgeconnect->kube-dns",
                "edgeconnect->edgeconnect-api", "edgeconnect->sso", "operator->registry", "operator->sso",
                "operator->edgeconnect-api", "edgeconnect->kube-apiserver"));
    }

    // ---------------------------------------------------------------- the install itself

    @Test
    void theInstallsOperatorWebhookAndCsiPodsAreFound() {
        List<RequiredFlow> flows = derive("edgeconnect/edgeconnect.yaml");
        for (String id : List.of("operator->kube-dns", "webhook->kube-dns", "csi-driver->kube-dns")) {
            RequiredFlow flow = flow(flows, id);
            assertThat(flow.connections()).as(id).isNotEmpty().allSatisfy(c ->
                    assertThat(c.connection().source()).as(id).isInstanceOfSatisfying(PodEndpoint.class, pod -> {
                        assertThat(pod.isExpected()).as(id + " source is a placeholder").isFalse();
                        assertThat(pod.namespace()).isEqualTo("dynatrace");
                    }));
        }
        RequiredFlow webhook = flow(flows, "control-plane->webhook");
        assertThat(webhook.connections()).isNotEmpty().allSatisfy(c -> {
            assertThat(c.connection().port()).isEqualTo(8443);
            assertThat(c.connection().protocol()).isEqualTo(Protocol.TCP);
            assertThat(c.connection().destination()).isInstanceOfSatisfying(PodEndpoint.class, pod -> {
                assertThat(pod.isExpected()).isFalse();
                assertThat(pod.namespace()).isEqualTo("dynatrace");
                assertThat(pod.labels().get("internal.dynatrace.com/app")).isEqualTo("webhook");
                assertThat(pod.namedPort("server-port", Protocol.TCP)).isNotNull()
                        .satisfies(p -> assertThat(p.number()).isEqualTo(8443));
            });
        });
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> multipleDynakubes() {
        String app = "DynaKube dynatrace/dynakube-application-monitoring";
        String cloud = "DynaKube dynatrace/dynakube-cloud-native";
        List<String> expected = new ArrayList<>(owned(app, "operator->dynatrace-api"));
        expected.addAll(owned(app, ACTIVEGATE_WITH_KUBERNETES_MONITORING.toArray(String[]::new)));
        expected.addAll(owned(app, "csi-driver->dynatrace-api", "monitored-apps->dynatrace-api"));
        expected.addAll(owned(cloud, "operator->dynatrace-api", "activegate->kube-dns", "activegate->dynatrace-api",
                "oneagent->dynatrace-api", "oneagent->kube-dns", "oneagent->activegate", "csi-driver->dynatrace-api",
                "monitored-apps->activegate"));
        return expected;
    }

    private static List<String> telemetryWithActiveGate() {
        return owned(DK, "operator->dynatrace-api", "activegate->kube-dns", "activegate->dynatrace-api",
                "activegate->kube-apiserver", "monitored-apps->otel-collector", "otel-collector->activegate",
                "otel-collector->kube-dns", "otel-collector->kube-apiserver");
    }

    private static List<String> owned(String owner, String... ids) {
        return Arrays.stream(ids).map(id -> id + " (" + owner + ")").toList();
    }

    /**
     * Asserts the exact flow keys of install + apps + sample: the operator-wide flows plus {@code owned}.
     * {@code why} says what a less obvious expectation rests on (shown when the assertion fails).
     */
    private static void assertFlows(String sample, String why, List<String> owned) {
        List<String> expected = Stream.concat(OPERATOR_WIDE.stream(), owned.stream()).toList();
        List<String> keys = derive(sample).stream().map(RequiredFlow::key).toList();
        assertThat(keys).as(why == null ? sample : sample + ": " + why)
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    private static List<RequiredFlow> derive(String sample) {
        ClusterSnapshot snapshot = new SnapshotBuilder(s -> { })
                .addFiles(List.of(fixture("install/operator.yaml"), fixture("apps.yaml"), fixture(sample))).build();
        Map<String, List<InetAddress>> hosts = Map.of(TENANT, List.of(ip("203.0.113.10")),
                "abc12345.apps.dynatrace.com", List.of(ip("203.0.113.11")),
                "sso.dynatrace.com", List.of(ip("203.0.113.12")),
                "index.docker.io", List.of(ip("203.0.113.13")));
        return new RequiredFlows(FlowCatalogue.standard(), DynatraceSettings.defaults(), HostResolver.offline(hosts))
                .derive(snapshot);
    }

    private static RequiredFlow flow(List<RequiredFlow> flows, String id) {
        List<RequiredFlow> found = flows.stream().filter(f -> f.id().equals(id)).toList();
        assertThat(found).as(id).hasSize(1);
        return found.get(0);
    }

    private static Path fixture(String name) {
        try {
            return Path.of(OperatorSamplesTest.class.getResource("/operator-samples/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("no fixture operator-samples/" + name, e);
        }
    }

    private static InetAddress ip(String text) {
        return IpAddresses.parse(text).orElseThrow();
    }
}

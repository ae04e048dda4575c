package io.netpolguard.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.SnapshotBuilder;
import io.netpolguard.dynatrace.DynatraceSettings;
import io.netpolguard.dynatrace.FlowCatalogue;
import io.netpolguard.dynatrace.HostResolver;
import io.netpolguard.dynatrace.RequiredFlows;
import io.netpolguard.dynatrace.Severity;
import io.netpolguard.guard.Guard;
import io.netpolguard.guard.GuardSettings;
import io.netpolguard.guard.Mode;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * From one audit of a cluster to PolicyReports, on the example cluster (k8s/examples/cluster): as it is (every flow
 * allowed), and broken the way clusters break: its DNS policy and the ActiveGate's ingress policy deleted, the
 * tenant's address unknown, a CiliumNetworkPolicy the guard does not evaluate.
 */
class ReportMappingTest {
    private static final Path EXAMPLE = Path.of("k8s/examples/cluster");
    private static final String TENANT = "abc12345.live.dynatrace.com";
    private static final String CILIUM_POLICY = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: legacy, labels: {kubernetes.io/metadata.name: legacy}}
            ---
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: legacy-lockdown, namespace: legacy}
            spec:
              endpointSelector: {}
              egress: [{toEntities: [cluster]}]
            """;

    /** The example cluster without the named NetworkPolicies of the operator namespace, plus {@code extra} manifests. */
    private static ClusterSnapshot example(Set<String> withoutPolicies, String extra) {
        SnapshotBuilder builder = new SnapshotBuilder(skipped -> { });
        for (Path file : Manifests.files(List.of(EXAMPLE))) {
            for (Manifests.Document document : Manifests.read(file)) {
                boolean dropped = document.node().path("kind").asText().equals("NetworkPolicy")
                        && withoutPolicies.contains(document.node().path("metadata").path("name").asText());
                if (!dropped) {
                    builder.add(document.node(), document.origin());
                }
            }
        }
        if (!extra.isEmpty()) {
            Manifests.parse(extra, "test manifest").forEach(d -> builder.add(d.node(), d.origin()));
        }
        return builder.build();
    }

    private static List<Report> reports(ClusterSnapshot snapshot, GuardSettings settings, Map<String, List<InetAddress>> hosts) {
        Guard guard = new Guard(new RequiredFlows(FlowCatalogue.standard(), DynatraceSettings.defaults(),
                HostResolver.offline(hosts)), settings);
        return new ReportMapping(settings, "netpol-guard").reports(guard.check(snapshot), guard.explainer(snapshot),
                guard.problems(snapshot), guard.operatorNamespace(snapshot).namespace());
    }

    private static Map<String, ReportResult> byRule(Report report) {
        return report.results().stream().collect(Collectors.toMap(ReportResult::rule, Function.identity()));
    }

    private static Map<String, ReportOutcome> outcomes(Report report) {
        return report.results().stream().collect(Collectors.toMap(ReportResult::rule, ReportResult::outcome));
    }

    @Test
    void theExampleClusterHasAReportForTheOperatorsNamespaceAndOneForTheGuardsAllPassing() throws Exception {
        List<Report> reports = reports(example(Set.of(), ""), GuardSettings.defaults(),
                Map.of(TENANT, List.of(InetAddress.getByName("203.0.113.10"))));

        assertThat(reports).extracting(Report::namespace).containsExactly("dynatrace", "netpol-guard");
        Report dynatrace = reports.get(0);
        // 16 flows are judged; oneagent->dynatrace-api is not applicable (host network to the tenant) and left out
        assertThat(dynatrace.results()).hasSize(15).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(ReportOutcome.PASS));
        assertThat(dynatrace.results()).extracting(ReportResult::rule).doesNotContain("oneagent->dynatrace-api")
                .contains("operator->kube-dns", "control-plane->webhook", "activegate->kube-apiserver",
                        "monitored-apps->activegate");
        assertThat(dynatrace.summary()).containsEntry(ReportOutcome.PASS, 15).containsEntry(ReportOutcome.FAIL, 0)
                .containsEntry(ReportOutcome.WARN, 0).containsEntry(ReportOutcome.ERROR, 0);
        assertThat(reports.get(1).results()).extracting(ReportResult::rule, ReportResult::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("control-plane->netpol-guard", ReportOutcome.PASS));

        ReportResult dns = byRule(dynatrace).get("operator->kube-dns");
        assertThat(dns.severity()).isEqualTo("critical");
        assertThat(dns.message()).startsWith("operator->kube-dns (critical): allowed");
        assertThat(dns.properties()).containsEntry("ports", "UDP/53,TCP/53").containsEntry("status", "allowed")
                .containsEntry("from", "operator").containsEntry("to", "kube-dns").containsEntry("owner", "operator")
                .containsEntry("mode", "enforce");
        assertThat(dns.resources()).contains(new ObjectRef("apps/v1", "Deployment", "dynatrace", "dynatrace-operator"));
        ReportResult apps = byRule(dynatrace).get("monitored-apps->activegate");
        assertThat(apps.severity()).isEqualTo("medium");
        assertThat(apps.properties()).containsEntry("owner", "DynaKube dynatrace/dynakube");
        assertThat(apps.resources()).first().isEqualTo(new ObjectRef("", "DynaKube", "dynatrace", "dynakube"));
        assertThat(apps.resources()).contains(new ObjectRef("apps/v1", "Deployment", "shop", "checkout"));
    }

    @Test
    void blockedCriticalFlowsFailWarningFlowsAndFlowsInWarnModeWarnAndUnverifiableFlowsAreErrors() {
        GuardSettings settings = new GuardSettings(Mode.ENFORCE, Map.of("operator->kube-dns", Mode.WARN), Map.of(),
                Mode.WARN, Mode.WARN);
        // no allow-dns: every pod of namespace dynatrace loses DNS; no ingress to the ActiveGate; the tenant unknown
        List<Report> reports = reports(example(Set.of("allow-dns", "allow-activegate-from-apps"), ""), settings, Map.of());

        assertThat(reports).extracting(Report::namespace).containsExactly("dynatrace", "netpol-guard");
        Report dynatrace = reports.get(0);
        assertThat(outcomes(dynatrace)).containsAllEntriesOf(Map.of(
                "webhook->kube-dns", ReportOutcome.FAIL,
                "csi-driver->kube-dns", ReportOutcome.FAIL,
                "activegate->kube-dns", ReportOutcome.FAIL,
                "operator->kube-dns", ReportOutcome.WARN,
                "monitored-apps->activegate", ReportOutcome.WARN,
                "oneagent->activegate", ReportOutcome.WARN,
                "operator->dynatrace-api", ReportOutcome.ERROR,
                "csi-driver->dynatrace-api", ReportOutcome.ERROR,
                "activegate->dynatrace-api", ReportOutcome.ERROR,
                "operator->kube-apiserver", ReportOutcome.PASS));
        assertThat(dynatrace.summary()).isEqualTo(Map.of(ReportOutcome.PASS, 6, ReportOutcome.FAIL, 3,
                ReportOutcome.WARN, 3, ReportOutcome.ERROR, 3));

        ReportResult webhookDns = byRule(dynatrace).get("webhook->kube-dns");
        assertThat(webhookDns.message()).startsWith("webhook->kube-dns (critical): blocked")
                .contains("default-deny").contains("fix: a NetworkPolicy like this would allow it");
        assertThat(webhookDns.properties()).containsEntry("status", "blocked").containsEntry("connections-blocked", "2");
        assertThat(byRule(dynatrace).get("operator->kube-dns").properties()).containsEntry("mode", "warn");
        ReportResult tenant = byRule(dynatrace).get("activegate->dynatrace-api");
        assertThat(tenant.message()).contains(TENANT + " (apiUrl of DynaKube dynatrace/dynakube) could not be resolved");
        assertThat(tenant.properties()).containsEntry("status", "unverifiable").containsEntry("ports", "TCP/443");
    }

    @Test
    void aWarningSeverityOverrideTurnsAFailIntoAWarnAndGlobalWarnModeFailsNothing() {
        ClusterSnapshot broken = example(Set.of("allow-dns"), "");
        GuardSettings demoted = new GuardSettings(Mode.ENFORCE, Map.of(), Map.of("webhook->kube-dns", Severity.WARNING),
                Mode.WARN, Mode.WARN);
        Map<String, ReportResult> results = byRule(reports(broken, demoted, Map.of()).get(0));
        assertThat(results.get("webhook->kube-dns").outcome()).isEqualTo(ReportOutcome.WARN);
        assertThat(results.get("webhook->kube-dns").severity()).isEqualTo("medium");
        assertThat(results.get("csi-driver->kube-dns").outcome()).isEqualTo(ReportOutcome.FAIL);

        GuardSettings warnOnly = new GuardSettings(Mode.WARN, Map.of(), Map.of(), Mode.WARN, Mode.WARN);
        Report report = reports(broken, warnOnly, Map.of()).get(0);
        assertThat(report.summary()).containsEntry(ReportOutcome.FAIL, 0).containsEntry(ReportOutcome.WARN, 4);
        assertThat(byRule(report).get("operator->kube-dns").properties()).containsEntry("mode", "warn");
    }

    @Test
    void problemsOfTheAuditGoToTheClusterReport() throws Exception {
        List<Report> reports = reports(example(Set.of(), CILIUM_POLICY), GuardSettings.defaults(),
                Map.of(TENANT, List.of(InetAddress.getByName("203.0.113.10"))));

        assertThat(reports).extracting(Report::namespace).containsExactly("dynatrace", "netpol-guard", null);
        Report cluster = reports.get(2);
        assertThat(cluster.clusterWide()).isTrue();
        assertThat(cluster.results()).singleElement().satisfies(problem -> {
            assertThat(problem.rule()).isEqualTo("audit-problem");
            assertThat(problem.outcome()).isEqualTo(ReportOutcome.WARN);
            assertThat(problem.message()).contains("CiliumNetworkPolicy legacy/legacy-lockdown")
                    .contains("a kind the guard does not evaluate");
        });
        assertThat(cluster.summary()).containsEntry(ReportOutcome.WARN, 1).containsEntry(ReportOutcome.PASS, 0);
    }

    @Test
    void theFlowsOfADynaKubeOrEdgeConnectBelongToItsNamespaceTheOperatorsToTheOperatorsAndTheGuardsToTheGuards()
            throws Exception {
        ClusterSnapshot snapshot = example(Set.of(), "");
        Guard guard = new Guard(new RequiredFlows(FlowCatalogue.standard(), DynatraceSettings.defaults(),
                HostResolver.offline(Map.of(TENANT, List.of(InetAddress.getByName("203.0.113.10"))))),
                GuardSettings.defaults());
        ReportMapping mapping = new ReportMapping(GuardSettings.defaults(), "guard-system");
        Map<String, String> namespaces = guard.check(snapshot).stream().collect(Collectors.toMap(
                r -> r.flow().key(), r -> mapping.namespaceOf(r.flow(), "operators")));
        assertThat(namespaces).containsEntry("operator->kube-dns", "operators")
                .containsEntry("control-plane->webhook", "operators")
                .containsEntry("activegate->kube-dns (DynaKube dynatrace/dynakube)", "dynatrace")
                .containsEntry("monitored-apps->activegate (DynaKube dynatrace/dynakube)", "dynatrace")
                .containsEntry("control-plane->netpol-guard", "guard-system");
    }
}

package io.netpolguard.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The writer against the Kubernetes client's mock API server (CRUD mode): reports are created, left alone when
 * nothing changed, updated in place, and the guard's stale ones removed; other tools' reports and a replica that
 * is no longer the leader write nothing.
 */
@EnableKubernetesMockClient(crud = true)
class ReportWriterTest {
    KubernetesClient client;

    private static final ReportResult DNS_PASS = new ReportResult("operator->kube-dns", ReportOutcome.PASS, "critical",
            "operator->kube-dns (critical): allowed", Map.of("ports", "UDP/53,TCP/53"), List.of());
    private static final ReportResult DNS_FAIL = new ReportResult("operator->kube-dns", ReportOutcome.FAIL, "critical",
            "operator->kube-dns (critical): blocked", Map.of("ports", "UDP/53,TCP/53"), List.of());
    private static final ReportResult GUARD_PASS = new ReportResult("control-plane->netpol-guard", ReportOutcome.PASS,
            "critical", "control-plane->netpol-guard (critical): allowed", Map.of(), List.of());

    private GenericKubernetesResource report(String namespace) {
        return client.genericKubernetesResources(ReportObjects.POLICY_REPORTS).inNamespace(namespace)
                .withName(ReportObjects.NAME).get();
    }

    @Test
    void createsThenLeavesAloneThenUpdatesInPlaceThenRemovesTheStaleOne() {
        ReportWriter writer = new ReportWriter(client);
        List<Report> first = List.of(new Report("dynatrace", List.of(DNS_PASS)), new Report("netpol-guard",
                List.of(GUARD_PASS)));

        assertThat(writer.write(first, "guard-a", () -> true)).isEqualTo(new ReportWriter.Outcome(2, 0, 0, 0));
        GenericKubernetesResource created = report("dynatrace");
        assertThat(created.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "netpol-guard");
        assertThat(created.getMetadata().getAnnotations()).containsEntry("netpol-guard.io/written-by", "guard-a");
        assertThat(created.getAdditionalProperties().get("summary")).isEqualTo(Map.of("pass", 1, "fail", 0, "warn", 0,
                "error", 0, "skip", 0));

        assertThat(writer.write(first, "guard-a", () -> true)).isEqualTo(new ReportWriter.Outcome(0, 0, 2, 0));
        assertThat(report("dynatrace").getMetadata().getResourceVersion())
                .isEqualTo(created.getMetadata().getResourceVersion());

        List<Report> blocked = List.of(new Report("dynatrace", List.of(DNS_FAIL)));
        assertThat(writer.write(blocked, "guard-a", () -> true)).isEqualTo(new ReportWriter.Outcome(0, 1, 0, 1));
        GenericKubernetesResource updated = report("dynatrace");
        assertThat(updated.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
        assertThat((List<?>) updated.getAdditionalProperties().get("results")).singleElement()
                .satisfies(r -> assertThat(((Map<?, ?>) r).get("result")).isEqualTo("fail"));
        assertThat(report("netpol-guard")).isNull();
    }

    @Test
    void reportsOfOtherToolsStayAndTheClusterReportComesAndGoes() {
        GenericKubernetesResource kyverno = new GenericKubernetesResource();
        kyverno.setApiVersion("wgpolicyk8s.io/v1alpha2");
        kyverno.setKind("PolicyReport");
        kyverno.setMetadata(new ObjectMetaBuilder().withName("netpol-guard").withNamespace("shop")
                .withLabels(Map.of("app.kubernetes.io/managed-by", "kyverno")).build());
        client.genericKubernetesResources(ReportObjects.POLICY_REPORTS).resource(kyverno).create();
        ReportWriter writer = new ReportWriter(client);
        ReportResult problem = new ReportResult("audit-problem", ReportOutcome.WARN, "medium", "no Dynatrace Operator found",
                Map.of(), List.of());

        assertThat(writer.write(List.of(new Report(null, List.of(problem))), "guard-a", () -> true))
                .isEqualTo(new ReportWriter.Outcome(1, 0, 0, 0));
        assertThat(client.genericKubernetesResources(ReportObjects.CLUSTER_POLICY_REPORTS).withName("netpol-guard").get())
                .isNotNull();
        assertThat(writer.write(List.of(), "guard-a", () -> true)).isEqualTo(new ReportWriter.Outcome(0, 0, 0, 1));
        assertThat(client.genericKubernetesResources(ReportObjects.CLUSTER_POLICY_REPORTS).withName("netpol-guard").get())
                .isNull();
        assertThat(report("shop")).isNotNull();
    }

    @Test
    void aNewWriterRewritesTheReportsAndAReplicaThatLostTheLeaseWritesNothing() {
        ReportWriter writer = new ReportWriter(client);
        List<Report> reports = List.of(new Report("dynatrace", List.of(DNS_PASS)));
        writer.write(reports, "guard-a", () -> true);

        assertThat(writer.write(List.of(new Report("dynatrace", List.of(DNS_FAIL))), "guard-b", () -> false))
                .isEqualTo(new ReportWriter.Outcome(0, 0, 0, 0));
        assertThat(writer.write(List.of(), "guard-b", () -> false)).isEqualTo(new ReportWriter.Outcome(0, 0, 0, 0));
        assertThat(report("dynatrace").getMetadata().getAnnotations()).containsEntry("netpol-guard.io/written-by", "guard-a");

        assertThat(writer.write(reports, "guard-b", () -> true)).isEqualTo(new ReportWriter.Outcome(0, 1, 0, 0));
        assertThat(report("dynatrace").getMetadata().getAnnotations()).containsEntry("netpol-guard.io/written-by", "guard-b");
    }
}

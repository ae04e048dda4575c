package io.netpolguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PolicyReports through the real kube-apiserver: the guard installed with k8s/base and the component
 * k8s/base/optional/policy-reports (its RBAC applied, the guard started with the Deployment's environment, so
 * NETPOL_GUARD_REPORTS_ENABLED=true), HOSTNAME guard-a, short Lease timings. Its own cluster (the test cluster of
 * {@link WebhookIT}), in this order:
 *
 * <pre>
 *  P0 no PolicyReport CRDs yet: guard-a holds the Lease, the error is logged once and counted, readiness stays UP
 *  P1 the upstream CRDs installed: reports for the namespaces with required flows appear, written by guard-a
 *  P2 nothing changes: the reports are not written again
 *  P3 oncall (break glass) applies a default-deny egress policy in dynatrace: the report is updated in place
 *  P4 a second replica, guard-b, starts: the Lease stays with guard-a and guard-b writes nothing
 *  P5 the operator is uninstalled: the report of namespace dynatrace is removed, the ClusterPolicyReport says
 *     that no operator is found; another tool's report stays
 *  P6 guard-a is killed (SIGKILL): guard-b takes the Lease within the lease duration and writes the reports
 *  P7 guard-b stops normally (SIGTERM): it releases the Lease on the way out
 * </pre>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyReportIT {
    private static final Duration LEASE = Duration.ofSeconds(4);
    private static final Duration RENEW = Duration.ofSeconds(3);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final String LEASE_NAME = "netpol-guard-reports";

    @RegisterExtension
    static final KubeEnvironment ENV = new KubeEnvironment("policy-reports", List.of(
            "-Dnetpol-guard.reports.lease-duration=" + LEASE.toSeconds() + "s",
            "-Dnetpol-guard.reports.renew-deadline=" + RENEW.toSeconds() + "s",
            "-Dnetpol-guard.reports.retry-period=" + RETRY.toSeconds() + "s"), "guard-a");

    private static GuardProcess guardB;
    private static final Map<String, String> resourceVersions = new TreeMap<>();

    @AfterAll
    static void stopSecondReplica() {
        if (guardB != null) {
            guardB.stop();
        }
    }

    /** A metric of the guard's /q/metrics, summed over its labels (0 when absent). */
    static double metric(GuardProcess guard, String name) {
        double total = 0;
        for (String line : guard.management("/q/metrics").lines().toList()) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static double publishes(GuardProcess guard) {
        return metric(guard, "netpol_guard_policy_report_publish_duration_seconds_count");
    }

    private static String leaseHolder() {
        Processes.Result result = ENV.admin().run("get", "lease", LEASE_NAME, "-n", "netpol-guard", "-o",
                "jsonpath={.spec.holderIdentity}");
        return result.exitCode() == 0 ? result.out().strip() : "";
    }

    /** The PolicyReport netpol-guard of a namespace (null: none), or the ClusterPolicyReport when namespace is null. */
    private static JsonNode report(String namespace) throws Exception {
        Processes.Result result = namespace == null
                ? ENV.admin().run("get", "clusterpolicyreports.v1alpha2.wgpolicyk8s.io", "netpol-guard", "-o", "json")
                : ENV.admin().run("get", "policyreports.v1alpha2.wgpolicyk8s.io", "netpol-guard", "-n", namespace, "-o", "json");
        return result.exitCode() == 0 ? KubeEnvironment.JSON.readTree(result.out()) : null;
    }

    private static JsonNode result(JsonNode report, String rule) {
        for (JsonNode result : report.path("results")) {
            if (result.path("rule").asText().equals(rule)) {
                return result;
            }
        }
        throw new AssertionError("no result for " + rule + " in " + report);
    }

    /** The resourceVersion of each report the guard manages, by namespace ("" for the ClusterPolicyReport). */
    private static Map<String, String> managedReports() throws Exception {
        Map<String, String> versions = new TreeMap<>();
        for (String kind : List.of("policyreports", "clusterpolicyreports")) {
            JsonNode list = KubeEnvironment.JSON.readTree(ENV.admin().check("get", kind, "-A", "-l",
                    "app.kubernetes.io/managed-by=netpol-guard", "-o", "json").out());
            for (JsonNode item : list.path("items")) {
                versions.put(item.path("metadata").path("namespace").asText(""),
                        item.path("metadata").path("resourceVersion").asText());
            }
        }
        return versions;
    }

    private static long logLines(Path log, String text) throws Exception {
        return Files.readAllLines(log).stream().filter(l -> l.contains(text)).count();
    }

    @Test
    @Order(0)
    void p0_withoutTheCrdsTheErrorIsLoggedOnceAndCountedAndReadinessStaysUp() throws Exception {
        KubeEnvironment.awaitTrue("guard-a to hold the Lease", Duration.ofSeconds(30), () -> leaseHolder().equals("guard-a")
                && metric(ENV.guard(), "netpol_guard_policy_report_leader") == 1);
        KubeEnvironment.awaitTrue("three failed publishes", Duration.ofSeconds(30),
                () -> metric(ENV.guard(), "netpol_guard_policy_report_errors_total") >= 3);
        assertThat(logLines(ENV.guard().log(), "cannot publish PolicyReports")).isEqualTo(1);
        assertThat(Files.readString(ENV.guard().log())).contains("the PolicyReport CRDs (policyreports.wgpolicyk8s.io "
                + "and clusterpolicyreports.wgpolicyk8s.io, version v1alpha2) are not installed");
        assertThat(ENV.guard().status(ENV.guard().managementUri("/q/health/ready"))).isEqualTo(200);
    }

    @Test
    @Order(1)
    void p1_onceTheCrdsAreInstalledTheReportsAppearWrittenByTheLeaseHolder() throws Exception {
        Path crds = ENV.repo().resolve("src/test/resources/e2e/policy-reports");
        ENV.admin().check("apply", "--server-side", "-f", crds.toString());
        ENV.admin().check("wait", "--for", "condition=Established", "--timeout", "60s",
                "crd/policyreports.wgpolicyk8s.io", "crd/clusterpolicyreports.wgpolicyk8s.io");
        KubeEnvironment.awaitTrue("the report of namespace dynatrace", Duration.ofSeconds(30), () -> report("dynatrace") != null);

        JsonNode dynatrace = report("dynatrace");
        ControlPlane.log("PolicyReport dynatrace/netpol-guard:%n%s", KubeEnvironment.YAML.writeValueAsString(dynatrace));
        ControlPlane.log("kubectl get policyreports -A:%n%s", ENV.admin().check("get", "policyreports", "-A").out());
        assertThat(dynatrace.path("apiVersion").asText()).isEqualTo("wgpolicyk8s.io/v1alpha2");
        assertThat(dynatrace.path("metadata").path("labels").path("app.kubernetes.io/managed-by").asText())
                .isEqualTo("netpol-guard");
        assertThat(dynatrace.path("metadata").path("annotations").path("netpol-guard.io/written-by").asText())
                .isEqualTo("guard-a");
        JsonNode dns = result(dynatrace, "operator->kube-dns");
        assertThat(dns.path("result").asText()).isEqualTo("pass");
        assertThat(dns.path("policy").asText()).isEqualTo("netpol-guard");
        assertThat(dns.path("source").asText()).isEqualTo("netpol-guard");
        assertThat(dns.path("severity").asText()).isEqualTo("critical");
        assertThat(dns.path("scored").asBoolean()).isTrue();
        assertThat(dns.path("properties").path("ports").asText()).isEqualTo("UDP/53,TCP/53");
        assertThat(result(dynatrace, "monitored-apps->activegate").path("severity").asText()).isEqualTo("medium");
        assertThat(dynatrace.path("summary").path("fail").asInt()).isZero();
        assertThat(dynatrace.path("summary").path("pass").asInt()).isEqualTo(dynatrace.path("results").size()
                - dynatrace.path("summary").path("warn").asInt() - dynatrace.path("summary").path("error").asInt());
        assertThat(logLines(ENV.guard().log(), "PolicyReports are published again")).isEqualTo(1);
    }

    @Test
    @Order(2)
    void p2_reportsThatWouldNotChangeAreNotWrittenAgain() throws Exception {
        Map<String, String> before = managedReports();
        double publishes = publishes(ENV.guard());
        double seconds = metric(ENV.guard(), "netpol_guard_policy_report_publish_duration_seconds_sum");
        KubeEnvironment.awaitTrue("three more publishes", Duration.ofSeconds(30), () -> publishes(ENV.guard()) >= publishes + 3);
        assertThat(managedReports()).isEqualTo(before).containsKey("dynatrace");
        double count = publishes(ENV.guard()) - publishes;
        ControlPlane.log("%.0f publishes that changed nothing (two LISTs each): %.1f ms each on average", count,
                1000 * (metric(ENV.guard(), "netpol_guard_policy_report_publish_duration_seconds_sum") - seconds) / count);
    }

    @Test
    @Order(3)
    void p3_aDefaultDenyPolicyFailsTheFlowsAndTheReportIsUpdatedInPlace() throws Exception {
        JsonNode before = report("dynatrace");
        Processes.Result applied = ENV.oncall().run("apply", "-f",
                ENV.manifest("scenarios/default-deny-egress-dynatrace.yaml").toString());
        assertThat(applied.exitCode()).as(applied.describe()).isZero();
        KubeEnvironment.awaitTrue("operator->kube-dns to fail in the report", Duration.ofSeconds(30),
                () -> result(report("dynatrace"), "operator->kube-dns").path("result").asText().equals("fail"));

        JsonNode after = report("dynatrace");
        assertThat(after.path("metadata").path("uid").asText()).isEqualTo(before.path("metadata").path("uid").asText());
        assertThat(after.path("metadata").path("resourceVersion").asText())
                .isNotEqualTo(before.path("metadata").path("resourceVersion").asText());
        JsonNode dns = result(after, "operator->kube-dns");
        ControlPlane.log("its result operator->kube-dns now:%n%s", KubeEnvironment.YAML.writeValueAsString(dns));
        assertThat(dns.path("message").asText()).contains("operator->kube-dns (critical): blocked")
                .contains("default-deny-egress");
        assertThat(dns.path("properties").path("status").asText()).isEqualTo("blocked");
        assertThat(after.path("summary").path("fail").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(result(after, "webhook->kube-apiserver").path("result").asText()).isEqualTo("fail");
        ControlPlane.log("PolicyReport dynatrace/netpol-guard: %d results, %d bytes of JSON (before the policy: %d bytes)",
                after.path("results").size(), after.toString().length(), before.toString().length());
    }

    @Test
    @Order(4)
    void p4_aSecondReplicaDoesNotTakeTheLeaseAndWritesNothing() throws Exception {
        guardB = ENV.startReplica("guard-b");
        KubeEnvironment.awaitTrue("guard-b to have audited", Duration.ofSeconds(30),
                () -> KubeEnvironment.JSON.readTree(guardB.get("/flows")).path("synced").asBoolean());
        resourceVersions.putAll(managedReports());
        double publishes = publishes(ENV.guard());
        KubeEnvironment.awaitTrue("three more publishes of guard-a", Duration.ofSeconds(30),
                () -> publishes(ENV.guard()) >= publishes + 3);

        assertThat(leaseHolder()).isEqualTo("guard-a");
        assertThat(metric(guardB, "netpol_guard_policy_report_leader")).isZero();
        assertThat(publishes(guardB)).isZero();
        assertThat(managedReports()).isEqualTo(resourceVersions);
        assertThat(report("dynatrace").path("metadata").path("annotations").path("netpol-guard.io/written-by").asText())
                .isEqualTo("guard-a");
    }

    @Test
    @Order(5)
    void p5_whenTheOperatorIsGoneItsNamespaceLosesItsReportAndOtherToolsReportsStay() throws Exception {
        ENV.admin().runWithInput("""
                apiVersion: wgpolicyk8s.io/v1alpha2
                kind: PolicyReport
                metadata:
                  name: netpol-guard
                  namespace: shop
                  labels: {app.kubernetes.io/managed-by: kyverno}
                results:
                - {policy: require-labels, rule: check-team, result: pass, source: kyverno}
                summary: {pass: 1}
                """, "apply", "-f", "-");
        ENV.admin().check("delete", "dynakube", "dynakube", "-n", "dynatrace");
        ENV.admin().check("delete", "pods", "-n", "dynatrace", "-l", "app.kubernetes.io/name=dynatrace-operator",
                "--grace-period=0", "--force");
        KubeEnvironment.awaitTrue("the report of dynatrace to be removed", Duration.ofSeconds(30),
                () -> report("dynatrace") == null);

        JsonNode cluster = report(null);
        assertThat(cluster).as("ClusterPolicyReport netpol-guard").isNotNull();
        ControlPlane.log("ClusterPolicyReport netpol-guard:%n%s", KubeEnvironment.YAML.writeValueAsString(cluster));
        assertThat(cluster.path("results")).anySatisfy(problem -> {
            assertThat(problem.path("rule").asText()).isEqualTo("audit-problem");
            assertThat(problem.path("result").asText()).isEqualTo("warn");
            assertThat(problem.path("message").asText()).startsWith("no Dynatrace Operator found");
        });
        assertThat(report("shop")).as("kyverno's report in shop").isNotNull();
    }

    @Test
    @Order(6)
    void p6_whenTheLeaderDiesTheOtherReplicaTakesOverWithinTheLeaseDuration() throws Exception {
        long start = System.nanoTime();
        ENV.guard().kill();
        KubeEnvironment.awaitTrue("guard-b to hold the Lease", Duration.ofSeconds(30), () -> leaseHolder().equals("guard-b"));
        Duration takeover = Duration.ofNanos(System.nanoTime() - start);
        ControlPlane.log("guard-b took the Lease %d ms after guard-a was killed (lease duration %s, retry period %s)",
                takeover.toMillis(), LEASE, RETRY);
        // The Lease expires at most LEASE after guard-a's last renewal, then guard-b's next try comes within 2.2 retry
        // periods (the client's jitter); the rest is slack for the requests on a busy machine.
        assertThat(takeover).isLessThan(LEASE.plus(RETRY.multipliedBy(5)));
        KubeEnvironment.awaitTrue("guard-b to write the reports", Duration.ofSeconds(30), () -> report(null).path("metadata")
                .path("annotations").path("netpol-guard.io/written-by").asText().equals("guard-b"));
        assertThat(metric(guardB, "netpol_guard_policy_report_leader")).isEqualTo(1);
    }

    @Test
    @Order(7)
    void p7_aReplicaThatStopsNormallyReleasesTheLease() {
        long start = System.nanoTime();
        guardB.stop();
        ControlPlane.log("guard-b stopped in %d ms", (System.nanoTime() - start) / 1_000_000);
        assertThat(leaseHolder()).as("holderIdentity after guard-b stopped; the Lease: %s", ENV.admin().run("get", "lease",
                LEASE_NAME, "-n", "netpol-guard", "-o", "yaml").out()).isEmpty();
    }
}

package io.netpolguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A guard whose ClusterRole was trimmed: its ServiceAccount is bound to the ClusterRole of k8s/base without the rules of
 * policy.networking.k8s.io, so RBAC forbids it to list ClusterNetworkPolicies, AdminNetworkPolicies and
 * BaselineAdminNetworkPolicies once their CRDs are installed. Its own cluster (the test cluster of {@link WebhookIT}), in
 * this order:
 *
 * <pre>
 *  F0 network-policy-api CRDs installed                     -> the guard stays ready, names the 3 kinds it may not list
 *                                                              (readiness data, metric, GET /flows problems), and every
 *                                                              flow with a pod is unverifiable, none allowed
 *  F1 developer: default-deny egress in dynatrace           -> applied, Warning: operator->kube-dns cannot be verified,
 *                                                              blocked unless a policy the guard cannot read allows it
 *     developer: deletes it again                           -> applied
 *  F2 admin: ClusterRoleBinding netpol-guard of k8s/base    -> the same guard process lists and watches the 3 kinds,
 *                                                              the problems are gone, operator->kube-dns allowed
 *  F3 developer: the default-deny egress of F1 again        -> denied, naming operator->kube-dns
 * </pre>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForbiddenPolicyKindsIT {
    private static final String GROUP = "policy.networking.k8s.io";

    @RegisterExtension
    static final KubeEnvironment ENV = KubeEnvironment.withGuardDenied(GROUP);

    private static final String ANP = "adminnetworkpolicies." + GROUP;
    /** The readiness check's data "forbidden to list": the informers of the three kinds, sorted. */
    private static final String FORBIDDEN = ANP + ", baselineadminnetworkpolicies." + GROUP + ", clusternetworkpolicies."
            + GROUP;
    private static final String UNREAD_WARNING = "Warning: operator->kube-dns: cannot be verified after this change, "
            + "which blocks it unless a policy the guard cannot read allows it";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private static long guardPid;

    private static Processes.Result developer(String... args) {
        Processes.Result result = ENV.kubectl().run(args);
        ControlPlane.log("developer: kubectl %s -> exit %d in %d ms%n%s", String.join(" ", args), result.exitCode(),
                result.took().toMillis(), (result.out() + result.err()).strip());
        return result;
    }

    private static String defaultDenyEgress() {
        return ENV.manifest("scenarios/default-deny-egress-dynatrace.yaml").toString();
    }

    /** The readiness check's data of the cluster snapshot (GET /q/health/ready answers 200 only while ready). */
    private static JsonNode readiness() throws IOException {
        for (JsonNode check : KubeEnvironment.JSON.readTree(ENV.guard().management("/q/health/ready")).path("checks")) {
            if (check.path("name").asText().equals("cluster-snapshot")) {
                return check.path("data");
            }
        }
        throw new AssertionError("no cluster-snapshot check in GET /q/health/ready");
    }

    /** netpol_guard_informer_forbidden of one resource, or null when the series is not there. */
    private static Double forbiddenGauge(String resource) {
        for (String line : ENV.guard().management("/q/metrics").lines().toList()) {
            if (line.startsWith("netpol_guard_informer_forbidden{") && line.contains("resource=\"" + resource + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return null;
    }

    private static List<String> problems(JsonNode flows) {
        List<String> problems = new ArrayList<>();
        flows.path("problems").forEach(p -> problems.add(p.asText()));
        return problems;
    }

    @Test
    @Order(0)
    void f0_theGuardStaysReadyAndSaysWhichKindsItMayNotList() throws IOException {
        guardPid = ENV.guard().pid();
        long start = System.nanoTime();
        ENV.applyNetworkPolicyApiCrds();

        // readiness, the metric and the audited snapshot follow the informers one after the other: wait for all three
        KubeEnvironment.awaitTrue("the guard to report the three kinds forbidden while ready", TIMEOUT,
                () -> readiness().path("forbidden to list").asText().equals(FORBIDDEN)
                        && Double.valueOf(1.0).equals(forbiddenGauge(ANP))
                        && problems(KubeEnvironment.JSON.readTree(ENV.guard().get("/flows"))).stream()
                                .anyMatch(p -> p.startsWith("AdminNetworkPolicy: the guard evaluates this kind")));
        ControlPlane.log("the guard reported %s forbidden %d ms after the CRDs were applied", FORBIDDEN,
                (System.nanoTime() - start) / 1_000_000);
        assertThat(forbiddenGauge(ANP)).isEqualTo(1.0);
        assertThat(forbiddenGauge("pods")).isEqualTo(0.0);

        JsonNode flows = KubeEnvironment.JSON.readTree(ENV.guard().get("/flows"));
        assertThat(flows.path("synced").asBoolean()).as(flows.toString()).isTrue();
        assertThat(problems(flows)).as(flows.toString())
                // what the API server said, for the guard's own identity
                .anyMatch(p -> p.startsWith("cannot list " + ANP + ": ") && p.contains("forbidden")
                        && p.contains("system:serviceaccount:netpol-guard:netpol-guard"))
                // what it means and what to grant
                .contains("AdminNetworkPolicy: the guard evaluates this kind but may not list it (RBAC forbids listing "
                        + ANP + "), so every flow that AdminNetworkPolicy objects could decide is unverifiable, never "
                        + "allowed and never a reason to deny; grant list and watch on " + ANP + " to the guard's "
                        + "ServiceAccount (the ClusterRole netpol-guard of k8s/base/clusterrole.yaml and of the Helm chart "
                        + "charts/netpol-guard has them) or, for a command with --live, to its user")
                .noneMatch(p -> p.contains("does not evaluate"));
        assertThat(KubeEnvironment.status(flows.path("flows"), "operator->kube-dns")).isEqualTo("unverifiable");
        List<String> statuses = new ArrayList<>();
        flows.path("flows").forEach(flow -> statuses.add(flow.path("status").asText()));
        assertThat(statuses).as(flows.toString()).contains("unverifiable").doesNotContain("allowed");
        assertThat(Files.readString(ENV.guard().log())).contains("cannot list " + ANP);
    }

    @Test
    @Order(1)
    void f1_aChangeThoseKindsCouldDecideIsAWarningNeverADenial() {
        Processes.Result result = developer("apply", "-f", defaultDenyEgress());

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.out()).contains("networkpolicy.networking.k8s.io/default-deny-egress created");
        assertThat(result.err()).as(result.describe()).contains(UNREAD_WARNING)
                .contains("AdminNetworkPolicy (any: the guard may not list this kind)")
                .doesNotContain("denied");

        Processes.Result delete = developer("delete", "networkpolicy", "default-deny-egress", "-n", "dynatrace");
        assertThat(delete.exitCode()).as(delete.describe()).isZero();
    }

    @Test
    @Order(2)
    void f2_grantingListAndWatchEndsItWithoutARestart() throws IOException {
        long start = System.nanoTime();
        ENV.bindTheGuardsClusterRole();

        ENV.awaitGuardWatching(KubeEnvironment.NETWORK_POLICY_API_CRDS, TIMEOUT);
        ENV.awaitFlows("operator->kube-dns judged again", TIMEOUT,
                flows -> KubeEnvironment.status(flows, "operator->kube-dns").equals("allowed"));
        ControlPlane.log("the guard watched the three kinds and judged again %d ms after the binding was applied",
                (System.nanoTime() - start) / 1_000_000);

        assertThat(ENV.guard().pid()).as("the same guard process").isEqualTo(guardPid);
        // readiness and the metric follow the informers one after the other: wait for both
        KubeEnvironment.awaitTrue("readiness and the metric to drop the forbidden kinds", TIMEOUT,
                () -> !readiness().has("forbidden to list") && Double.valueOf(0.0).equals(forbiddenGauge(ANP)));
        JsonNode flows = KubeEnvironment.JSON.readTree(ENV.guard().get("/flows"));
        assertThat(problems(flows)).as(flows.toString()).noneMatch(p -> p.contains("cannot list") || p.contains("may not list"));
        assertThat(Files.readString(ENV.guard().log()))
                .contains("an informer that was forbidden to list its kind is watching again");
    }

    @Test
    @Order(3)
    void f3_theSameChangeIsNowDenied() {
        Processes.Result result = developer("apply", "-f", defaultDenyEgress());

        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(result.err()).as(result.describe())
                .contains("admission webhook \"networkpolicies.netpol-guard.io\" denied the request")
                .contains("operator->kube-dns")
                .doesNotContain("cannot be verified");
        Processes.Result get = ENV.admin().run("get", "networkpolicy", "default-deny-egress", "-n", "dynatrace");
        assertThat(get.err()).as(get.describe()).contains("NotFound");
    }
}

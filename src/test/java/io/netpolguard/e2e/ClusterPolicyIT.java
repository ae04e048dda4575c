package io.netpolguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster-wide policies of the network-policy-api project (policy.networking.k8s.io) through a real
 * kube-apiserver: the CRDs are installed from the Go module cache into the running cluster, the guard
 * notices them and starts watching, and then cluster admins change ClusterNetworkPolicies (v1beta1),
 * AdminNetworkPolicies and BaselineAdminNetworkPolicies (v1alpha1) with the real kubectl. Its own
 * cluster (the test cluster of {@link WebhookIT}), in this order:
 *
 * <pre>
 *  C0 network-policy-api CRDs (v0.3.0, v0.1.7) installed          -> Established; the guard watches the 3 kinds
 *  C1 admin: CNP Admin Deny of the operator's DNS                  -> denied, naming the policy and its rule
 *  C2 admin: AdminNetworkPolicy (v1alpha1) Deny of the same        -> denied
 *     oncall (break glass): egress lockdown of the operator namespace (default deny, allow-dns, ...)
 *  C3 admin: CNP Admin Pass of DNS (before a Deny of kube-system)  -> applied: allow-dns decides, and allows
 *  C4 admin: BANP "default" and a CNP Baseline, Deny of DNS        -> applied: NetworkPolicy decides first
 *  C5 admin: CNP Admin Accept of DNS; developer deletes allow-dns  -> both applied (the Accept carries DNS)
 *     admin: delete the Accept, now the only thing allowing DNS    -> denied
 *  C6 the audit log holds the decisions of clusterpolicies.netpol-guard.io
 * </pre>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterPolicyIT {
    @RegisterExtension
    static final KubeEnvironment ENV = new KubeEnvironment();

    private static final String CLUSTER_WEBHOOK = "clusterpolicies.netpol-guard.io";
    private static final String NETPOL_WEBHOOK = "networkpolicies.netpol-guard.io";
    private static final String ADMIN = "e2e-admin";
    private static final List<String> DNS_FLOWS = List.of("operator->kube-dns", "webhook->kube-dns", "csi-driver->kube-dns",
            "activegate->kube-dns");

    private static Processes.Result run(String who, Kubectl kubectl, String... args) {
        Processes.Result result = kubectl.run(args);
        ControlPlane.log("%s: kubectl %s -> exit %d in %d ms%n%s", who, String.join(" ", args), result.exitCode(),
                result.took().toMillis(), (result.out() + result.err()).strip());
        return result;
    }

    /** kubectl as the cluster admin (system:masters): judged by the guard like anyone without break glass. */
    private static Processes.Result admin(String... args) {
        return run("admin", ENV.admin(), args);
    }

    private static Processes.Result developer(String... args) {
        return run("developer", ENV.kubectl(), args);
    }

    private static String manifest(String name) {
        return ENV.manifest("scenarios/" + name).toString();
    }

    private static JsonNode get(String resource, String name, String... namespace) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("get", resource, name, "-o", "json"));
        if (namespace.length > 0) {
            args.addAll(List.of("-n", namespace[0]));
        }
        return KubeEnvironment.JSON.readTree(ENV.admin().check(args.toArray(String[]::new)).out());
    }

    private static void assertDeniedBy(Processes.Result result, String webhook) {
        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(result.err()).as(result.describe())
                .contains("admission webhook \"" + webhook + "\" denied the request");
    }

    private static void assertApplied(Processes.Result result, String expectedOut) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.out()).as(result.describe()).contains(expectedOut);
        assertThat(result.err()).as(result.describe()).doesNotContain("denied").doesNotContain("kube-dns");
    }

    private static void assertNotFound(String resource, String name) {
        Processes.Result result = ENV.admin().run("get", resource, name);
        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(result.err()).as(result.describe()).contains("NotFound");
    }

    @Test
    @Order(0)
    void c0_networkPolicyApiCrdsFromTheGoModuleCacheAreWatchedByTheGuard() throws IOException {
        List<Path> files = ENV.installNetworkPolicyApi();

        // From the Go module cache, each release's standard channel.
        assertThat(files).map(Path::toString).satisfiesExactly(
                cnp -> assertThat(cnp).endsWith("/sigs.k8s.io/network-policy-api@v0.3.0/config/crd/standard/"
                        + "policy.networking.k8s.io_clusternetworkpolicies.yaml"),
                anp -> assertThat(anp).endsWith("/sigs.k8s.io/network-policy-api@v0.1.7/config/crd/standard/"
                        + "policy.networking.k8s.io_adminnetworkpolicies.yaml"),
                banp -> assertThat(banp).endsWith("/sigs.k8s.io/network-policy-api@v0.1.7/config/crd/standard/"
                        + "policy.networking.k8s.io_baselineadminnetworkpolicies.yaml"));
        // What the API server serves now.
        assertThat(ENV.admin().check("api-resources", "--api-group", "policy.networking.k8s.io", "-o", "name").out())
                .contains("clusternetworkpolicies.policy.networking.k8s.io", "adminnetworkpolicies.policy.networking.k8s.io",
                        "baselineadminnetworkpolicies.policy.networking.k8s.io");
        assertThat(ENV.admin().check("get", "crd", "clusternetworkpolicies.policy.networking.k8s.io", "-o",
                "jsonpath={.spec.versions[*].name}").out()).isEqualTo("v1alpha2 v1beta1");
        // The guard saw the CRDs appear (it started after the cluster was set up) and reads the newest versions.
        assertThat(Files.readString(ENV.guard().log()))
                .contains("watching ClusterNetworkPolicy policy.networking.k8s.io/v1beta1",
                        "watching AdminNetworkPolicy policy.networking.k8s.io/v1alpha1",
                        "watching BaselineAdminNetworkPolicy policy.networking.k8s.io/v1alpha1");
    }

    @Test
    @Order(1)
    void c1_clusterNetworkPolicyAdminDenyOfTheOperatorsDnsIsDenied() {
        double before = ENV.admissionRequests();
        Processes.Result result = admin("apply", "-f", manifest("cnp-admin-deny-operator-dns.yaml"));

        assertDeniedBy(result, CLUSTER_WEBHOOK);
        assertThat(result.err()).as(result.describe())
                .contains("operator->kube-dns")
                .contains("ClusterNetworkPolicy", "deny-operator-dns")
                .contains("no-cluster-dns")
                // only the operator's pods are its subject
                .doesNotContain("webhook->kube-dns", "csi-driver->kube-dns", "activegate->kube-dns");
        assertThat(ENV.admissionRequests()).isGreaterThan(before);
        assertNotFound("clusternetworkpolicy", "deny-operator-dns");
    }

    @Test
    @Order(2)
    void c2_adminNetworkPolicyV1alpha1DenyOfTheOperatorsDnsIsDenied() {
        Processes.Result result = admin("apply", "-f", manifest("anp-deny-operator-dns.yaml"));

        assertDeniedBy(result, CLUSTER_WEBHOOK);
        assertThat(result.err()).as(result.describe())
                .contains("operator->kube-dns")
                .contains("AdminNetworkPolicy", "deny-operator-dns")
                .contains("no-cluster-dns")
                .doesNotContain("webhook->kube-dns");
        assertNotFound("adminnetworkpolicy", "deny-operator-dns");
    }

    @Test
    @Order(3)
    void c3_adminPassOfDnsToAnAllowingNetworkPolicyIsApplied() throws IOException {
        // The namespace's egress lockdown, with break glass (policy by policy the guard would deny each step):
        // default deny, allow-dns (every pod to kube-dns 53), allow-apiserver, allow-tenant.
        Processes.Result lockdown = run("oncall (break glass)", ENV.oncall(), "apply", "-f",
                manifest("egress-baseline-dynatrace.yaml"));
        assertThat(lockdown.exitCode()).as(lockdown.describe()).isZero();
        assertThat(lockdown.out()).contains("networkpolicy.networking.k8s.io/allow-dns created");
        // Barrier: the guard's informers have the lockdown (it would now refuse to delete allow-dns).
        ENV.awaitDeleteAnswer("the guard to see the egress lockdown", get("networkpolicy", "allow-dns", "dynatrace"),
                "networkpolicies", false);

        double before = ENV.admissionRequests();
        Processes.Result result = admin("apply", "-f", manifest("cnp-admin-pass-dns.yaml"));

        assertApplied(result, "clusternetworkpolicy.policy.networking.k8s.io/kube-system-dns-by-namespace-policy created");
        assertThat(ENV.admissionRequests()).as("judged by the guard").isGreaterThan(before);
    }

    @Test
    @Order(4)
    void c4_baselineDenyOfDnsUnderAnAllowingNetworkPolicyIsApplied() {
        Processes.Result banp = admin("apply", "-f", manifest("banp-default-deny-dns.yaml"));
        assertApplied(banp, "baselineadminnetworkpolicy.policy.networking.k8s.io/default created");

        Processes.Result cnp = admin("apply", "-f", manifest("cnp-baseline-deny-dns.yaml"));
        assertApplied(cnp, "clusternetworkpolicy.policy.networking.k8s.io/baseline-no-cluster-dns created");
    }

    @Test
    @Order(5)
    void c5_deletingTheAdminAcceptThatAloneAllowsDnsIsDenied() throws IOException {
        // Set-up, in an order the guard permits. Without the Pass, DNS is still allow-dns's to decide.
        assertApplied(admin("delete", "clusternetworkpolicy", "kube-system-dns-by-namespace-policy"),
                "\"kube-system-dns-by-namespace-policy\" deleted");
        assertApplied(admin("apply", "-f", manifest("cnp-admin-accept-dns.yaml")),
                "clusternetworkpolicy.policy.networking.k8s.io/dynatrace-cluster-dns created");
        // Barrier: the guard has the Accept (and no Pass before it), so allow-dns no longer carries DNS.
        JsonNode allowDns = get("networkpolicy", "allow-dns", "dynatrace");
        ENV.awaitDeleteAnswer("the guard to see the Admin Accept", allowDns, "networkpolicies", true);
        Processes.Result deleteAllowDns = developer("delete", "networkpolicy", "allow-dns", "-n", "dynatrace");
        assertApplied(deleteAllowDns, "networkpolicy.networking.k8s.io \"allow-dns\" deleted");
        // Barrier: the guard saw allow-dns go.
        JsonNode accept = get("clusternetworkpolicy", "dynatrace-cluster-dns");
        ENV.awaitDeleteAnswer("the guard to see allow-dns deleted", accept, "clusternetworkpolicies", false);

        Processes.Result result = admin("delete", "clusternetworkpolicy", "dynatrace-cluster-dns");

        assertDeniedBy(result, CLUSTER_WEBHOOK);
        assertThat(result.err()).as(result.describe())
                .contains(DNS_FLOWS.toArray(String[]::new))
                .contains("ClusterNetworkPolicy", "dynatrace-cluster-dns");
        assertThat(ENV.admin().run("get", "clusternetworkpolicy", "dynatrace-cluster-dns").exitCode()).isZero();
    }

    @Test
    @Order(6)
    void c6_auditLogHoldsTheDecisions() {
        AuditLog audit = new AuditLog(ENV.controlPlane().auditLog());
        String decision = CLUSTER_WEBHOOK + "/decision";
        String blocked = CLUSTER_WEBHOOK + "/blocked-flows";

        assertThat(audit.events(AuditLog.request(ADMIN, "create", "clusternetworkpolicies", "", "deny-operator-dns")))
                .anySatisfy(event -> {
                    assertThat(event.path("responseStatus").path("code").asInt()).isEqualTo(403);
                    assertThat(AuditLog.annotation(event, decision)).isEqualTo("deny");
                    assertThat(AuditLog.annotation(event, blocked)).isEqualTo("operator->kube-dns");
                });
        assertThat(audit.events(AuditLog.request(ADMIN, "create", "adminnetworkpolicies", "", "deny-operator-dns")))
                .anySatisfy(event -> {
                    assertThat(event.path("objectRef").path("apiVersion").asText()).isEqualTo("v1alpha1");
                    assertThat(AuditLog.annotation(event, decision)).isEqualTo("deny");
                    assertThat(AuditLog.annotation(event, blocked)).isEqualTo("operator->kube-dns");
                });
        assertThat(audit.events(AuditLog.request(ADMIN, "create", "clusternetworkpolicies", "",
                "kube-system-dns-by-namespace-policy"))).anySatisfy(event -> {
                    assertThat(event.path("responseStatus").path("code").asInt()).isEqualTo(201);
                    assertThat(AuditLog.annotation(event, decision)).isNotNull().isNotEqualTo("deny");
                });
        assertThat(audit.events(AuditLog.request(ADMIN, "create", "baselineadminnetworkpolicies", "", "default")))
                .anySatisfy(event -> assertThat(event.path("responseStatus").path("code").asInt()).isEqualTo(201));
        assertThat(audit.events(AuditLog.request(ADMIN, "delete", "clusternetworkpolicies", "", "dynatrace-cluster-dns")))
                .anySatisfy(event -> {
                    assertThat(event.path("responseStatus").path("code").asInt()).isEqualTo(403);
                    assertThat(AuditLog.annotation(event, decision)).isEqualTo("deny");
                    assertThat(AuditLog.annotation(event, blocked)).contains(DNS_FLOWS.toArray(String[]::new));
                });
        // The developer's delete of allow-dns went through the NetworkPolicy webhook and was allowed.
        assertThat(audit.events(AuditLog.request("developer", "delete", "networkpolicies", "dynatrace", "allow-dns")))
                .anySatisfy(event -> {
                    assertThat(event.path("responseStatus").path("code").asInt()).isEqualTo(200);
                    assertThat(AuditLog.annotation(event, NETPOL_WEBHOOK + "/decision")).isNotNull().isNotEqualTo("deny");
                });
    }
}

package io.netpolguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exemptions need authority, through the real kube-apiserver: the ValidatingAdmissionPolicy and the approver
 * ClusterRole of k8s/base (as kubectl's kustomize renders them) let only approvers set the exemption annotation.
 * Its own cluster (the test cluster of {@link WebhookIT}), in this order:
 *
 * <pre>
 *  E0 policy, binding and approver role applied; "approver" bound to the role in namespace dynatrace;
 *     oncall (break glass): egress lockdown of dynatrace (default deny, allow-dns, ...)
 *  E1 developer: annotate allow-dns netpol-guard.io/exempt          -> refused by the admission policy
 *  E2 developer: delete allow-dns (no exemption)                      -> denied by the guard, as usual
 *  E3 admin (system:masters, a wildcard): annotate allow-dns          -> refused: wildcards do not count
 *  E4 approver: annotate allow-dns, then delete it                    -> both applied; the delete with a warning
 *     developer: remove the exemption from allow-apiserver (set by the approver) -> applied: no approval needed
 *  E5 the audit log holds the exemption's reason and who made the change
 * </pre>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExemptionIT {
    @RegisterExtension
    static final KubeEnvironment ENV = new KubeEnvironment();

    private static final String POLICY = "netpol-guard-exemption-approval";
    private static final String REASON = "planned DNS migration, change CHG-1234";
    private static final String ANNOTATION = "netpol-guard.io/exempt=" + REASON;
    private static final String REFUSAL = "only users granted create on exemptions.netpol-guard.io in namespace dynatrace";

    private static Processes.Result run(String who, Kubectl kubectl, String... args) {
        Processes.Result result = kubectl.run(args);
        ControlPlane.log("%s: kubectl %s -> exit %d%n%s", who, String.join(" ", args), result.exitCode(),
                (result.out() + result.err()).strip());
        return result;
    }

    private static Kubectl approver() {
        return ENV.admin().as("approver");
    }

    private static void assertRefusedByThePolicy(Processes.Result result) {
        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(result.err()).as(result.describe()).contains("ValidatingAdmissionPolicy '" + POLICY + "'")
                .contains(REFUSAL);
    }

    @Test
    @Order(0)
    void e0_theExemptionPolicyAndTheApproverRoleOfK8sBaseAreInstalled() throws Exception {
        List<ObjectNode> base = KubeEnvironment.documents(ENV.admin().check("kustomize", ENV.repo().resolve("k8s/base")
                .toString()).out());
        StringBuilder objects = new StringBuilder();
        for (ObjectNode object : List.of(KubeEnvironment.find(base, "ClusterRole", "netpol-guard-exemption-approver"),
                KubeEnvironment.find(base, "ValidatingAdmissionPolicy", POLICY),
                KubeEnvironment.find(base, "ValidatingAdmissionPolicyBinding", POLICY))) {
            objects.append("---\n").append(KubeEnvironment.YAML.writeValueAsString(object));
        }
        ENV.admin().runWithInput(objects.toString(), "apply", "-f", "-");
        Processes.Result applied = run("admin", ENV.admin(), "get", "validatingadmissionpolicy", POLICY);
        assertThat(applied.exitCode()).as(applied.describe()).isZero();
        ENV.admin().check("create", "rolebinding", "exemption-approver", "-n", "dynatrace",
                "--clusterrole=netpol-guard-exemption-approver", "--user=approver");
        Processes.Result lockdown = run("oncall (break glass)", ENV.oncall(), "apply", "-f",
                ENV.manifest("scenarios/egress-baseline-dynatrace.yaml").toString());
        assertThat(lockdown.out()).as(lockdown.describe()).contains("networkpolicy.networking.k8s.io/allow-dns created");
        // barrier: the guard has the lockdown (it would now refuse to delete allow-dns)
        ENV.awaitDeleteAnswer("the guard to see the egress lockdown", KubeEnvironment.JSON.readTree(ENV.admin()
                .check("get", "networkpolicy", "allow-dns", "-n", "dynatrace", "-o", "json").out()), "networkpolicies", false);
        // the API server loads the policy and its binding asynchronously: wait until a dry run is refused
        KubeEnvironment.awaitTrue("the exemption policy in force", Duration.ofSeconds(60), () -> {
            Processes.Result dryRun = ENV.kubectl().run("annotate", "networkpolicy", "allow-dns", "-n", "dynatrace",
                    ANNOTATION, "--dry-run=server");
            return dryRun.exitCode() != 0 && dryRun.err().contains(REFUSAL);
        });
    }

    @Test
    @Order(1)
    void e1_aDeveloperCannotExemptTheirOwnChange() {
        assertRefusedByThePolicy(run("developer", ENV.kubectl(), "annotate", "networkpolicy", "allow-dns", "-n",
                "dynatrace", ANNOTATION));
        Processes.Result namespace = run("developer", ENV.kubectl(), "annotate", "namespace", "dynatrace", ANNOTATION);
        assertThat(namespace.exitCode()).as(namespace.describe()).isNotZero();
        assertThat(namespace.err()).contains("ValidatingAdmissionPolicy '" + POLICY + "'")
                .contains("only users granted create on exemptions.netpol-guard.io cluster-wide");
    }

    @Test
    @Order(2)
    void e2_withoutTheExemptionTheChangeIsJudgedAsUsual() {
        Processes.Result result = run("developer", ENV.kubectl(), "delete", "networkpolicy", "allow-dns", "-n", "dynatrace");
        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(result.err()).contains("admission webhook \"networkpolicies.netpol-guard.io\" denied the request")
                .contains("operator->kube-dns");
    }

    @Test
    @Order(3)
    void e3_aWildcardAdminIsNotAnApprover() {
        assertRefusedByThePolicy(run("admin", ENV.admin(), "annotate", "networkpolicy", "allow-dns", "-n", "dynatrace",
                ANNOTATION));
    }

    @Test
    @Order(4)
    void e4_anApproverExemptsAndTheChangeIsAllowedWithAWarning() {
        Processes.Result annotated = run("approver", approver(), "annotate", "networkpolicy", "allow-dns", "-n",
                "dynatrace", ANNOTATION);
        assertThat(annotated.exitCode()).as(annotated.describe()).isZero();
        Processes.Result deleted = run("approver", approver(), "delete", "networkpolicy", "allow-dns", "-n", "dynatrace");
        assertThat(deleted.exitCode()).as(deleted.describe()).isZero();
        assertThat(deleted.err()).contains("Warning:").contains("operator->kube-dns").contains("exempted: " + REASON);
        // removing an exemption needs no approval
        assertThat(run("approver", approver(), "annotate", "networkpolicy", "allow-apiserver", "-n", "dynatrace",
                ANNOTATION).exitCode()).isZero();
        Processes.Result removed = run("developer", ENV.kubectl(), "annotate", "networkpolicy", "allow-apiserver", "-n",
                "dynatrace", "netpol-guard.io/exempt-");
        assertThat(removed.exitCode()).as(removed.describe()).isZero();
    }

    @Test
    @Order(5)
    void e5_theAuditLogRecordsTheReasonAndWhoMadeTheExemptedChange() {
        AuditLog audit = new AuditLog(ENV.controlPlane().auditLog());
        assertThat(audit.events(AuditLog.request("approver", "delete", "networkpolicies", "dynatrace", "allow-dns")))
                .anySatisfy(event -> {
                    assertThat(event.path("responseStatus").path("code").asInt()).isEqualTo(200);
                    assertThat(AuditLog.annotation(event, "networkpolicies.netpol-guard.io/decision")).isEqualTo("warn");
                    assertThat(AuditLog.annotation(event, "networkpolicies.netpol-guard.io/exemption")).isEqualTo(REASON);
                    assertThat(AuditLog.annotation(event, "networkpolicies.netpol-guard.io/exempted-by"))
                            .isEqualTo("approver");
                });
        assertThat(audit.events(AuditLog.request("developer", "patch", "networkpolicies", "dynatrace", "allow-dns")))
                .anySatisfy(event -> assertThat(event.path("responseStatus").path("code").asInt()).isEqualTo(403));
    }
}

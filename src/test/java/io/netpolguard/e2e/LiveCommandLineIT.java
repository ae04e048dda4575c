package io.netpolguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The command line against a real kube-apiserver (issue 13 §2): {@code check}, {@code check --diff} and {@code probe}
 * with {@code --kubeconfig}/{@code --context}, run as people run them (bin/netpol-guard on the packaged application,
 * and through kubectl as the plugin bin/kubectl-netpol_guard). The cluster is the e2e test cluster plus namespace
 * {@code payments} whose egress is denied and the network-policy-api CRDs; no guard or webhook runs. It reads as the
 * guard's ServiceAccount (the ClusterRole of k8s/base), as "developer", who may not list Nodes, EndpointSlices or the
 * network-policy-api kinds, and as a ServiceAccount without any role, who may not even list Namespaces.
 */
class LiveCommandLineIT {
    @RegisterExtension
    static final KubeEnvironment ENV = KubeEnvironment.withoutGuard();

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String LEDGER = "payments/ledger-7c9d8f6b5-m2kq4";
    private static final String COREDNS = "kube-system/coredns-7db6d8ff4d-x2v9q";
    private static final String ANP = "adminnetworkpolicies.policy.networking.k8s.io";
    private static final List<String> HOSTS = List.of("--no-dns", "--host",
            GuardProcess.TENANT_HOST + "=" + GuardProcess.TENANT_ADDRESS);
    private static Path scratch;

    @BeforeAll
    static void paymentsNamespaceWithEgressDenied() throws IOException {
        scratch = Files.createDirectories(ENV.work().resolve("live-cli"));
        Path payments = scratch.resolve("payments.yaml");
        Files.writeString(payments, """
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {team: payments}}
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: default, namespace: payments}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: ledger-7c9d8f6b5-m2kq4
                  namespace: payments
                  labels: {app: ledger, pod-template-hash: 7c9d8f6b5}
                spec:
                  containers:
                  - {name: ledger, image: example.com/payments/ledger:2.3, ports: [{name: http, containerPort: 8080}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny-egress, namespace: payments}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                """);
        ENV.admin().check("apply", "-f", payments.toString());
        // the guard's ClusterRole lists their objects; the developer's role does not
        ENV.applyNetworkPolicyApiCrds();
        // the class-data archive bin/netpol-guard makes once per build says so on stderr: not in the assertions below
        netpolGuard(Map.of(), "--version");
    }

    /** bin/netpol-guard in the repository, HOME in the scratch directory (no ~/.kube/config), no KUBECONFIG. */
    private static Processes.Result netpolGuard(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(ENV.repo().resolve("bin/netpol-guard").toString()));
        command.addAll(List.of(args));
        return run(command, env);
    }

    private static Processes.Result run(List<String> command, Map<String, String> env) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("HOME", scratch.toString(), "JAVA_OPTS", "-Xmx256m"));
        all.putAll(env);
        return Processes.run(command, ENV.repo(), all, null, TIMEOUT, scratch.resolve("tmp"));
    }

    private static List<String> args(String first, List<String> more, String... rest) {
        List<String> args = new ArrayList<>(List.of(first));
        args.addAll(List.of(rest));
        args.addAll(more);
        return args;
    }

    private static JsonNode json(Processes.Result run) throws IOException {
        return KubeEnvironment.JSON.readTree(run.out());
    }

    /** flow (owner) -> status, from check --output json. */
    private static Map<String, String> statuses(JsonNode json) {
        Map<String, String> statuses = new LinkedHashMap<>();
        json.path("flows").forEach(f -> statuses.put(f.path("owner").asText().isEmpty() ? f.path("id").asText()
                : f.path("id").asText() + " (" + f.path("owner").asText() + ")", f.path("status").asText()));
        return statuses;
    }

    private static String guardKubeconfig() {
        return ENV.controlPlane().guardKubeconfig().toString();
    }

    @Test
    void checkReadsTheLiveClusterAsTheGuardsServiceAccountReadsIt() throws IOException {
        Processes.Result run = netpolGuard(Map.of(), args("check", HOSTS, "--kubeconfig", guardKubeconfig(),
                "--output", "json").toArray(String[]::new));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        Map<String, String> statuses = statuses(json(run));
        assertThat(statuses).as(run.describe()).containsEntry("operator->kube-dns", "allowed")
                .containsEntry("webhook->kube-apiserver", "allowed")
                .containsEntry("control-plane->webhook", "allowed")
                .containsEntry("activegate->dynatrace-api (DynaKube dynatrace/dynakube)", "allowed")
                .containsEntry("monitored-apps->activegate (DynaKube dynatrace/dynakube)", "blocked");
        assertThat(json(run).path("problems")).as("the guard's ClusterRole reads everything").isEmpty();
        JsonNode apps = flow(json(run), "monitored-apps->activegate");
        assertThat(apps.path("severity").asText()).isEqualTo("warning");
        assertThat(apps.path("explanation").asText()).contains(LEDGER, "payments/default-deny-egress");
        assertThat(run.err()).as(run.describe()).isEmpty();
    }

    private static JsonNode flow(JsonNode check, String id) {
        for (JsonNode flow : check.path("flows")) {
            if (flow.path("id").asText().equals(id)) {
                return flow;
            }
        }
        throw new AssertionError("no flow " + id + " in " + check);
    }

    @Test
    void kindsTheUserMayNotListAreProblemsNotAStackTrace() throws IOException {
        Processes.Result run = netpolGuard(Map.of(), args("check", HOSTS, "--kubeconfig",
                ENV.controlPlane().kubeconfig().toString(), "--context", "developer", "--output", "json")
                .toArray(String[]::new));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        List<String> problems = new ArrayList<>();
        json(run).path("problems").forEach(p -> problems.add(p.asText()));
        assertThat(problems).as(run.describe())
                .anyMatch(p -> p.startsWith("cannot list nodes: ") && p.contains("forbidden") && p.contains("developer"))
                .anyMatch(p -> p.startsWith("cannot list endpointslices in namespace default: ") && p.contains("forbidden"))
                // an optional policy kind is unknown, as the webhook counts it: not the end of the command
                .anyMatch(p -> p.startsWith("cannot list " + ANP + ": ") && p.contains("forbidden") && p.contains("developer"))
                .anyMatch(p -> p.startsWith("cannot list clusternetworkpolicies.policy.networking.k8s.io: "))
                .anyMatch(p -> p.startsWith("AdminNetworkPolicy: the guard evaluates this kind but may not list it (RBAC "
                        + "forbids listing " + ANP + "), so every flow that AdminNetworkPolicy objects could decide is "
                        + "unverifiable") && p.endsWith("or, for a command with --live, to its user"));
        Map<String, String> statuses = statuses(json(run));
        assertThat(statuses).as(run.describe()).containsEntry("operator->kube-dns", "unverifiable")
                // blocked by payments/default-deny-egress, but an AdminNetworkPolicy could allow it
                .containsEntry("monitored-apps->activegate (DynaKube dynatrace/dynakube)", "unverifiable")
                .doesNotContainValue("allowed");
        assertThat(run.err()).doesNotContain("Exception", "\tat ");

        Processes.Result text = netpolGuard(Map.of(), args("check", HOSTS, "--kubeconfig",
                ENV.controlPlane().kubeconfig().toString(), "--context", "developer").toArray(String[]::new));
        assertThat(text.exitCode()).as(text.describe()).isZero();
        assertThat(text.out()).contains("cannot list " + ANP + ": ", "AdminNetworkPolicy (any: the guard may not list "
                + "this kind)");
    }

    @Test
    void aUserWhoMayNotListNamespacesGetsOneLineAndExitTwo() throws IOException {
        // a ServiceAccount bound to no role: it may read API discovery, nothing else
        ENV.admin().check("create", "serviceaccount", "reader", "-n", "default");
        String token = ENV.admin().check("create", "token", "reader", "-n", "default").out().strip();
        Path kubeconfig = scratch.resolve("reader.kubeconfig");
        Files.writeString(kubeconfig, Files.readString(ENV.controlPlane().guardKubeconfig())
                .replaceAll("token: .*", "token: " + token).replace("netpol-guard", "reader"));

        Processes.Result run = netpolGuard(Map.of(), "check", "--kubeconfig", kubeconfig.toString(), "--no-dns");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().toList()).as(run.describe()).singleElement().asString()
                .startsWith("error: cannot list namespaces: namespaces is forbidden: User "
                        + "\"system:serviceaccount:default:reader\" cannot list resource \"namespaces\"")
                .endsWith("; without them no flow can be judged");
    }

    @Test
    void diffAppliesManifestsOnTopOfTheLiveCluster() throws IOException {
        Path change = Files.createDirectories(scratch.resolve("lockdown"));
        // egress denied in the operator's namespace too, and payments may now reach the ActiveGate
        Files.writeString(change.resolve("dynatrace.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny-egress, namespace: dynatrace}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                """);
        Files.writeString(change.resolve("payments.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny-egress, namespace: payments}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                  - to:
                    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: dynatrace}}
                      podSelector: {matchLabels: {app.kubernetes.io/name: activegate}}
                    ports: [{protocol: TCP, port: 9999}]
                """);
        Processes.Result run = netpolGuard(Map.of(), args("check", HOSTS, "--kubeconfig", guardKubeconfig(),
                "--diff", change.toString(), "--output", "json").toArray(String[]::new));

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        Map<String, String> changes = new LinkedHashMap<>();
        json(run).path("changes").forEach(c -> changes.put(c.path("id").asText(), c.path("change").asText() + " "
                + c.path("before").asText() + "->" + c.path("after").asText()));
        assertThat(changes).as(run.describe()).containsEntry("operator->kube-dns", "blocked allowed->blocked")
                .containsEntry("operator->kube-apiserver", "blocked allowed->blocked")
                .containsEntry("monitored-apps->activegate", "unblocked blocked->allowed")
                .doesNotContainKey("control-plane->webhook");

        Processes.Result text = netpolGuard(Map.of(), args("check", HOSTS, "--kubeconfig", guardKubeconfig(),
                "--diff", change.toString()).toArray(String[]::new));
        assertThat(text.exitCode()).isEqualTo(1);
        assertThat(text.out()).containsPattern("operator->kube-dns +- +critical +allowed +blocked +blocked")
                .contains("isolated by dynatrace/default-deny-egress");
    }

    @Test
    void probeJudgesConnectionsBetweenLivePods() throws IOException {
        Path probes = scratch.resolve("probes.yaml");
        Files.writeString(probes, """
                - {from: shop/checkout-6f7d9c8b5-h4t2z, to: %1$s, port: 53, protocol: UDP}
                - {from: %2$s, to: %1$s, port: 53, protocol: UDP}
                """.formatted(COREDNS, LEDGER));
        Processes.Result run = netpolGuard(Map.of(), "probe", "--kubeconfig", guardKubeconfig(), "--probes",
                probes.toString(), "--output", "json");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        JsonNode results = json(run);
        assertThat(results).hasSize(2);
        assertThat(results.path(0).path("allowed").asBoolean()).as(run.describe()).isTrue();
        assertThat(results.path(1).path("allowed").asBoolean()).as(run.describe()).isFalse();
        assertThat(results.path(1).path("explanation").asText()).contains("payments/default-deny-egress");
    }

    @Test
    void reviewAnswersAsTheWebhookWouldOnTheLiveCluster() throws IOException {
        JsonNode policy = KubeEnvironment.JSON.readTree(ENV.admin().check("get", "networkpolicy", "-n", "dynatrace",
                "allow-webhook-from-control-plane", "-o", "json").out());
        Path request = scratch.resolve("delete-allow-webhook.json");
        Files.writeString(request, KubeEnvironment.deleteReview(policy, "networkpolicies"));

        Processes.Result run = netpolGuard(Map.of(), args("review", HOSTS, "--kubeconfig", guardKubeconfig(),
                "--request", request.toString()).toArray(String[]::new));

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        JsonNode response = json(run).path("response");
        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("auditAnnotations").path("blocked-flows").asText()).contains("control-plane->webhook");
    }

    @Test
    void aContextThatDoesNotExistIsOneLineAndExitTwo() {
        Processes.Result run = netpolGuard(Map.of(), "check", "--kubeconfig", ENV.controlPlane().kubeconfig().toString(),
                "--context", "prod-eu", "--no-dns");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().toList()).as(run.describe()).singleElement().asString()
                .startsWith("error: no context 'prod-eu' in ").contains("admin", "developer");
    }

    @Test
    void anUnreachableServerIsOneLineAndExitTwo() throws IOException {
        int port = Ports.free();
        Path kubeconfig = scratch.resolve("unreachable.kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - {name: gone, cluster: {server: "https://127.0.0.1:%d", insecure-skip-tls-verify: true}}
                users:
                - {name: someone, user: {token: abc}}
                contexts:
                - {name: gone, context: {cluster: gone, user: someone}}
                current-context: gone
                """.formatted(port));
        Processes.Result run = netpolGuard(Map.of(), "check", "--kubeconfig", kubeconfig.toString(), "--no-dns");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().toList()).as(run.describe()).singleElement().asString()
                .startsWith("error: cannot reach the Kubernetes API server at https://127.0.0.1:" + port + ": ");
    }

    @Test
    void kubectlRunsThePluginOnItsCurrentContext() throws IOException {
        String path = ENV.repo().resolve("bin") + ":" + System.getenv("PATH");
        List<String> command = args(ENV.kubectlBinary().toString(), HOSTS, "netpol-guard", "check", "--output", "json");
        Processes.Result run = run(command, Map.of("PATH", path, "KUBECONFIG", guardKubeconfig()));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(statuses(json(run))).as(run.describe()).containsEntry("operator->kube-dns", "allowed")
                .containsEntry("monitored-apps->activegate (DynaKube dynatrace/dynakube)", "blocked");
    }
}

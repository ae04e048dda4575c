package io.netpolguard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: a real control plane with netpol-guard registered as its validating webhook.
 *
 * <ol>
 * <li>kube-apiserver, etcd, kubectl from the cache of e2e/build-binaries.sh (built when missing);</li>
 * <li>etcd and kube-apiserver on free loopback ports, token users, RBAC, audit log;</li>
 * <li>test CRDs (DynaKube, EdgeConnect) and the test cluster (src/test/resources/e2e/cluster);</li>
 * <li>the guard's ClusterRole and binding and the break-glass ClusterRole from k8s/base (rendered by
 * kubectl kustomize);</li>
 * <li>a CA and serving certificate from certs/create-certs.sh, the guard started with them;</li>
 * <li>the ValidatingWebhookConfiguration of k8s/base, with clientConfig.service replaced by the
 * guard's loopback URL and the script's CA as caBundle.</li>
 * </ol>
 *
 * Everything it starts is stopped in {@link #afterAll} and, should the JVM go down first, by a
 * shutdown hook. The work directory (logs, audit log, certificates, kubeconfig) is kept in
 * target/e2e/ for inspection.
 */
public final class KubeEnvironment implements BeforeAllCallback, AfterAllCallback {
    static final ObjectMapper JSON = new ObjectMapper();
    static final YAMLMapper YAML = new YAMLMapper();
    static final String WEBHOOK_CONFIGURATION = "netpol-guard";
    /**
     * The API server's address in EndpointSlice default/kubernetes. Not 127.0.0.1, where it really
     * listens: EndpointSlice validation rejects loopback addresses. What a kind control-plane node has.
     */
    static final String API_ADDRESS = "172.18.0.2";

    private final boolean withGuard;
    private Path repo;
    private Path work;
    private Path bin;
    private Path tlsDir;
    private ControlPlane controlPlane;
    private GuardProcess guard;
    private Kubectl developer;
    private Kubectl admin;
    private Thread shutdownHook;
    private Map<String, String> guardEnv;
    private String caBundle;
    private String deploymentProblem;
    private final String component;
    private final List<String> guardProperties;
    private final String hostname;
    private final boolean throughChart;
    /** An API group the guard's ClusterRole is installed without (null: k8s/base's ClusterRole as it is). */
    private final String groupDenied;
    private Path helm;
    private List<ObjectNode> chartObjects;

    /**
     * The installation of k8s/base (kubectl's kustomize, the test's certificate) and one guard registered as the API
     * server's webhook, as most test classes need.
     */
    public KubeEnvironment() {
        this(true, false, null, List.of(), null, null);
    }

    /**
     * The installation of k8s/base with an optional component of k8s/base/optional (rendered by kubectl kustomize, its
     * RBAC applied, the guard started with its Deployment environment), more {@code -D} settings for the guard, and the
     * guard's HOSTNAME (its pod name in a cluster).
     */
    KubeEnvironment(String component, List<String> guardProperties, String hostname) {
        this(true, false, component, guardProperties, hostname, null);
    }

    private KubeEnvironment(boolean withGuard, boolean throughChart, String component, List<String> guardProperties,
            String hostname, String groupDenied) {
        this.withGuard = withGuard;
        this.throughChart = throughChart;
        this.component = component;
        this.guardProperties = List.copyOf(guardProperties);
        this.hostname = hostname;
        this.groupDenied = groupDenied;
    }

    /** The guard installed through the Helm chart charts/netpol-guard (see {@link #installWithChart()}). */
    static KubeEnvironment throughChart() {
        return new KubeEnvironment(true, true, null, List.of(), null, null);
    }

    /**
     * The installation of k8s/base, but the guard's ServiceAccount is bound to a copy of its ClusterRole without the
     * rules of API group {@code group}, as a trimmed ClusterRole would leave it: RBAC forbids it to list those kinds.
     * The ClusterRole netpol-guard itself is there, unbound, until {@link #bindTheGuardsClusterRole()}.
     */
    static KubeEnvironment withGuardDenied(String group) {
        return new KubeEnvironment(true, false, null, List.of(), null, group);
    }

    /**
     * The control plane, the test cluster and the guard's RBAC (ClusterRole and binding of k8s/base, so that
     * {@link ControlPlane#guardKubeconfig()} reads as the guard would), without the guard or its webhook: for tests of
     * the command line against a live cluster.
     */
    static KubeEnvironment withoutGuard() {
        return new KubeEnvironment(false, false, null, List.of(), null, null);
    }

    Path repo() {
        return repo;
    }

    /** The kubectl binary, for running it without the contexts {@link Kubectl} sets (as a plugin's user would). */
    Path kubectlBinary() {
        return bin.resolve("kubectl");
    }

    Path work() {
        return work;
    }

    Path tlsDir() {
        return tlsDir;
    }

    ControlPlane controlPlane() {
        return controlPlane;
    }

    GuardProcess guard() {
        return guard;
    }

    /** kubectl as "developer": judged by the webhook. */
    Kubectl kubectl() {
        return developer;
    }

    /** kubectl as cluster admin (system:masters): judged by the webhook like anyone (no break glass). */
    Kubectl admin() {
        return admin;
    }

    /** kubectl as "oncall", explicitly bound to ClusterRole netpol-guard-break-glass: skips the webhook. */
    Kubectl oncall() {
        return admin.as("oncall");
    }

    /** Null when the guard served HTTPS with the Deployment's environment, else what went wrong. */
    String deploymentProblem() {
        return deploymentProblem;
    }

    String caBundle() {
        return caBundle;
    }

    /** The helm binary (installs through the chart only). */
    Path helm() {
        return helm;
    }

    /** What the chart installed, as {@code helm get manifest} lists it (installs through the chart only). */
    List<ObjectNode> chartObjects() {
        return chartObjects;
    }

    /** A test manifest from src/test/resources/e2e, with ${API_ADDRESS} and ${API_PORT} filled in. */
    Path manifest(String relative) {
        return work.resolve("manifests").resolve(relative);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        long start = System.nanoTime();
        repo = findRepo();
        // One cluster per test class: run-<time>-<class>.
        work = repo.resolve("target/e2e/run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + "-" + context.getRequiredTestClass().getSimpleName());
        Files.createDirectories(work);
        ControlPlane.log("work directory %s", work);
        shutdownHook = new Thread(this::stopAll, "e2e-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            setUp();
        } catch (Throwable e) {
            dumpLogs();
            stopAll();
            throw e;
        }
        ControlPlane.log("environment ready in %d ms", (System.nanoTime() - start) / 1_000_000);
    }

    private void setUp() throws IOException {
        bin = binaries();
        controlPlane = new ControlPlane(bin, work);
        controlPlane.start();
        Path kubeconfig = controlPlane.kubeconfig();
        admin = new Kubectl(bin.resolve("kubectl"), kubeconfig, repo, work, "admin");
        developer = admin.as("developer");

        // The API server creates namespace default (and kube-system) shortly after it is ready.
        awaitTrue("namespace default", Duration.ofSeconds(60), () -> admin.run("get", "namespace", "default").exitCode() == 0);
        renderManifests();
        admin.check("apply", "-f", manifest("crds").toString());
        admin.check("wait", "--for", "condition=Established", "--timeout", "60s",
                "crd/dynakubes.dynatrace.com", "crd/edgeconnects.dynatrace.com");
        admin.check("apply", "-f", manifest("cluster").toString());

        if (throughChart) {
            installWithChart();
        } else {
            installWithKustomize();
        }
    }

    private void installWithKustomize() throws IOException {
        // The installation manifests, rendered by kubectl's own kustomize.
        List<ObjectNode> base = documents(admin.check("kustomize", installation().toString()).out());
        ObjectNode role = find(base, "ClusterRole", "netpol-guard");
        ObjectNode binding = find(base, "ClusterRoleBinding", "netpol-guard");
        apply(admin, "guard-rbac.json", groupDenied == null
                ? List.of(role, binding, find(base, "ClusterRole", "netpol-guard-break-glass"))
                : List.of(role, without(role, groupDenied), boundTo(binding, without(role, groupDenied)),
                        find(base, "ClusterRole", "netpol-guard-break-glass")));
        if (component != null) {
            List<ObjectNode> added = new ArrayList<>(List.of(find(base, "Namespace", "netpol-guard")));
            base.stream().filter(o -> o.path("metadata").path("name").asText().equals("netpol-guard-" + component))
                    .forEach(added::add);
            apply(admin, "component-" + component + ".json", added);
        }
        if (!withGuard) {
            return;
        }

        tlsDir = work.resolve("guard-tls");
        Processes.check(List.of("bash", repo.resolve("certs/create-certs.sh").toString(), "--out", tlsDir.toString(),
                "--no-overlay", "--ip", "127.0.0.1", "--dns", "localhost"), repo, Map.of(), null, Duration.ofSeconds(120),
                work.resolve("tmp"));
        caBundle = Files.readString(tlsDir.resolve("ca.crt.b64")).strip();

        startGuard(deploymentEnv(find(base, "Deployment", "netpol-guard"), Map.of("tls", tlsDir)));
        apply(admin, "webhook.json", List.of(webhookConfiguration(find(base, "ValidatingWebhookConfiguration",
                WEBHOOK_CONFIGURATION))));
        awaitWebhookCalled();
    }

    /**
     * The chart as a user installs it ({@code helm install}, certificates made by the chart), except that the webhook
     * calls the guard on loopback ({@code webhook.url}, which also puts 127.0.0.1 into the chart's certificate): the
     * guard starts with the chart's Secret and the chart's Deployment environment, under the chart's RBAC, then
     * {@code helm upgrade} points the webhook at its port (keeping the certificate, which the chart reads back).
     */
    private void installWithChart() throws IOException {
        helm = HelmTool.binary(repo, work);
        HelmTool.check(helm, repo, work, List.of("install", "netpol-guard", "charts/netpol-guard", "--namespace",
                "netpol-guard", "--create-namespace", "--kubeconfig", controlPlane.kubeconfig().toString(),
                "--kube-context", "admin", "--set", "webhook.url=https://127.0.0.1:1/validate",
                // a setting the guard reads from the chart's ConfigMap: this flow (blocked in the test cluster) is not
                // evaluated at all
                "--set", "guard.flows.oneagent->activegate.mode=off"));
        chartObjects = documents(HelmTool.check(helm, repo, work, List.of("get", "manifest", "netpol-guard",
                "--namespace", "netpol-guard", "--kubeconfig", controlPlane.kubeconfig().toString(), "--kube-context",
                "admin")).out());

        JsonNode secret = JSON.readTree(admin.check("get", "secret", "netpol-guard-tls", "-n", "netpol-guard", "-o",
                "json").out()).path("data");
        tlsDir = work.resolve("guard-tls");
        Files.createDirectories(tlsDir);
        for (String file : List.of("tls.crt", "tls.key", "ca.crt")) {
            Files.write(tlsDir.resolve(file), java.util.Base64.getDecoder().decode(secret.path(file).asText()));
        }
        caBundle = secret.path("ca.crt").asText();

        // The chart's settings (values guard.*), ConfigMap netpol-guard-config, as the pod would see them.
        Path configDir = work.resolve("guard-config");
        Files.createDirectories(configDir);
        for (var file : find(chartObjects, "ConfigMap", "netpol-guard-config").path("data").properties()) {
            Files.writeString(configDir.resolve(file.getKey()), file.getValue().asText());
        }
        startGuard(deploymentEnv(find(chartObjects, "Deployment", "netpol-guard"), Map.of("tls", tlsDir, "config",
                configDir)));
        HelmTool.check(helm, repo, work, List.of("upgrade", "netpol-guard", "charts/netpol-guard", "--namespace",
                "netpol-guard", "--reuse-values", "--kubeconfig", controlPlane.kubeconfig().toString(), "--kube-context",
                "admin", "--set", "webhook.url=https://127.0.0.1:" + guard.httpsPort() + "/validate"));
        awaitWebhookCalled();
    }

    private void startGuard(Map<String, String> deploymentEnv) throws IOException {
        guardEnv = deploymentEnv;
        guard = new GuardProcess(repo.resolve("target/quarkus-app/quarkus-run.jar"), work,
                controlPlane.guardKubeconfig(), tlsDir, withHostname(guardEnv, hostname), guardProperties);
        deploymentProblem = guard.start();
        if (deploymentProblem != null) {
            // Reported by WebhookIT.deploymentEnvironmentServesHttps; the scenarios still run.
            ControlPlane.log("%s%nrestarting the guard with the certificate as system properties", deploymentProblem);
            guard.restartWithCertificateProperties();
        }
        // Ready means every informer listed; the DynaKube informer starts when the CRD informer has
        // seen the CRD, so also wait until the flows of the test DynaKube are there.
        awaitFlows("the guard's view of the test cluster", Duration.ofSeconds(60), flows ->
                status(flows, "operator->kube-dns").equals("allowed")
                        && status(flows, "activegate->dynatrace-api").equals("allowed")
                        && status(flows, "monitored-apps->activegate").equals("allowed"));
        warmUp();
    }

    /** A copy of ClusterRole {@code role}, named after what it lacks, without the rules of API group {@code group}. */
    private static ObjectNode without(ObjectNode role, String group) {
        ObjectNode trimmed = role.deepCopy();
        ((ObjectNode) trimmed.get("metadata")).put("name", role.path("metadata").path("name").asText() + "-without-" + group);
        ArrayNode rules = trimmed.putArray("rules");
        for (JsonNode rule : role.path("rules")) {
            boolean ofGroup = false;
            for (JsonNode apiGroup : rule.path("apiGroups")) {
                ofGroup |= apiGroup.asText().equals(group);
            }
            if (!ofGroup) {
                rules.add(rule);
            }
        }
        return trimmed;
    }

    /** A copy of ClusterRoleBinding {@code binding} (the same subjects) for {@code role}, named like it. */
    private static ObjectNode boundTo(ObjectNode binding, ObjectNode role) {
        ObjectNode copy = binding.deepCopy();
        String name = role.path("metadata").path("name").asText();
        ((ObjectNode) copy.get("metadata")).put("name", name);
        ((ObjectNode) copy.get("roleRef")).put("name", name);
        return copy;
    }

    /**
     * Applies the ClusterRoleBinding netpol-guard of k8s/base (kubectl kustomize), as the admin: the guard's
     * ServiceAccount gets the ClusterRole netpol-guard as the installation grants it.
     */
    void bindTheGuardsClusterRole() throws IOException {
        List<ObjectNode> base = documents(admin.check("kustomize", installation().toString()).out());
        apply(admin, "guard-clusterrolebinding.json", List.of(find(base, "ClusterRoleBinding", "netpol-guard")));
    }

    /** k8s/base, or a kustomization in the work directory with k8s/base and the component. */
    private Path installation() throws IOException {
        if (component == null) {
            return repo.resolve("k8s/base");
        }
        Path dir = work.resolve("installation");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kustomization.yaml"), "resources:\n- " + dir.relativize(repo.resolve("k8s/base"))
                + "\ncomponents:\n- " + dir.relativize(repo.resolve("k8s/base/optional/" + component)) + "\n");
        return dir;
    }

    private static Map<String, String> withHostname(Map<String, String> env, String hostname) {
        Map<String, String> copy = new java.util.TreeMap<>(env);
        if (hostname != null) {
            copy.put("HOSTNAME", hostname);
        }
        return copy;
    }

    /**
     * Another replica of the guard: the same environment and settings, its own ports, its work directory
     * {@code <work>/<hostname>} (log, command line) and HOSTNAME. Started and ready; the caller stops it.
     */
    GuardProcess startReplica(String replicaHostname) throws IOException {
        Path dir = work.resolve(replicaHostname);
        Files.createDirectories(dir);
        GuardProcess replica = new GuardProcess(repo.resolve("target/quarkus-app/quarkus-run.jar"), dir,
                controlPlane.guardKubeconfig(), tlsDir, withHostname(guardEnv, replicaHostname), guardProperties);
        if (replica.start() != null) {
            replica.restartWithCertificateProperties();
        }
        return replica;
    }

    /**
     * The NETPOL_GUARD_* and QUARKUS_* variables of the guard container, with the mount path of each volume in
     * {@code localDirs} (by volume name: Secret netpol-guard-tls as "tls", the chart's settings as "config") replaced
     * by the local directory that holds its files. JVM settings (JAVA_*) are the container's business and are left out.
     */
    private static Map<String, String> deploymentEnv(ObjectNode deployment, Map<String, Path> localDirs) {
        Map<String, Path> mounts = new java.util.TreeMap<>();
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").path(0);
        for (JsonNode mount : container.path("volumeMounts")) {
            Path local = localDirs.get(mount.path("name").asText());
            if (local != null) {
                mounts.put(mount.path("mountPath").asText(), local);
            }
        }
        Map<String, String> env = new java.util.TreeMap<>();
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            if (!(name.startsWith("NETPOL_GUARD_") || name.startsWith("QUARKUS_")) || !variable.has("value")) {
                continue;
            }
            String value = variable.path("value").asText();
            for (Map.Entry<String, Path> mount : mounts.entrySet()) {
                if (value.startsWith(mount.getKey() + "/")) {
                    value = mount.getValue().resolve(value.substring(mount.getKey().length() + 1)).toString();
                }
            }
            env.put(name, value);
        }
        if (!"cluster".equals(env.get("NETPOL_GUARD_SERVER_SOURCE"))) {
            throw new AssertionError("the guard's Deployment does not set NETPOL_GUARD_SERVER_SOURCE=cluster: " + env);
        }
        return env;
    }

    /** The cached binaries: -De2e.binDir, else whatever e2e/build-binaries.sh prints (it builds when needed). */
    private Path binaries() {
        String configured = System.getProperty("e2e.binDir", System.getenv("E2E_BIN_DIR"));
        Path dir;
        if (configured != null && !configured.isBlank()) {
            dir = Path.of(configured);
        } else {
            ControlPlane.log("e2e/build-binaries.sh (instant when cached; builds kube-apiserver, kubectl, etcd otherwise, "
                    + "~5-12 min)");
            Processes.Result result = Processes.check(List.of("bash", repo.resolve("e2e/build-binaries.sh").toString()),
                    repo, Map.of(), null, Duration.ofMinutes(Long.getLong("e2e.buildTimeoutMinutes", 30)),
                    work.resolve("tmp"));
            List<String> lines = result.out().strip().lines().toList();
            dir = Path.of(lines.get(lines.size() - 1));
        }
        for (String name : List.of("etcd", "kube-apiserver", "kubectl")) {
            if (!Files.isExecutable(dir.resolve(name))) {
                throw new AssertionError("missing " + dir.resolve(name) + " (run e2e/build-binaries.sh)");
            }
        }
        return dir;
    }

    /** Copies src/test/resources/e2e/{crds,cluster,scenarios} into the work dir with the placeholders filled in. */
    private void renderManifests() throws IOException {
        Path source;
        try {
            source = Path.of(KubeEnvironment.class.getResource("/e2e").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        for (String dir : List.of("crds", "cluster", "scenarios")) {
            Path target = manifest(dir);
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(source.resolve(dir))) {
                for (Path file : files.sorted().toList()) {
                    String text = Files.readString(file).replace("${API_ADDRESS}", API_ADDRESS)
                            .replace("${API_PORT}", Integer.toString(controlPlane.apiPort()));
                    Files.writeString(target.resolve(file.getFileName().toString()), text);
                }
            }
        }
    }

    /**
     * The webhook configuration of k8s/base, pointed at the guard on loopback: each webhook's
     * clientConfig.service becomes url https://127.0.0.1:port/validate (the service's path), with the
     * CA of certs/create-certs.sh as caBundle. Rules, matchConditions, failurePolicy and timeouts stay.
     */
    private ObjectNode webhookConfiguration(ObjectNode rendered) {
        ObjectNode configuration = rendered.deepCopy();
        for (JsonNode webhook : configuration.withArray("webhooks")) {
            ObjectNode clientConfig = (ObjectNode) webhook.get("clientConfig");
            String path = clientConfig.path("service").path("path").asText("/validate");
            clientConfig.remove("service");
            clientConfig.put("url", "https://127.0.0.1:" + guard.httpsPort() + path);
            clientConfig.put("caBundle", caBundle);
        }
        return configuration;
    }

    /** A few decisions before the API server calls in, so the first real call is not a cold JVM's (timeout 5 s). */
    private void warmUp() throws IOException {
        List<String> requests = new ArrayList<>();
        try (Stream<Path> files = Files.list(repo.resolve("k8s/examples/requests"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                requests.add(Files.readString(file));
            }
        }
        long start = System.nanoTime();
        for (int round = 0; round < 5; round++) {
            for (String request : requests) {
                guard.validate(request);
            }
        }
        ControlPlane.log("warmed up the guard with %d decisions in %d ms", 5 * requests.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * The API server picks up a new webhook configuration asynchronously: send a harmless server-side
     * dry run until the guard's request counter moves.
     */
    private void awaitWebhookCalled() {
        Path harmless = work.resolve("manifests/harmless.yaml");
        try {
            Files.writeString(harmless, """
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: e2e-webhook-probe, namespace: shop}
                    spec:
                      podSelector: {matchLabels: {app: does-not-exist}}
                      policyTypes: [Ingress]
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double before = admissionRequests();
        awaitTrue("the API server calling the webhook", Duration.ofSeconds(60), () -> {
            developer.check("apply", "--dry-run=server", "-f", harmless.toString());
            return admissionRequests() > before;
        });
    }

    /**
     * Installs the CRDs of the network-policy-api project (ClusterNetworkPolicy, AdminNetworkPolicy,
     * BaselineAdminNetworkPolicy) into the running cluster, as the admin, and waits until the API server
     * serves them (condition Established) and the guard, which watches CRDs, has started and synced an
     * informer for each kind. The CRD files come from the Go module cache (e2e/network-policy-api-crds.sh
     * runs {@code go mod download}); nothing is copied into the repository.
     *
     * @return the CRD files applied
     */
    List<Path> installNetworkPolicyApi() throws IOException {
        long start = System.nanoTime();
        List<Path> files = applyNetworkPolicyApiCrds();
        awaitGuardWatching(NETWORK_POLICY_API_CRDS, Duration.ofSeconds(60));
        ControlPlane.log("the guard watches %s after %d ms", NETWORK_POLICY_API_CRDS, (System.nanoTime() - start) / 1_000_000);
        return files;
    }

    /**
     * The first half of {@link #installNetworkPolicyApi()}: the CRDs applied and Established, without waiting for the
     * guard (which may not be allowed to list their objects).
     */
    List<Path> applyNetworkPolicyApiCrds() throws IOException {
        long start = System.nanoTime();
        // The script downloads through the Go module proxy when the modules are not cached: unlike the
        // other commands it keeps the proxy settings (Processes drops them by default).
        Map<String, String> env = new java.util.TreeMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.equalsIgnoreCase("http_proxy") || name.equalsIgnoreCase("https_proxy")
                    || name.equalsIgnoreCase("no_proxy")) {
                env.put(name, value);
            }
        });
        Processes.Result result = Processes.run(List.of("bash", repo.resolve("e2e/network-policy-api-crds.sh").toString()),
                repo, env, null, Duration.ofMinutes(5), work.resolve("tmp"));
        if (result.exitCode() != 0) {
            throw new AssertionError("e2e/network-policy-api-crds.sh could not provide the network-policy-api CRDs: "
                    + result.err().strip());
        }
        List<Path> files = result.out().strip().lines().map(Path::of).toList();
        Files.writeString(work.resolve("manifests/network-policy-api-crds.txt"),
                files.stream().map(Path::toString).collect(java.util.stream.Collectors.joining("\n", "", "\n")));
        for (Path file : files) {
            // Server-side: the ClusterNetworkPolicy CRD (~130 kB) needs no last-applied annotation.
            admin.check("apply", "--server-side", "-f", file.toString());
        }
        List<String> crds = NETWORK_POLICY_API_CRDS.stream().map(name -> "crd/" + name).toList();
        List<String> wait = new ArrayList<>(List.of("wait", "--for", "condition=Established", "--timeout", "60s"));
        wait.addAll(crds);
        admin.check(wait.toArray(String[]::new));
        ControlPlane.log("network-policy-api CRDs established in %d ms: %s", (System.nanoTime() - start) / 1_000_000, files);
        return files;
    }

    /** The CRDs {@link #installNetworkPolicyApi()} installs, by name: the informer names in the guard's readiness data. */
    static final List<String> NETWORK_POLICY_API_CRDS = List.of("clusternetworkpolicies.policy.networking.k8s.io",
            "adminnetworkpolicies.policy.networking.k8s.io", "baselineadminnetworkpolicies.policy.networking.k8s.io");

    /**
     * Polls the guard's readiness check (GET /q/health/ready, 200 once every informer has synced) until its data
     * lists an informer for each of {@code crds} as synced: the guard saw the CRDs appear and read their objects.
     */
    void awaitGuardWatching(List<String> crds, Duration timeout) {
        String[] last = new String[1];
        try {
            awaitTrue("the guard to watch " + crds, timeout, () -> {
                JsonNode health = JSON.readTree(guard.management("/q/health/ready"));
                last[0] = health.toString();
                if (!"UP".equals(health.path("status").asText())) {
                    return false;
                }
                for (JsonNode check : health.path("checks")) {
                    JsonNode data = check.path("data");
                    if (crds.stream().allMatch(crd -> data.path(crd).asBoolean(false))) {
                        return true;
                    }
                }
                return false;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nlast GET /q/health/ready: " + last[0], e);
        }
    }

    /**
     * An AdmissionReview for deleting {@code object} (as kubectl get -o json shows it), as the API server would send
     * it, marked as a dry run: sent straight to the guard, it asks what the guard would answer now.
     *
     * @param resource the resource's plural (networkpolicies, clusternetworkpolicies, ...)
     */
    static String deleteReview(JsonNode object, String resource) throws IOException {
        String apiVersion = object.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request");
        request.put("uid", java.util.UUID.randomUUID().toString());
        request.putObject("kind").put("group", group).put("version", version).put("kind", object.path("kind").asText());
        request.putObject("resource").put("group", group).put("version", version).put("resource", resource);
        if (object.path("metadata").has("namespace")) {
            request.put("namespace", object.path("metadata").path("namespace").asText());
        }
        request.put("name", object.path("metadata").path("name").asText());
        request.put("operation", "DELETE");
        request.putObject("userInfo").put("username", "e2e-barrier");
        request.putNull("object");
        request.set("oldObject", object);
        request.put("dryRun", true);
        return JSON.writeValueAsString(review);
    }

    /**
     * Waits until the guard, asked directly (not through the API server), would answer the delete of
     * {@code object} with {@code allowed}: a barrier that the guard's informers have the state a scenario builds on.
     */
    void awaitDeleteAnswer(String what, JsonNode object, String resource, boolean allowed) {
        awaitTrue(what, Duration.ofSeconds(30), () -> JSON.readTree(guard.validate(deleteReview(object, resource)))
                .path("response").path("allowed").asBoolean(!allowed) == allowed);
    }

    /** netpol_guard_admission_requests_total, summed over all labels. */
    double admissionRequests() {
        double total = 0;
        for (String line : guard.management("/q/metrics").lines().toList()) {
            if (line.startsWith("netpol_guard_admission_requests_total")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** Polls GET /flows until {@code condition} holds for its "flows" array. */
    void awaitFlows(String what, Duration timeout, Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        try {
            awaitTrue(what, timeout, () -> {
                JsonNode body = JSON.readTree(guard.get("/flows"));
                last[0] = body;
                return body.path("synced").asBoolean() && condition.test(body.path("flows"));
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nlast GET /flows: " + last[0], e);
        }
    }

    /** The status of a flow in a GET /flows answer ("absent" when it is not listed). */
    static String status(JsonNode flows, String id) {
        for (JsonNode flow : flows) {
            if (flow.path("id").asText().equals(id)) {
                return flow.path("status").asText();
            }
        }
        return "absent";
    }

    interface Check {
        boolean ok() throws Exception;
    }

    /** Polls every 250 ms until {@code check} passes; fails after {@code timeout}. */
    static void awaitTrue(String what, Duration timeout, Check check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable lastError = null;
        while (true) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (Exception | AssertionError e) {
                lastError = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError error = new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for "
                        + what + (lastError == null ? "" : "; last error: " + lastError.getMessage()));
                if (lastError != null) {
                    error.addSuppressed(lastError);
                }
                throw error;
            }
            ControlPlane.sleep(250);
        }
    }

    static List<ObjectNode> documents(String yaml) {
        List<ObjectNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document instanceof ObjectNode object) {
                    documents.add(object);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    static ObjectNode find(List<ObjectNode> objects, String kind, String name) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)
                && o.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("kubectl kustomize k8s/base has no " + kind + " " + name));
    }

    private void apply(Kubectl kubectl, String fileName, List<ObjectNode> objects) throws IOException {
        ObjectNode list = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List");
        ArrayNode items = list.putArray("items");
        objects.forEach(items::add);
        Path file = work.resolve("manifests").resolve(fileName);
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(list));
        kubectl.check("apply", "-f", file.toString());
    }

    private static Path findRepo() {
        Path dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("pom.xml")) && Files.isDirectory(candidate.resolve("e2e"))) {
                return candidate;
            }
        }
        throw new AssertionError("cannot find the project directory from " + dir);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            dumpLogs();
        }
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        deleteRecursively(work.resolve("etcd-data"));
        ControlPlane.log("logs, audit log and certificates kept in %s", work);
    }

    private synchronized void stopAll() {
        if (guard != null) {
            guard.stop();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    private void dumpLogs() {
        if (guard != null) {
            ControlPlane.log("netpol-guard log (%s), last lines:%n%s", guard.log(), Processes.tail(guard.log(), 60));
        }
        if (controlPlane != null) {
            ControlPlane.log("kube-apiserver log (%s), last lines:%n%s", controlPlane.apiserverLog(),
                    Processes.tail(controlPlane.apiserverLog(), 40));
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            ControlPlane.log("could not delete %s: %s", dir, e.getMessage());
        }
    }
}

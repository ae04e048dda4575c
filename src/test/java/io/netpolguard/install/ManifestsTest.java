package io.netpolguard.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netpolguard.cli.CommandLines;
import io.netpolguard.cli.NetpolGuardCommand;
import io.netpolguard.config.GuardFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The installation manifests under {@code k8s/}: the base rendered without a kustomize binary
 * ({@link Kustomize}), the overlays' file references, the optional NetworkPolicy judged by the guard's
 * own {@code check}.
 */
class ManifestsTest {
    private static final Path K8S = Path.of("k8s");
    private static final Path BASE = K8S.resolve("base");
    private static final Path NETWORK_POLICY_COMPONENT = BASE.resolve("optional/network-policy");
    private static final Path OVERLAYS = K8S.resolve("overlays");
    private static final String NAMESPACE = "netpol-guard";
    private static final String NAME = "netpol-guard";
    private static final Map<String, String> POD_SELECTOR = Map.of("app.kubernetes.io/name", "netpol-guard");
    private static final String BREAK_GLASS = "!(authorizer.group('netpol-guard.io').resource('breakglass').check('create')"
            + ".allowed() && !authorizer.group('netpol-guard.io').resource('wildcard-probe').check('never-granted').allowed())";

    private static List<ObjectNode> base;

    @TempDir
    Path temp;

    @BeforeAll
    static void render() {
        base = Kustomize.render(BASE);
    }

    // --- the base -------------------------------------------------------------------------------

    @Test
    void theTopKustomizationRendersTheBaseAndNotTheExamples() {
        JsonNode top = Kustomize.kustomization(K8S);
        assertThat(strings(top.path("resources"))).containsExactly("base");
        assertThat(top.path("components").isMissingNode()).isTrue();
        assertThat(Kustomize.render(K8S)).hasSameSizeAs(base);
    }

    @Test
    void theBaseHasEveryResourceOnce() {
        assertThat(base).extracting(o -> o.path("kind").asText() + " " + o.path("metadata").path("name").asText())
                .containsExactlyInAnyOrder("Namespace netpol-guard", "ServiceAccount netpol-guard",
                        "ClusterRole netpol-guard", "ClusterRoleBinding netpol-guard",
                        "ClusterRole netpol-guard-break-glass", "ClusterRole netpol-guard-exemption-approver",
                        "ValidatingAdmissionPolicy netpol-guard-exemption-approval",
                        "ValidatingAdmissionPolicyBinding netpol-guard-exemption-approval", "Deployment netpol-guard",
                        "PodDisruptionBudget netpol-guard", "Service netpol-guard",
                        "ValidatingWebhookConfiguration netpol-guard");
    }

    @Test
    void everythingNamespacedIsInTheGuardsNamespaceAlsoWithoutKustomize() throws IOException {
        assertThat(Kustomize.kustomization(BASE).path("namespace").asText()).isEqualTo(NAMESPACE);
        // The files carry the namespace themselves, so `check --cluster k8s/base` sees what kustomize renders.
        for (JsonNode entry : Kustomize.kustomization(BASE).path("resources")) {
            for (JsonNode object : Kustomize.documents(BASE.resolve(entry.asText()))) {
                String kind = object.path("kind").asText();
                if (!Set.of("Namespace", "ClusterRole", "ClusterRoleBinding", "ValidatingWebhookConfiguration",
                        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding").contains(kind)) {
                    assertThat(object.path("metadata").path("namespace").asText()).as(entry.asText()).isEqualTo(NAMESPACE);
                }
            }
        }
    }

    @Test
    void everyResourceHasTheKubernetesLabels() {
        JsonNode labels = Kustomize.kustomization(BASE).path("labels");
        assertThat(labels).hasSize(1);
        assertThat(labels.get(0).path("includeSelectors").asBoolean(true)).as("selectors stay as written").isFalse();
        assertThat(labels.get(0).path("includeTemplates").asBoolean()).isTrue();
        for (ObjectNode object : base) {
            assertThat(stringMap(object.path("metadata").path("labels")))
                    .as(object.path("kind").asText())
                    .containsEntry("app.kubernetes.io/name", "netpol-guard")
                    .containsEntry("app.kubernetes.io/part-of", "netpol-guard")
                    .containsKey("app.kubernetes.io/component")
                    .containsKey("app.kubernetes.io/managed-by");
        }
        for (Path overlay : List.of(OVERLAYS.resolve("plain"), OVERLAYS.resolve("cert-manager"), NETWORK_POLICY_COMPONENT)) {
            assertThat(Kustomize.kustomization(overlay).path("labels")).as(overlay.toString()).isEqualTo(labels);
        }
    }

    // --- RBAC -----------------------------------------------------------------------------------

    @Test
    void theClusterRoleGrantsExactlyGetListWatchOnWhatTheInformersRead() {
        Map<String, Set<String>> granted = rules(Kustomize.find(base, "ClusterRole", NAME));
        Map<String, Set<String>> expected = new TreeMap<>();
        for (String resource : List.of("namespaces", "pods", "services", "nodes", "networkpolicies.networking.k8s.io",
                "endpointslices.discovery.k8s.io", "dynakubes.dynatrace.com", "edgeconnects.dynatrace.com",
                "customresourcedefinitions.apiextensions.k8s.io")) {
            expected.put(resource, Set.of("get", "list", "watch"));
        }
        // the cluster-wide kinds the guard evaluates, and the kinds it only notices (LiveCluster's CRD handler)
        for (io.netpolguard.netpol.ClusterPolicyKind kind : io.netpolguard.netpol.ClusterPolicyKind.values()) {
            expected.put(kind.plural() + "." + io.netpolguard.netpol.ClusterPolicyKind.GROUP, Set.of("get", "list", "watch"));
        }
        for (io.netpolguard.cluster.UnevaluatedKinds.Kind kind : io.netpolguard.cluster.UnevaluatedKinds.KINDS) {
            expected.put(kind.plural() + "." + kind.group(), Set.of("get", "list", "watch"));
        }
        assertThat(granted).isEqualTo(expected);
    }

    /** Fails when an informer is added to (or removed from) LiveCluster without the RBAC following. */
    @Test
    void theClusterRoleCoversEveryInformerOfLiveCluster() throws IOException {
        String source = Files.readString(Path.of("src/main/java/io/netpolguard/live/LiveCluster.java"));
        Set<String> informed = new TreeSet<>();
        Matcher informer = Pattern.compile("informers\\.put\\(\"([a-z]+)\"").matcher(source);
        while (informer.find()) {
            informed.add(informer.group(1));
        }
        Matcher crd = Pattern.compile("\"([a-z]+)\\.dynatrace\\.com\"").matcher(source);
        while (crd.find()) {
            informed.add(crd.group(1));
        }
        // CRDs are informed one by one ("crd/<name>", by field selector), only those the guard reads
        assertThat(source).contains("customResourceDefinitions()").contains("informers.put(\"crd/\"");
        informed.add("customresourcedefinitions");
        assertThat(informed).contains("pods", "customresourcedefinitions", "dynakubes", "edgeconnects");
        // the CRD handler also informs the cluster-wide and unevaluated policy kinds once their CRDs exist
        assertThat(source).contains("CLUSTER_POLICY_CRDS", "UNEVALUATED_CRDS");
        for (io.netpolguard.netpol.ClusterPolicyKind kind : io.netpolguard.netpol.ClusterPolicyKind.values()) {
            informed.add(kind.plural());
        }
        io.netpolguard.cluster.UnevaluatedKinds.KINDS.forEach(kind -> informed.add(kind.plural()));
        Set<String> granted = new TreeSet<>();
        rules(Kustomize.find(base, "ClusterRole", NAME)).keySet().forEach(r -> granted.add(r.split("\\.", 2)[0]));
        assertThat(granted).isEqualTo(informed);
    }

    @Test
    void theServiceAccountIsBoundToTheClusterRole() {
        ObjectNode binding = Kustomize.find(base, "ClusterRoleBinding", NAME);
        assertThat(binding.path("roleRef").path("kind").asText()).isEqualTo("ClusterRole");
        assertThat(binding.path("roleRef").path("name").asText()).isEqualTo(NAME);
        assertThat(binding.path("subjects")).hasSize(1);
        JsonNode subject = binding.path("subjects").get(0);
        assertThat(subject.path("kind").asText()).isEqualTo("ServiceAccount");
        assertThat(subject.path("name").asText()).isEqualTo(NAME);
        assertThat(subject.path("namespace").asText()).isEqualTo(NAMESPACE);
        Kustomize.find(base, "ServiceAccount", NAME);
        assertThat(podSpec().path("serviceAccountName").asText()).isEqualTo(NAME);
        assertThat(Kustomize.ofKind(base, "ClusterRoleBinding")).as("the break-glass role is bound by admins only")
                .hasSize(1);
        assertThat(Kustomize.ofKind(base, "RoleBinding")).isEmpty();
        assertThat(Kustomize.ofKind(base, "Role")).isEmpty();
    }

    @Test
    void theBreakGlassClusterRoleGrantsWhatTheMatchConditionChecks() {
        assertThat(rules(Kustomize.find(base, "ClusterRole", "netpol-guard-break-glass")))
                .isEqualTo(Map.of("breakglass.netpol-guard.io", Set.of("create")));
        Matcher check = Pattern.compile("authorizer\\.group\\('([^']*)'\\)\\.resource\\('([^']*)'\\)\\.check\\('([^']*)'\\)")
                .matcher(BREAK_GLASS);
        assertThat(check.find()).isTrue();
        assertThat(check.group(2) + "." + check.group(1) + " " + check.group(3)).isEqualTo("breakglass.netpol-guard.io create");
    }

    // --- exemptions need authority -------------------------------------------------------------

    @Test
    void theExemptionPolicyCoversEveryKindTheWebhookJudgesExceptDeletes() {
        ObjectNode policy = Kustomize.find(base, "ValidatingAdmissionPolicy", "netpol-guard-exemption-approval");
        assertThat(policy.path("spec").path("failurePolicy").asText()).isEqualTo("Fail");
        Set<String> guarded = new TreeSet<>();
        for (JsonNode rule : policy.path("spec").path("matchConstraints").path("resourceRules")) {
            assertThat(strings(rule.path("operations"))).containsExactly("CREATE", "UPDATE");
            for (String resource : strings(rule.path("resources"))) {
                guarded.add(resource + "." + strings(rule.path("apiGroups")).get(0));
            }
        }
        Set<String> judged = new TreeSet<>();
        for (JsonNode webhook : webhooks()) {
            for (JsonNode rule : webhook.path("rules")) {
                for (String resource : strings(rule.path("resources"))) {
                    judged.add(resource + "." + strings(rule.path("apiGroups")).get(0));
                }
            }
        }
        assertThat(guarded).isEqualTo(judged);
        ObjectNode binding = Kustomize.find(base, "ValidatingAdmissionPolicyBinding", "netpol-guard-exemption-approval");
        assertThat(binding.path("spec").path("policyName").asText()).isEqualTo("netpol-guard-exemption-approval");
        assertThat(strings(binding.path("spec").path("validationActions"))).containsExactly("Deny");
    }

    @Test
    void theExemptionPolicyAsksForTheApproverRoleAndDisqualifiesWildcards() {
        assertThat(rules(Kustomize.find(base, "ClusterRole", "netpol-guard-exemption-approver")))
                .isEqualTo(Map.of("exemptions.netpol-guard.io", Set.of("create")));
        ObjectNode policy = Kustomize.find(base, "ValidatingAdmissionPolicy", "netpol-guard-exemption-approval");
        String approver = "";
        for (JsonNode variable : policy.path("spec").path("variables")) {
            if (variable.path("name").asText().equals("approver")) {
                approver = variable.path("expression").asText();
            }
        }
        assertThat(approver).contains("authorizer.group('netpol-guard.io').resource('exemptions')")
                .contains(".check('create').allowed()")
                .contains("!authorizer.group('netpol-guard.io').resource('wildcard-probe').check('never-granted').allowed()");
        assertThat(policy.path("spec").path("validations").get(0).path("expression").asText())
                .isEqualTo("variables.exempt == '' || variables.exempt == variables.exemptBefore || variables.approver");
    }

    // --- the webhook configuration ---------------------------------------------------------------

    @Test
    void theWebhooksInterceptWhatTheGuardJudges() {
        Map<String, String> rules = new LinkedHashMap<>();
        for (JsonNode webhook : webhooks()) {
            for (JsonNode rule : webhook.path("rules")) {
                rules.put(webhook.path("name").asText() + " " + strings(rule.path("apiGroups")) + " "
                        + strings(rule.path("apiVersions")) + " " + strings(rule.path("resources")),
                        String.join(",", strings(rule.path("operations"))));
            }
        }
        assertThat(rules).containsExactly(
                Map.entry("networkpolicies.netpol-guard.io [networking.k8s.io] [v1] [networkpolicies]", "CREATE,UPDATE,DELETE"),
                Map.entry("namespaces.netpol-guard.io [] [v1] [namespaces]", "UPDATE"),
                Map.entry("dynatrace.netpol-guard.io [dynatrace.com] [*] [dynakubes, edgeconnects]", "CREATE,UPDATE"),
                Map.entry("clusterpolicies.netpol-guard.io [policy.networking.k8s.io] [*] [clusternetworkpolicies, "
                        + "adminnetworkpolicies, baselineadminnetworkpolicies]", "CREATE,UPDATE,DELETE"));
    }

    @Test
    void everyWebhookFailsOpenFastAndCallsTheGuardsService() {
        ObjectNode service = Kustomize.find(base, "Service", NAME);
        Pattern domainLike = Pattern.compile("[a-z0-9-]+(\\.[a-z0-9-]+){2,}");
        for (JsonNode webhook : webhooks()) {
            String name = webhook.path("name").asText();
            assertThat(name).matches(domainLike);
            assertThat(webhook.path("failurePolicy").asText()).as(name).isEqualTo("Ignore");
            assertThat(webhook.path("timeoutSeconds").asInt(0)).as(name).isBetween(1, 5);
            assertThat(webhook.path("sideEffects").asText()).as(name).isEqualTo("None");
            assertThat(strings(webhook.path("admissionReviewVersions"))).as(name).containsExactly("v1");
            assertThat(webhook.path("matchPolicy").asText()).as(name).isEqualTo("Equivalent");
            JsonNode clientConfig = webhook.path("clientConfig");
            assertThat(clientConfig.has("url")).as(name).isFalse();
            assertThat(clientConfig.path("service").path("namespace").asText()).as(name).isEqualTo(NAMESPACE);
            assertThat(clientConfig.path("service").path("name").asText()).as(name).isEqualTo(NAME);
            assertThat(clientConfig.path("service").path("path").asText()).as(name).isEqualTo("/validate");
            assertThat(clientConfig.path("service").path("port").asInt()).as(name).isEqualTo(443);
            assertThat(servicePort(service, 443)).as(name).isNotNull();
        }
    }

    @Test
    void everyWebhookHasTheBreakGlassMatchCondition() {
        for (JsonNode webhook : webhooks()) {
            Map<String, String> conditions = new LinkedHashMap<>();
            webhook.path("matchConditions").forEach(c -> conditions.put(c.path("name").asText(), c.path("expression").asText()));
            assertThat(conditions).as(webhook.path("name").asText()).containsEntry("not-break-glass", BREAK_GLASS);
        }
    }

    @Test
    void noWebhookExemptsTheGuardsNamespaceOrKubeSystem() {
        for (JsonNode webhook : webhooks()) {
            for (String selector : List.of("namespaceSelector", "objectSelector")) {
                JsonNode value = webhook.path(selector);
                assertThat(value.isMissingNode() || value.isEmpty()).as(webhook.path("name").asText() + " " + selector
                        + " would let some namespaces or objects (netpol-guard, kube-system) past the guard: " + value)
                        .isTrue();
            }
            assertThat(webhook.path("matchConditions").toString()).doesNotContain("kube-system").doesNotContain("netpol-guard'");
        }
    }

    // --- the Deployment --------------------------------------------------------------------------

    @Test
    void theDeploymentRunsTwoSpreadReplicasOfTheGuardsPods() {
        ObjectNode deployment = Kustomize.find(base, "Deployment", NAME);
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(stringMap(deployment.path("spec").path("selector").path("matchLabels"))).isEqualTo(POD_SELECTOR);
        assertThat(podLabels()).containsAllEntriesOf(POD_SELECTOR);
        Map<String, JsonNode> spread = new LinkedHashMap<>();
        podSpec().path("topologySpreadConstraints").forEach(c -> spread.put(c.path("topologyKey").asText(), c));
        assertThat(spread).containsOnlyKeys("kubernetes.io/hostname", "topology.kubernetes.io/zone");
        spread.values().forEach(c -> {
            assertThat(c.path("maxSkew").asInt()).isEqualTo(1);
            assertThat(stringMap(c.path("labelSelector").path("matchLabels"))).isEqualTo(POD_SELECTOR);
        });
    }

    @Test
    void theContainerServesHttpsOnlyAndIsProbedOnTheManagementPort() {
        JsonNode container = container();
        assertThat(container.path("image").asText()).isEqualTo("netpol-guard:latest");
        Map<String, Integer> ports = new LinkedHashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).isEqualTo(Map.of("https", 8443, "management", 9000));
        // no plain HTTP port: /validate and /flows over HTTPS only
        assertThat(env()).containsEntry("QUARKUS_HTTP_INSECURE_REQUESTS", "disabled");
        // health on the management interface, plain HTTP (its own TLS configuration without a key store)
        for (var probe : Map.of("startupProbe", "/q/health/live", "readinessProbe", "/q/health/ready",
                "livenessProbe", "/q/health/live").entrySet()) {
            JsonNode get = container.path(probe.getKey()).path("httpGet");
            assertThat(get.path("path").asText()).as(probe.getKey()).isEqualTo(probe.getValue());
            assertThat(containerPort(container, get.path("port"))).as(probe.getKey()).isEqualTo(9000);
            assertThat(get.path("scheme").asText("HTTP")).as(probe.getKey()).isEqualTo("HTTP");
        }
    }

    @Test
    void thePortsOfTheManifestsAreThoseOfTheApplication() throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        assertThat(properties.getProperty("quarkus.http.ssl-port")).isEqualTo("8443");
        assertThat(properties.getProperty("quarkus.management.enabled")).isEqualTo("true");
        assertThat(properties.getProperty("quarkus.management.port")).isEqualTo("9000");
        // plain HTTP for the probes: a TLS configuration of its own, without a key store
        String tls = properties.getProperty("quarkus.management.tls-configuration-name");
        assertThat(tls).isNotBlank();
        assertThat(properties.stringPropertyNames()).anyMatch(name -> name.startsWith("quarkus.tls." + tls + "."))
                .noneMatch(name -> name.startsWith("quarkus.tls." + tls + ".key-store"));
    }

    @Test
    void theContainerHasResourcesAndAHeapBoundToTheLimit() {
        JsonNode resources = container().path("resources");
        assertThat(resources.path("requests").path("cpu").asText()).isNotEmpty();
        assertThat(resources.path("requests").path("memory").asText()).isNotEmpty();
        assertThat(resources.path("limits").path("memory").asText()).isNotEmpty();
        Map<String, String> env = env();
        assertThat(env.getOrDefault("JAVA_TOOL_OPTIONS", "") + env.getOrDefault("JAVA_OPTS", "")
                + env.getOrDefault("JAVA_OPTS_APPEND", "")).contains("-XX:MaxRAMPercentage=75");
    }

    @Test
    void thePodIsRestricted() {
        JsonNode pod = podSpec().path("securityContext");
        JsonNode container = container().path("securityContext");
        assertThat(pod.path("runAsNonRoot").asBoolean() || container.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("seccompProfile").path("type").asText(container.path("seccompProfile").path("type").asText()))
                .isEqualTo("RuntimeDefault");
        assertThat(container.path("allowPrivilegeEscalation").isBoolean()).isTrue();
        assertThat(container.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(container.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(strings(container.path("capabilities").path("drop"))).containsExactly("ALL");
        assertThat(container.path("capabilities").path("add").isMissingNode()).isTrue();
        assertThat(container.path("privileged").asBoolean(false)).isFalse();
        assertThat(podSpec().path("hostNetwork").asBoolean(false)).isFalse();
        ObjectNode namespace = Kustomize.find(base, "Namespace", NAMESPACE);
        assertThat(stringMap(namespace.path("metadata").path("labels")))
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        // A read-only root file system: Quarkus and Vert.x write to /tmp.
        assertThat(volumeOf("/tmp").has("emptyDir")).isTrue();
    }

    @Test
    void theTlsSecretIsMountedAsFilesThatTheGuardReads() {
        JsonNode volume = volumeOf("/etc/netpol-guard/tls");
        assertThat(volume.path("secret").path("secretName").asText()).isEqualTo("netpol-guard-tls");
        JsonNode mount = mountOf("/etc/netpol-guard/tls");
        assertThat(mount.path("readOnly").asBoolean()).isTrue();
        assertThat(mount.has("subPath")).as("a subPath mount never sees a renewed Secret").isFalse();
        assertThat(env()).containsEntry("QUARKUS_TLS_KEY_STORE_PEM__0__CERT", "/etc/netpol-guard/tls/tls.crt")
                .containsEntry("QUARKUS_TLS_KEY_STORE_PEM__0__KEY", "/etc/netpol-guard/tls/tls.key")
                .containsEntry("NETPOL_GUARD_SERVER_SOURCE", "cluster");
    }

    @Test
    void thePodDisruptionBudgetKeepsOneGuard() {
        ObjectNode pdb = Kustomize.find(base, "PodDisruptionBudget", NAME);
        assertThat(pdb.path("spec").path("minAvailable").asInt()).isEqualTo(1);
        assertThat(pdb.path("spec").has("maxUnavailable")).isFalse();
        assertThat(podLabels()).containsAllEntriesOf(stringMap(pdb.path("spec").path("selector").path("matchLabels")));
    }

    @Test
    void theServiceMaps443ToHttpsAndExposesMetrics() {
        ObjectNode service = Kustomize.find(base, "Service", NAME);
        assertThat(podLabels()).containsAllEntriesOf(stringMap(service.path("spec").path("selector")));
        JsonNode https = servicePort(service, 443);
        assertThat(https.path("targetPort").asText()).isEqualTo("https");
        assertThat(containerPort(container(), https.path("targetPort"))).isEqualTo(8443);
        JsonNode metrics = servicePort(service, 9000);
        assertThat(metrics.path("name").asText()).isEqualTo("http-metrics");
        assertThat(metrics.path("targetPort").asText()).isEqualTo("management");
        assertThat(containerPort(container(), metrics.path("targetPort"))).isEqualTo(9000);
        assertThat(service.path("spec").path("ports")).hasSize(2);
    }

    // --- overlays --------------------------------------------------------------------------------

    @Test
    void everyOverlayListsFilesThatExist() throws IOException {
        Path generated = temp.resolve("plain-tls");
        boolean canGenerate = Certs.toolsAvailable();
        if (canGenerate) {
            Certs.create("--out", temp.resolve("out").toString(), "--overlay", generated.toString());
        }
        List<Path> kustomizations = new ArrayList<>();
        try (Stream<Path> dirs = Stream.concat(Stream.of(K8S, BASE, NETWORK_POLICY_COMPONENT), Files.list(OVERLAYS))) {
            dirs.filter(Files::isDirectory).forEach(kustomizations::add);
        }
        assertThat(kustomizations).contains(OVERLAYS.resolve("plain"), OVERLAYS.resolve("cert-manager"));
        for (Path dir : kustomizations) {
            JsonNode kustomization = Kustomize.kustomization(dir);
            assertThat(kustomization.path("kind").asText()).as(dir + " kind").isIn("Kustomization", "Component");
            List<String> files = new ArrayList<>();
            List<String> dirs = new ArrayList<>();
            for (String field : List.of("resources", "components")) {
                for (String entry : strings(kustomization.path(field))) {
                    (Files.isDirectory(dir.resolve(entry)) ? dirs : files).add(entry);
                }
            }
            kustomization.path("patches").forEach(p -> {
                if (p.has("path")) {
                    files.add(p.path("path").asText());
                }
            });
            for (String generator : List.of("secretGenerator", "configMapGenerator")) {
                kustomization.path(generator).forEach(g -> g.path("files").forEach(f -> {
                    String file = f.asText();
                    files.add(file.contains("=") ? file.substring(file.indexOf('=') + 1) : file);
                }));
            }
            for (String entry : dirs) {
                assertThat(dir.resolve(entry).resolve("kustomization.yaml")).as(dir + ": " + entry).isRegularFile();
                assertThat(dir.resolve(entry).normalize().startsWith(K8S.resolve("examples"))).isFalse();
            }
            for (String file : files) {
                assertThat(Path.of(file).isAbsolute() || file.contains("..")).as(dir + ": " + file
                        + " must stay inside the kustomization directory (kustomize load restrictions)").isFalse();
                if (dir.equals(OVERLAYS.resolve("plain")) && file.startsWith("tls/")) {
                    // Written by certs/create-certs.sh (gitignored): check that the script writes it.
                    if (canGenerate) {
                        assertThat(generated.resolve(file.substring("tls/".length()))).as(dir + ": " + file).isRegularFile();
                    }
                } else {
                    assertThat(dir.resolve(file)).as(dir + ": " + file).isRegularFile();
                }
            }
        }
    }

    @Test
    void thePlainOverlayGetsTheSecretAndTheCaBundleFromTheScript() throws IOException {
        JsonNode plain = Kustomize.kustomization(OVERLAYS.resolve("plain"));
        assertThat(strings(plain.path("resources"))).containsExactly("../../base");
        JsonNode secret = plain.path("secretGenerator").get(0);
        assertThat(secret.path("name").asText()).isEqualTo("netpol-guard-tls");
        assertThat(secret.path("namespace").asText()).isEqualTo(NAMESPACE);
        assertThat(strings(secret.path("files"))).contains("tls.crt=tls/tls.crt", "tls.key=tls/tls.key");
        assertThat(plain.path("generatorOptions").path("disableNameSuffixHash").asBoolean())
                .as("a fixed Secret name, so a renewed certificate reaches the running pods").isTrue();
        assertThat(Files.readString(OVERLAYS.resolve("plain/.gitignore"))).contains("/tls/");

        Assumptions.assumeTrue(Certs.toolsAvailable(), "bash and openssl are needed to run certs/create-certs.sh");
        Path overlay = temp.resolve("tls");
        Certs.create("--out", temp.resolve("out").toString(), "--overlay", overlay.toString());
        List<JsonNode> patch = Kustomize.documents(overlay.resolve("webhook-ca-bundle.yaml"));
        assertThat(patch).hasSize(1);
        assertThat(patch.get(0).path("kind").asText()).isEqualTo("ValidatingWebhookConfiguration");
        assertThat(patch.get(0).path("metadata").path("name").asText()).isEqualTo(NAME);
        // A strategic merge patch merges webhooks by name: every name must be one of the base's.
        List<String> names = new ArrayList<>();
        webhooks().forEach(w -> names.add(w.path("name").asText()));
        String ca = Files.readString(temp.resolve("out/ca.crt"));
        List<String> patched = new ArrayList<>();
        for (JsonNode webhook : patch.get(0).path("webhooks")) {
            patched.add(webhook.path("name").asText());
            String bundle = new String(Base64.getDecoder().decode(webhook.path("clientConfig").path("caBundle").asText()),
                    StandardCharsets.US_ASCII);
            assertThat(bundle).isEqualTo(ca);
        }
        assertThat(patched).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void theCertManagerOverlayIssuesTheServingSecretAndInjectsItsCa() {
        Path dir = OVERLAYS.resolve("cert-manager");
        JsonNode kustomization = Kustomize.kustomization(dir);
        assertThat(strings(kustomization.path("resources"))).contains("../../base");
        List<ObjectNode> objects = new ArrayList<>();
        for (String file : strings(kustomization.path("resources"))) {
            if (Files.isRegularFile(dir.resolve(file))) {
                Kustomize.documents(dir.resolve(file)).forEach(d -> objects.add((ObjectNode) d));
            }
        }
        ObjectNode serving = Kustomize.ofKind(objects, "Certificate").stream()
                .filter(c -> "netpol-guard-tls".equals(c.path("spec").path("secretName").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no Certificate for Secret netpol-guard-tls"));
        assertThat(strings(serving.path("spec").path("dnsNames")))
                .contains("netpol-guard.netpol-guard.svc", "netpol-guard.netpol-guard.svc.cluster.local");
        assertThat(serving.path("spec").path("isCA").asBoolean(false)).isFalse();
        // serving <- CA issuer <- CA certificate <- self-signed issuer
        ObjectNode caIssuer = Kustomize.find(objects, "Issuer", serving.path("spec").path("issuerRef").path("name").asText());
        String caSecret = caIssuer.path("spec").path("ca").path("secretName").asText();
        ObjectNode ca = Kustomize.ofKind(objects, "Certificate").stream()
                .filter(c -> caSecret.equals(c.path("spec").path("secretName").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no CA Certificate for Secret " + caSecret));
        assertThat(ca.path("spec").path("isCA").asBoolean()).isTrue();
        ObjectNode selfSigned = Kustomize.find(objects, "Issuer", ca.path("spec").path("issuerRef").path("name").asText());
        assertThat(selfSigned.path("spec").has("selfSigned")).isTrue();
        objects.forEach(o -> assertThat(o.path("metadata").path("namespace").asText()).isEqualTo(NAMESPACE));

        JsonNode patch = Kustomize.documents(dir.resolve(kustomization.path("patches").get(0).path("path").asText())).get(0);
        assertThat(patch.path("kind").asText()).isEqualTo("ValidatingWebhookConfiguration");
        assertThat(patch.path("metadata").path("name").asText()).isEqualTo(NAME);
        assertThat(patch.path("metadata").path("annotations").path("cert-manager.io/inject-ca-from").asText())
                .isEqualTo(NAMESPACE + "/" + serving.path("metadata").path("name").asText())
                .isEqualTo("netpol-guard/netpol-guard-serving");
    }

    // --- the optional NetworkPolicy, judged by the guard itself ----------------------------------

    @Test
    void theGuardsOwnNetworkPolicyOpensTheWebhookPortAndTheApiServerAndDns() {
        List<ObjectNode> objects = Kustomize.render(NETWORK_POLICY_COMPONENT);
        assertThat(objects).hasSize(1);
        ObjectNode policy = objects.get(0);
        assertThat(policy.path("metadata").path("namespace").asText()).isEqualTo(NAMESPACE);
        assertThat(stringMap(policy.path("spec").path("podSelector").path("matchLabels"))).isEqualTo(POD_SELECTOR);
        assertThat(strings(policy.path("spec").path("policyTypes"))).containsExactlyInAnyOrder("Ingress", "Egress");
        Set<String> ingressPorts = new TreeSet<>();
        policy.path("spec").path("ingress").forEach(r -> r.path("ports").forEach(p -> ingressPorts.add(p.path("port").asText())));
        assertThat(ingressPorts).containsExactlyInAnyOrder("8443", "9000");
        String egress = policy.path("spec").path("egress").toString();
        assertThat(egress).contains("\"ipBlock\"", "6443", "443", "kube-dns", "kube-system");
        assertThat(policy.path("spec").path("egress")).anySatisfy(rule -> assertThat(rule.path("ports"))
                .extracting(p -> p.path("protocol").asText() + "/" + p.path("port").asText())
                .containsExactlyInAnyOrder("UDP/53", "TCP/53"));
    }

    @Test
    void checkReportsControlPlaneToNetpolGuardAllowedWithTheGuardsNetworkPolicy() throws IOException {
        Path cluster = writeRenderedBaseWith(Kustomize.render(NETWORK_POLICY_COMPONENT).get(0));
        Check check = check(cluster);
        assertThat(check.exitCode()).as(check.err()).isZero();
        JsonNode flow = flow(check, "control-plane->netpol-guard");
        assertThat(flow.path("status").asText()).as(flow.toString()).isEqualTo("allowed");
        assertThat(flow.path("connections").asInt()).isPositive();
    }

    /** The same check with the 8443 rule taken out: the check must notice, or the test above proves nothing. */
    @Test
    void checkReportsTheFlowBlockedWhenThePolicyDoesNotOpenTheWebhookPort() throws IOException {
        ObjectNode policy = Kustomize.render(NETWORK_POLICY_COMPONENT).get(0);
        ArrayNode ingress = (ArrayNode) policy.path("spec").path("ingress");
        for (Iterator<JsonNode> it = ingress.elements(); it.hasNext();) {
            if (it.next().toString().contains("8443")) {
                it.remove();
            }
        }
        Check check = check(writeRenderedBaseWith(policy));
        assertThat(check.exitCode()).as(check.err()).isEqualTo(CommandLines.EXIT_FINDINGS);
        JsonNode flow = flow(check, "control-plane->netpol-guard");
        assertThat(flow.path("status").asText()).isEqualTo("blocked");
        assertThat(flow.path("explanation").asText()).contains("netpol-guard/netpol-guard", "8443");
    }

    private record Check(int exitCode, String out, String err) {
    }

    private Path writeRenderedBaseWith(ObjectNode policy) throws IOException {
        Path dir = temp.resolve("cluster");
        Files.createDirectories(dir);
        StringBuilder yaml = new StringBuilder();
        for (ObjectNode object : base) {
            yaml.append(Kustomize.YAML.writeValueAsString(object));
        }
        yaml.append(Kustomize.YAML.writeValueAsString(policy));
        Files.writeString(dir.resolve("netpol-guard.yaml"), yaml.toString());
        return dir;
    }

    private static Check check(Path cluster) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = CommandLines.create(new NetpolGuardCommand(GuardFactory::withDefaults), null);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute("check", "--cluster", cluster.toString(), "--cluster",
                "src/test/resources/install/cluster", "--no-dns", "--output", "json");
        return new Check(exitCode, out.toString(), err.toString());
    }

    private static JsonNode flow(Check check, String id) throws IOException {
        for (JsonNode flow : Kustomize.YAML.readTree(check.out()).path("flows")) {
            if (id.equals(flow.path("id").asText())) {
                return flow;
            }
        }
        return fail("no flow " + id + " in: " + check.out());
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static JsonNode webhooks() {
        JsonNode webhooks = Kustomize.find(base, "ValidatingWebhookConfiguration", NAME).path("webhooks");
        assertThat(webhooks).hasSize(4);
        return webhooks;
    }

    private static JsonNode podSpec() {
        return Kustomize.find(base, "Deployment", NAME).path("spec").path("template").path("spec");
    }

    private static Map<String, String> podLabels() {
        return stringMap(Kustomize.find(base, "Deployment", NAME).path("spec").path("template").path("metadata").path("labels"));
    }

    private static JsonNode container() {
        JsonNode containers = podSpec().path("containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        container().path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    private static JsonNode mountOf(String path) {
        for (JsonNode mount : container().path("volumeMounts")) {
            if (path.equals(mount.path("mountPath").asText())) {
                return mount;
            }
        }
        return fail("nothing mounted at " + path);
    }

    private static JsonNode volumeOf(String path) {
        String name = mountOf(path).path("name").asText();
        for (JsonNode volume : podSpec().path("volumes")) {
            if (name.equals(volume.path("name").asText())) {
                return volume;
            }
        }
        return fail("no volume " + name);
    }

    private static int containerPort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode declared : container.path("ports")) {
            if (port.asText().equals(declared.path("name").asText())) {
                return declared.path("containerPort").asInt();
            }
        }
        return fail("no container port " + port);
    }

    private static JsonNode servicePort(JsonNode service, int port) {
        for (JsonNode declared : service.path("spec").path("ports")) {
            if (declared.path("port").asInt() == port) {
                return declared;
            }
        }
        return fail("Service has no port " + port);
    }

    /** "resource.group" (the core group without suffix) to verbs; fails on anything but apiGroups/resources/verbs. */
    private static Map<String, Set<String>> rules(JsonNode role) {
        Map<String, Set<String>> granted = new TreeMap<>();
        for (JsonNode rule : role.path("rules")) {
            List<String> fields = new ArrayList<>();
            rule.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).as("no resourceNames, nonResourceURLs or anything else")
                    .containsExactlyInAnyOrder("apiGroups", "resources", "verbs");
            for (String group : strings(rule.path("apiGroups"))) {
                for (String resource : strings(rule.path("resources"))) {
                    String key = group.isEmpty() ? resource : resource + "." + group;
                    Set<String> verbs = new TreeSet<>(strings(rule.path("verbs")));
                    if (granted.containsKey(key)) {
                        fail(key + " is granted twice");
                    }
                    granted.put(key, verbs);
                }
            }
        }
        return granted;
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(e -> strings.add(e.asText()));
        return strings;
    }

    private static Map<String, String> stringMap(JsonNode object) {
        Map<String, String> map = new TreeMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }
}

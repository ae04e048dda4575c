package io.netpolguard.install;

import static io.netpolguard.install.InstallChecks.stringMap;
import static io.netpolguard.install.InstallChecks.strings;
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
    private static final Path MONITORING_COMPONENT = BASE.resolve("optional/monitoring");
    private static final Path IMAGE_COMPONENT = K8S.resolve("image");
    private static final String NAMESPACE = InstallChecks.NAMESPACE;
    private static final String NAME = InstallChecks.NAME;

    private static List<ObjectNode> base;
    private static InstallChecks checks;

    @TempDir
    Path temp;

    @BeforeAll
    static void render() {
        base = Kustomize.render(BASE);
        checks = new InstallChecks(base);
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
        List<String> expected = new ArrayList<>(InstallChecks.GUARD_OBJECTS);
        expected.add("Namespace netpol-guard");
        assertThat(base).extracting(InstallChecks::kindAndName).containsExactlyInAnyOrderElementsOf(expected);
        checks.everyObjectIsThereOnce();
        checks.everyNamespacedObjectIsInTheGuardsNamespace();
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
        checks.everyObjectHasTheKubernetesLabels();
        for (Path overlay : List.of(OVERLAYS.resolve("plain"), OVERLAYS.resolve("cert-manager"), NETWORK_POLICY_COMPONENT,
                MONITORING_COMPONENT)) {
            assertThat(Kustomize.kustomization(overlay).path("labels")).as(overlay.toString()).isEqualTo(labels);
        }
    }

    // --- RBAC -----------------------------------------------------------------------------------

    @Test
    void theClusterRoleGrantsExactlyGetListWatchOnWhatTheInformersRead() {
        checks.theClusterRoleGrantsExactlyGetListWatchOnWhatTheInformersRead();
    }

    @Test
    void theClusterRoleCoversEveryInformerOfLiveCluster() {
        checks.theClusterRoleCoversEveryInformerOfLiveCluster();
    }

    @Test
    void theServiceAccountIsBoundToTheClusterRole() {
        checks.theServiceAccountIsBoundToTheClusterRole();
    }

    @Test
    void theBreakGlassClusterRoleGrantsWhatTheMatchConditionChecks() {
        checks.theBreakGlassClusterRoleGrantsWhatTheMatchConditionChecks();
    }

    // --- exemptions need authority -------------------------------------------------------------

    @Test
    void theExemptionPolicyCoversEveryKindTheWebhookJudgesExceptDeletes() {
        checks.theExemptionPolicyCoversEveryKindTheWebhookJudgesExceptDeletes();
    }

    @Test
    void theExemptionPolicyAsksForTheApproverRoleAndDisqualifiesWildcards() {
        checks.theExemptionPolicyAsksForTheApproverRoleAndDisqualifiesWildcards();
    }

    // --- the webhook configuration ---------------------------------------------------------------

    @Test
    void theWebhooksInterceptWhatTheGuardJudges() {
        checks.theWebhooksInterceptWhatTheGuardJudges();
    }

    @Test
    void everyWebhookFailsOpenFastAndCallsTheGuardsService() {
        checks.everyWebhookFailsOpenFastAndCallsTheGuardsService();
    }

    @Test
    void everyWebhookHasTheBreakGlassMatchCondition() {
        checks.everyWebhookHasTheBreakGlassMatchCondition();
    }

    @Test
    void noWebhookExemptsTheGuardsNamespaceOrKubeSystem() {
        checks.noWebhookExemptsTheGuardsNamespaceOrKubeSystem();
    }

    // --- the Deployment --------------------------------------------------------------------------

    @Test
    void theDeploymentRunsTwoSpreadReplicasOfTheGuardsPods() {
        checks.theDeploymentRunsSpreadReplicasOfTheGuardsPods();
    }

    @Test
    void theContainerServesHttpsOnlyAndIsProbedOnTheManagementPort() {
        checks.theContainerServesHttpsOnlyAndIsProbedOnTheManagementPort();
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
        checks.theContainerHasResourcesAndAHeapBoundToTheLimit();
    }

    @Test
    void thePodIsRestricted() {
        checks.thePodIsRestricted();
    }

    @Test
    void theTlsSecretIsMountedAsFilesThatTheGuardReads() {
        checks.theTlsSecretIsMountedAsFilesThatTheGuardReads();
    }

    @Test
    void thePodDisruptionBudgetKeepsOneGuard() {
        checks.thePodDisruptionBudgetKeepsOneGuard();
    }

    @Test
    void theServiceMaps443ToHttpsAndExposesMetrics() {
        checks.theServiceMaps443ToHttpsAndExposesMetrics();
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
        try (Stream<Path> dirs = Stream.concat(Stream.of(K8S, BASE, NETWORK_POLICY_COMPONENT, MONITORING_COMPONENT,
                IMAGE_COMPONENT), Files.list(OVERLAYS))) {
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

    /** One place for the image: the component every overlay lists (kubectl's kustomize applies its images: entry). */
    @Test
    void everyOverlayTakesTheImageFromTheImageComponent() throws IOException {
        JsonNode kustomization = Kustomize.kustomization(IMAGE_COMPONENT);
        assertThat(kustomization.path("kind").asText()).isEqualTo("Component");
        JsonNode images = kustomization.path("images");
        assertThat(images).hasSize(1);
        String baseImage = checks.container().path("image").asText();
        assertThat(images.get(0).path("name").asText()).as("the image name the base's Deployment uses")
                .isEqualTo(baseImage.substring(0, baseImage.indexOf(':')));
        assertThat(images.get(0).path("newName").asText()).isNotBlank();
        assertThat(images.get(0).path("newTag").asText()).isNotBlank();
        List<Path> overlays;
        try (Stream<Path> dirs = Files.list(OVERLAYS)) {
            overlays = dirs.filter(Files::isDirectory).toList();
        }
        assertThat(overlays).hasSize(2);
        for (Path overlay : overlays) {
            JsonNode overlayKustomization = Kustomize.kustomization(overlay);
            assertThat(strings(overlayKustomization.path("components"))).as(overlay.toString()).contains("../../image");
            assertThat(overlayKustomization.has("images")).as(overlay + " sets no image of its own").isFalse();
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
        checks.webhooks().forEach(w -> names.add(w.path("name").asText()));
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
        InstallChecks.theGuardsOwnNetworkPolicyOpensTheWebhookPortAndTheApiServerAndDns(objects.get(0));
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

}

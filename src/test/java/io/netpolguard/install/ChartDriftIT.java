package io.netpolguard.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * k8s/ and the chart cannot drift: an overlay rendered by kubectl's own kustomize (with the optional components
 * switched on) and the chart rendered by helm with the values that mean the same install are the same objects, field
 * for field, except for these documented differences:
 * <ul>
 * <li>Helm's own labels ({@code helm.sh/chart}, {@code app.kubernetes.io/instance}, {@code app.kubernetes.io/version})
 * are only on the chart's objects, and {@code app.kubernetes.io/managed-by} is {@code Helm} there, {@code kustomize}
 * in k8s/; these four labels are not compared;</li>
 * <li>kubectl's kustomize writes {@code metadata.namespace} into the ValidatingAdmissionPolicy and its binding (its
 * namespace transformer does not know them as cluster-scoped; the API server ignores it); a namespace on an object of a
 * cluster-scoped kind is not compared;</li>
 * <li>the plain overlay makes Secret netpol-guard-tls from certs/create-certs.sh's files; with
 * {@code certificates.source=secret} the chart uses that Secret and makes none.</li>
 * </ul>
 * The PolicyReports are compared as README adds them: an overlay of one's own with the overlay and the component
 * {@code k8s/base/optional/policy-reports}, against {@code policyReports.enabled=true}.
 */
class ChartDriftIT {
    private static final Set<String> HELM_LABELS = Set.of("helm.sh/chart", "app.kubernetes.io/instance",
            "app.kubernetes.io/version", "app.kubernetes.io/managed-by");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
    /** The optional components, switched on in a copy of an overlay. */
    private static final List<String> COMPONENTS = List.of("../../base/optional/network-policy",
            "../../base/optional/monitoring");
    /** The chart's values for the same optional objects: the component's placeholder CIDR, monitoring on. */
    private static final List<String> OPTIONAL_VALUES = List.of("--set", "networkPolicy.enabled=true", "--set",
            "networkPolicy.apiServerCidrs={192.0.2.0/24}", "--set", "metrics.serviceMonitor.enabled=true", "--set",
            "metrics.prometheusRule.enabled=true", "--set", "metrics.dashboard.enabled=true", "--set",
            "namespace.create=true");

    @TempDir
    Path temp;

    @Test
    void theCertManagerOverlayIsTheChartWithCertManager() throws IOException {
        Map<String, JsonNode> kustomize = byName(kustomize(copyOfK8s().resolve("overlays/cert-manager")));
        List<String> values = new ArrayList<>(List.of("--set", "certificates.source=certManager"));
        values.addAll(OPTIONAL_VALUES);
        Map<String, JsonNode> helm = byName(Helm.template(values));
        assertThat(kustomize).containsKeys("Certificate netpol-guard-serving", "PrometheusRule netpol-guard",
                "NetworkPolicy netpol-guard", "Namespace netpol-guard");
        assertSame(helm, kustomize);
    }

    @Test
    void thePlainOverlayIsTheChartWithAnExistingSecret() throws IOException {
        Path k8s = copyOfK8s();
        Path out = temp.resolve("certs");
        Certs.create("--out", out.toString(), "--overlay", k8s.resolve("overlays/plain/tls").toString());
        Map<String, JsonNode> kustomize = byName(kustomize(k8s.resolve("overlays/plain")));
        assertThat(kustomize.remove("Secret netpol-guard-tls")).as("the overlay's Secret from the script's files").isNotNull();
        List<String> values = new ArrayList<>(List.of("--set", "certificates.source=secret", "--set-file",
                "certificates.secret.caBundle=" + out.resolve("ca.crt")));
        values.addAll(OPTIONAL_VALUES);
        assertSame(byName(Helm.template(values)), kustomize);
    }

    /** README's overlay of one's own: an overlay plus the component k8s/base/optional/policy-reports. */
    @Test
    void theOverlayWithPolicyReportsIsTheChartWithPolicyReports() throws IOException {
        copyOfK8s();
        Path withReports = Files.createDirectories(temp.resolve("netpol-guard-with-reports"));
        Files.writeString(withReports.resolve("kustomization.yaml"), """
                resources: [../k8s/overlays/cert-manager]
                components: [../k8s/base/optional/policy-reports]
                """);
        Map<String, JsonNode> kustomize = byName(kustomize(withReports));
        List<String> values = new ArrayList<>(List.of("--set", "certificates.source=certManager", "--set",
                "policyReports.enabled=true"));
        values.addAll(OPTIONAL_VALUES);
        assertThat(kustomize).containsKeys("ClusterRole netpol-guard-policy-reports",
                "ClusterRoleBinding netpol-guard-policy-reports", "Role netpol-guard-policy-reports",
                "RoleBinding netpol-guard-policy-reports");
        assertSame(byName(Helm.template(values)), kustomize);
    }

    private static void assertSame(Map<String, JsonNode> helm, Map<String, JsonNode> kustomize) {
        assertThat(helm.keySet()).isEqualTo(kustomize.keySet());
        for (String name : kustomize.keySet()) {
            assertThat(helm.get(name)).as("%s, chart (actual) against k8s/ (expected)", name).isEqualTo(kustomize.get(name));
        }
    }

    /** A copy of k8s/ whose overlays list the optional components (the copy also keeps overlays/plain/tls out of k8s/). */
    private Path copyOfK8s() throws IOException {
        Path copy = temp.resolve("k8s");
        try (Stream<Path> files = Files.walk(Path.of("k8s"))) {
            for (Path file : files.filter(f -> !f.startsWith(Path.of("k8s/overlays/plain/tls"))).toList()) {
                Path target = copy.resolve(Path.of("k8s").relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        for (String overlay : List.of("cert-manager", "plain")) {
            Path kustomization = copy.resolve("overlays").resolve(overlay).resolve("kustomization.yaml");
            String text = Files.readString(kustomization);
            for (String component : COMPONENTS) {
                assertThat(text).as(overlay + " offers " + component).contains("# - " + component);
                text = text.replace("# - " + component, "- " + component);
            }
            Files.writeString(kustomization, text);
        }
        return copy;
    }

    private static List<ObjectNode> kustomize(Path overlay) {
        BuiltTool.Result result = BuiltTool.run(List.of(BuiltTool.kubectl().toString(), "kustomize", overlay.toString()));
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return Helm.objects(result.out());
    }

    /** "Kind name" to the object without the labels that differ by design. */
    private static Map<String, JsonNode> byName(List<ObjectNode> objects) {
        Map<String, JsonNode> byName = new TreeMap<>();
        for (ObjectNode object : objects) {
            ObjectNode copy = object.deepCopy();
            withoutHelmLabels(copy.path("metadata"));
            if (CLUSTER_SCOPED.contains(copy.path("kind").asText())) {
                ((ObjectNode) copy.path("metadata")).remove("namespace");
            }
            withoutHelmLabels(copy.path("spec").path("template").path("metadata"));
            assertThat(byName.put(InstallChecks.kindAndName(copy), copy)).as(InstallChecks.kindAndName(copy)).isNull();
        }
        return byName;
    }

    private static void withoutHelmLabels(JsonNode metadata) {
        if (metadata.path("labels") instanceof ObjectNode labels) {
            labels.remove(HELM_LABELS);
        }
    }
}

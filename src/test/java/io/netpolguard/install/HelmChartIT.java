package io.netpolguard.install;

import static io.netpolguard.install.InstallChecks.stringMap;
import static io.netpolguard.install.InstallChecks.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The chart rendered and linted by the real helm (built from its Go module by e2e/build-tools.sh) for its defaults and
 * each combination of values its values.yaml and the README document; every rendering goes through the same
 * {@link InstallChecks} as the kustomize rendering of k8s/ in {@link ManifestsTest}. That the chart and k8s/ render
 * the same objects is {@link ChartDriftIT}.
 */
class HelmChartIT {
    /** The documented combinations of values, as helm arguments. */
    enum Combination {
        DEFAULTS,
        CERT_MANAGER("--set", "certificates.source=certManager"),
        EXISTING_SECRET("--set", "certificates.source=secret", "--set-file",
                "certificates.secret.caBundle=src/test/resources/install/chart/ca.crt"),
        NETWORK_POLICY("--set", "networkPolicy.enabled=true", "--set", "networkPolicy.apiServerCidrs={10.0.0.10/32}"),
        MONITORING("--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.serviceMonitor.labels.release=prom",
                "--set", "metrics.prometheusRule.enabled=true", "--set", "metrics.dashboard.enabled=true"),
        GUARD_SETTINGS("-f", "src/test/resources/install/chart/guard-settings.yaml"),
        NAMESPACE_CREATED("--set", "namespace.create=true"),
        POLICY_REPORTS("--set", "policyReports.enabled=true"),
        IMAGE_AND_SIZE("--set", "image.repository=registry.example.com/netpol-guard", "--set", "image.tag=0.1.0",
                "--set", "image.pullPolicy=Always", "--set", "replicas=3", "--set", "resources.limits.memory=384Mi");

        final List<String> args;

        Combination(String... args) {
            this.args = List.of(args);
        }
    }

    @ParameterizedTest
    @EnumSource(Combination.class)
    void lintPassesStrictly(Combination combination) {
        BuiltTool.Result lint = Helm.lint(combination.args);
        assertThat(lint.exitCode()).as(lint.describe()).isZero();
        assertThat(lint.out()).as(lint.describe()).contains("1 chart(s) linted, 0 chart(s) failed")
                .doesNotContain("[WARNING]").doesNotContain("[ERROR]");
    }

    @ParameterizedTest
    @EnumSource(value = Combination.class, mode = EnumSource.Mode.EXCLUDE, names = "IMAGE_AND_SIZE")
    void everyCombinationIsAnInstallOfTheGuard(Combination combination) {
        new InstallChecks(Helm.template(combination.args)).all();
    }

    @Test
    void theImageAndTheSizeAreSetInValues() {
        List<ObjectNode> objects = Helm.template(Combination.IMAGE_AND_SIZE.args);
        InstallChecks checks = new InstallChecks(objects, "registry.example.com/netpol-guard:0.1.0", 3);
        checks.all();
        assertThat(checks.container().path("imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(checks.container().path("resources").path("limits").path("memory").asText()).isEqualTo("384Mi");
        assertThat(checks.container().path("resources").path("requests").path("cpu").asText()).isEqualTo("100m");
    }

    /** The default: a CA and serving certificate made by the chart, the CA in every webhook's caBundle. */
    @Test
    void theChartMakesACertificateForTheServiceAndPutsItsCaIntoTheWebhooks() throws Exception {
        InstallChecks checks = new InstallChecks(Helm.template(List.of()));
        JsonNode data = checks.find("Secret", "netpol-guard-tls").path("data");
        X509Certificate ca = certificate(data.path("ca.crt").asText());
        X509Certificate serving = certificate(data.path("tls.crt").asText());
        serving.verify(ca.getPublicKey());
        assertThat(data.path("tls.key").asText()).isNotBlank();
        assertThat(serving.getSubjectAlternativeNames()).extracting(name -> String.valueOf(name.get(1)))
                .containsExactlyInAnyOrder("netpol-guard.netpol-guard.svc", "netpol-guard.netpol-guard.svc.cluster.local");
        assertThat(Duration.between(Instant.now(), serving.getNotAfter().toInstant()).toDays()).isBetween(363L, 365L);
        checks.webhooks().forEach(webhook -> assertThat(webhook.path("clientConfig").path("caBundle").asText())
                .isEqualTo(data.path("ca.crt").asText()));
        assertThat(checks.ofKind("Certificate")).isEmpty();
    }

    @Test
    void withCertManagerTheChartIssuesTheSecretAndInjectsTheCa() {
        InstallChecks checks = new InstallChecks(Helm.template(Combination.CERT_MANAGER.args));
        assertThat(checks.ofKind("Secret")).isEmpty();
        ObjectNode serving = checks.find("Certificate", "netpol-guard-serving");
        assertThat(serving.path("spec").path("secretName").asText()).isEqualTo("netpol-guard-tls");
        assertThat(strings(serving.path("spec").path("dnsNames")))
                .containsExactly("netpol-guard.netpol-guard.svc", "netpol-guard.netpol-guard.svc.cluster.local");
        assertThat(checks.find("Issuer", "netpol-guard-ca").path("spec").path("ca").path("secretName").asText())
                .isEqualTo(checks.find("Certificate", "netpol-guard-ca").path("spec").path("secretName").asText());
        assertThat(checks.find("Issuer", "netpol-guard-selfsigned").path("spec").has("selfSigned")).isTrue();
        assertThat(checks.find("ValidatingWebhookConfiguration", "netpol-guard").path("metadata").path("annotations")
                .path("cert-manager.io/inject-ca-from").asText()).isEqualTo("netpol-guard/netpol-guard-serving");
        checks.webhooks().forEach(webhook -> assertThat(webhook.path("clientConfig").has("caBundle")).isFalse());
    }

    @Test
    void withAnExistingSecretTheWebhooksTrustTheGivenCa() throws Exception {
        InstallChecks checks = new InstallChecks(Helm.template(Combination.EXISTING_SECRET.args));
        assertThat(checks.ofKind("Secret")).as("the user's Secret is not the chart's").isEmpty();
        String ca = Files.readString(Path.of("src/test/resources/install/chart/ca.crt"));
        checks.webhooks().forEach(webhook -> assertThat(new String(Base64.getDecoder().decode(
                webhook.path("clientConfig").path("caBundle").asText()), StandardCharsets.US_ASCII)).isEqualTo(ca));
        BuiltTool.Result withoutCa = Helm.templateResult(List.of("--set", "certificates.source=secret"));
        assertThat(withoutCa.exitCode()).isNotZero();
        assertThat(withoutCa.err()).contains("certificates.secret.caBundle");
    }

    @Test
    void theNetworkPolicyNeedsTheApiServersCidrs() {
        InstallChecks checks = new InstallChecks(Helm.template(Combination.NETWORK_POLICY.args));
        ObjectNode policy = checks.find("NetworkPolicy", "netpol-guard");
        InstallChecks.theGuardsOwnNetworkPolicyOpensTheWebhookPortAndTheApiServerAndDns(policy);
        assertThat(policy.path("spec").path("egress").get(0).path("to").get(0).path("ipBlock").path("cidr").asText())
                .isEqualTo("10.0.0.10/32");
        BuiltTool.Result withoutCidrs = Helm.templateResult(List.of("--set", "networkPolicy.enabled=true"));
        assertThat(withoutCidrs.exitCode()).isNotZero();
        assertThat(withoutCidrs.err()).contains("networkPolicy.apiServerCidrs");
    }

    @Test
    void monitoringAddsTheServiceMonitorTheAlertsAndTheDashboard() {
        InstallChecks checks = new InstallChecks(Helm.template(Combination.MONITORING.args));
        ObjectNode monitor = checks.find("ServiceMonitor", "netpol-guard");
        assertThat(stringMap(monitor.path("metadata").path("labels"))).containsEntry("release", "prom");
        assertThat(stringMap(monitor.path("spec").path("selector").path("matchLabels"))).isEqualTo(InstallChecks.POD_SELECTOR);
        assertThat(monitor.path("spec").path("endpoints").get(0).path("port").asText()).isEqualTo("http-metrics");
        assertThat(monitor.path("spec").path("endpoints").get(0).path("path").asText()).isEqualTo("/q/metrics");
        List<String> alerts = new ArrayList<>();
        checks.find("PrometheusRule", "netpol-guard").path("spec").path("groups").get(0).path("rules")
                .forEach(rule -> alerts.add(rule.path("alert").asText()));
        assertThat(alerts).containsExactly("NetpolGuardRequiredFlowBlocked", "NetpolGuardInformerNotSynced",
                "NetpolGuardInformerNotWatching", "NetpolGuardCertificateExpiresSoon", "NetpolGuardDecisionLatencyHigh",
                "NetpolGuardUnreachableFromApiServer");
        ObjectNode dashboard = checks.find("ConfigMap", "netpol-guard-dashboard");
        assertThat(stringMap(dashboard.path("metadata").path("labels"))).containsEntry("grafana_dashboard", "1");
        assertThat(dashboard.path("data").path("netpol-guard.json").asText()).contains("\"uid\": \"netpol-guard\"");
        assertThat(new InstallChecks(Helm.template(List.of())).ofKind("PrometheusRule")).as("off by default").isEmpty();
    }

    /** guard.* values become the properties file the guard reads; nothing when every value is the default. */
    @Test
    void theGuardsSettingsBecomeItsPropertiesFile() throws Exception {
        InstallChecks checks = new InstallChecks(Helm.template(Combination.GUARD_SETTINGS.args));
        Properties properties = new Properties();
        properties.load(new StringReader(checks.find("ConfigMap", "netpol-guard-config").path("data")
                .path("guard.properties").asText()));
        assertThat(properties).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("netpol-guard.mode", "warn"),
                Map.entry("netpol-guard.dynakube-mode", "enforce"),
                Map.entry("netpol-guard.edgeconnect-mode", "enforce"),
                Map.entry("netpol-guard.flows.\"operator->kube-dns\".mode", "warn"),
                Map.entry("netpol-guard.flows.\"oneagent->activegate\".mode", "enforce"),
                Map.entry("netpol-guard.flows.\"oneagent->activegate\".severity", "critical"),
                Map.entry("netpol-guard.operator.namespace", "dynatrace"),
                Map.entry("netpol-guard.operator.webhook-port", "9443"),
                Map.entry("netpol-guard.operator.selectors.operator",
                        "app.kubernetes.io/name=dynatrace-operator,app.kubernetes.io/component=operator"),
                Map.entry("netpol-guard.kube-dns.namespace", "kube-system"),
                Map.entry("netpol-guard.kube-dns.selector", "k8s-app=coredns"),
                Map.entry("netpol-guard.control-plane.cidrs", "10.0.0.10/32,10.0.0.11/32"),
                Map.entry("netpol-guard.hosts.\"abc12345.live.dynatrace.com\"", "203.0.113.10"),
                Map.entry("netpol-guard.hosts.\"proxy.example.com\"", "203.0.113.20,2001:db8::20"),
                Map.entry("netpol-guard.resolver.dns", "false"),
                Map.entry("netpol-guard.resolver.timeout", "5s")));
        assertThat(checks.env()).containsEntry("QUARKUS_CONFIG_LOCATIONS", "/etc/netpol-guard/config/guard.properties");
        assertThat(checks.volumeOf("/etc/netpol-guard/config").path("configMap").path("name").asText())
                .isEqualTo("netpol-guard-config");
        assertThat(checks.find("Deployment", "netpol-guard").path("spec").path("template").path("metadata")
                .path("annotations").path("checksum/config").asText()).hasSize(64);

        InstallChecks defaults = new InstallChecks(Helm.template(List.of()));
        assertThat(defaults.ofKind("ConfigMap")).isEmpty();
        assertThat(defaults.env()).doesNotContainKey("QUARKUS_CONFIG_LOCATIONS");
    }

    /** PolicyReports bring the RBAC of k8s/base/optional/policy-reports and turn the reports on; off, neither is there. */
    @Test
    void policyReportsBringTheirRbacAndTurnTheReportsOn() throws Exception {
        InstallChecks checks = new InstallChecks(Helm.template(Combination.POLICY_REPORTS.args));
        assertThat(checks.env()).containsEntry("NETPOL_GUARD_REPORTS_ENABLED", "true");
        assertThat(checks.objects()).extracting(InstallChecks::kindAndName).contains(
                "ClusterRole netpol-guard-policy-reports", "ClusterRoleBinding netpol-guard-policy-reports",
                "Role netpol-guard-policy-reports", "RoleBinding netpol-guard-policy-reports");
        assertThat(checks.ofKind("ConfigMap")).as("the guard's default Lease name").isEmpty();

        InstallChecks defaults = new InstallChecks(Helm.template(List.of()));
        assertThat(defaults.env()).doesNotContainKey("NETPOL_GUARD_REPORTS_ENABLED");
        assertThat(defaults.ofKind("Role")).isEmpty();
        assertThat(defaults.objects()).extracting(InstallChecks::kindAndName)
                .containsOnlyOnce("ClusterRoleBinding netpol-guard")
                .doesNotContain("ClusterRole netpol-guard-policy-reports", "ClusterRoleBinding netpol-guard-policy-reports",
                        "RoleBinding netpol-guard-policy-reports");

        InstallChecks leaseNamed = new InstallChecks(Helm.template(List.of("--set", "policyReports.enabled=true",
                "--set", "policyReports.leaseName=netpol-guard-writer")));
        leaseNamed.all();
        Properties properties = new Properties();
        properties.load(new StringReader(leaseNamed.find("ConfigMap", "netpol-guard-config").path("data")
                .path("guard.properties").asText()));
        assertThat(properties).containsExactlyInAnyOrderEntriesOf(
                Map.of("netpol-guard.reports.lease-name", "netpol-guard-writer"));
        assertThat(leaseNamed.env()).containsEntry("QUARKUS_CONFIG_LOCATIONS", "/etc/netpol-guard/config/guard.properties");
        assertThat(new InstallChecks(Helm.template(List.of("--set", "policyReports.leaseName=netpol-guard-writer")))
                .ofKind("ConfigMap")).as("a Lease name without the reports changes nothing").isEmpty();
        BuiltTool.Result badName = Helm.templateResult(List.of("--set", "policyReports.leaseName=Writer_Lease"));
        assertThat(badName.exitCode()).isNotZero();
        assertThat(badName.err()).contains("/policyReports/leaseName");
    }

    /** Installed into another namespace, the guard is told where it runs and its certificate names that Service. */
    @Test
    void theChartFollowsTheReleaseNamespace() throws Exception {
        List<ObjectNode> objects = Helm.template(List.of("--namespace", "guard"));
        ObjectNode configMap = Kustomize.find(objects, "ConfigMap", "netpol-guard-config");
        assertThat(configMap.path("data").path("guard.properties").asText()).isEqualTo("netpol-guard.self.namespace=guard\n");
        ObjectNode binding = Kustomize.find(objects, "ClusterRoleBinding", "netpol-guard");
        assertThat(binding.path("subjects").get(0).path("namespace").asText()).isEqualTo("guard");
        X509Certificate serving = certificate(Kustomize.find(objects, "Secret", "netpol-guard-tls").path("data")
                .path("tls.crt").asText());
        assertThat(serving.getSubjectAlternativeNames()).extracting(name -> String.valueOf(name.get(1)))
                .contains("netpol-guard.guard.svc");
        Kustomize.find(objects, "ValidatingWebhookConfiguration", "netpol-guard").path("webhooks").forEach(webhook ->
                assertThat(webhook.path("clientConfig").path("service").path("namespace").asText()).isEqualTo("guard"));
    }

    /** For out-of-cluster development: the webhooks call a URL, which the chart's certificate names. */
    @Test
    void aWebhookUrlReplacesTheServiceAndIsInTheCertificate() throws Exception {
        InstallChecks checks = new InstallChecks(Helm.template(List.of("--set",
                "webhook.url=https://127.0.0.1:8443/validate")));
        checks.webhooks().forEach(webhook -> {
            assertThat(webhook.path("clientConfig").path("url").asText()).isEqualTo("https://127.0.0.1:8443/validate");
            assertThat(webhook.path("clientConfig").has("service")).isFalse();
        });
        X509Certificate serving = certificate(checks.find("Secret", "netpol-guard-tls").path("data").path("tls.crt")
                .asText());
        assertThat(serving.getSubjectAlternativeNames()).extracting(name -> String.valueOf(name.get(1)))
                .contains("127.0.0.1");
    }

    @Test
    void theExemptionPolicyAndTheRolesCanBeLeftOut() {
        List<ObjectNode> objects = Helm.template(List.of("--set", "exemptionPolicy.enabled=false", "--set",
                "roles.exemptionApprover=false", "--set", "roles.breakGlass=false"));
        assertThat(objects).extracting(InstallChecks::kindAndName).doesNotContain(
                "ValidatingAdmissionPolicy netpol-guard-exemption-approval",
                "ValidatingAdmissionPolicyBinding netpol-guard-exemption-approval",
                "ClusterRole netpol-guard-exemption-approver", "ClusterRole netpol-guard-break-glass")
                .contains("ClusterRole netpol-guard", "ValidatingWebhookConfiguration netpol-guard");
    }

    @Test
    void theSchemaRejectsAMisspeltKeyAWrongTypeAndAnUnknownFlow() {
        BuiltTool.Result misspelt = Helm.templateResult(List.of("--set", "certificates.sourse=certManager"));
        assertThat(misspelt.exitCode()).isNotZero();
        assertThat(misspelt.err()).contains("additional properties 'sourse' not allowed");
        BuiltTool.Result nested = Helm.templateResult(List.of("--set", "metrics.prometheusRule.enable=true"));
        assertThat(nested.exitCode()).isNotZero();
        assertThat(nested.err()).contains("additional properties 'enable' not allowed");
        BuiltTool.Result wrongType = Helm.templateResult(List.of("--set", "replicas=two"));
        assertThat(wrongType.exitCode()).isNotZero();
        assertThat(wrongType.err()).contains("/replicas").contains("want integer");
        BuiltTool.Result unknownFlow = Helm.templateResult(List.of("--set", "guard.flows.operator->kube-dnz.mode=warn"));
        assertThat(unknownFlow.exitCode()).isNotZero();
        assertThat(unknownFlow.err()).contains("operator->kube-dnz");
        BuiltTool.Result badMode = Helm.templateResult(List.of("--set", "guard.mode=deny"));
        assertThat(badMode.exitCode()).isNotZero();
        assertThat(badMode.err()).contains("/guard/mode");
        BuiltTool.Result lint = Helm.lint(List.of("--set", "certificates.sourse=certManager"));
        assertThat(lint.exitCode()).as("helm lint too").isNotZero();
    }

    private static X509Certificate certificate(String base64) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    }
}

package io.netpolguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The guard installed once through the Helm chart ({@code helm install charts/netpol-guard}, certificates made by the
 * chart) into the real kube-apiserver. There is no kubelet, so the chart's Deployment never runs a pod: the guard runs
 * as a local process with the chart's Secret (its certificate and key), the chart's Deployment environment and the
 * identity of the chart's ServiceAccount (so only the chart's ClusterRole lets it read the cluster), and the chart's
 * webhook configuration, with {@code webhook.url} pointing at that process, carries the API server's calls to it.
 * What this proves: the API server accepts every object the chart makes (RBAC, webhook configuration, admission
 * policy), the chart's certificate and caBundle fit together (the API server calls the guard over TLS with them) and
 * survive {@code helm upgrade}, the chart's RBAC is enough for the guard, the chart's webhook and exemption policy
 * judge changes, and the metrics the chart's alerts and dashboard query exist, the API server's included. It does not
 * prove that the image starts in a pod (no kubelet) or that the Service routes to it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartInstallIT {
    @RegisterExtension
    static final KubeEnvironment ENV = KubeEnvironment.throughChart();

    private static final String NAMESPACE = "netpol-guard";

    @Test
    @Order(0)
    void theApiServerHoldsEveryObjectTheChartInstalled() throws IOException {
        List<ObjectNode> installed = ENV.chartObjects();
        Set<String> names = new TreeSet<>();
        installed.forEach(o -> names.add(o.path("kind").asText() + " " + o.path("metadata").path("name").asText()));
        assertThat(names).contains("ClusterRole netpol-guard", "ClusterRoleBinding netpol-guard",
                "ClusterRole netpol-guard-break-glass", "ClusterRole netpol-guard-exemption-approver",
                "ValidatingAdmissionPolicy netpol-guard-exemption-approval",
                "ValidatingAdmissionPolicyBinding netpol-guard-exemption-approval",
                "ValidatingWebhookConfiguration netpol-guard", "Secret netpol-guard-tls", "Deployment netpol-guard",
                "Service netpol-guard", "ServiceAccount netpol-guard", "PodDisruptionBudget netpol-guard");
        Path file = ENV.work().resolve("manifests/chart-installed.yaml");
        StringBuilder yaml = new StringBuilder();
        for (ObjectNode object : installed) {
            yaml.append("---\n").append(KubeEnvironment.YAML.writeValueAsString(object));
        }
        Files.writeString(file, yaml);
        JsonNode served = KubeEnvironment.JSON.readTree(ENV.admin().check("get", "-f", file.toString(), "-o", "json").out());
        Set<String> servedNames = new TreeSet<>();
        served.path("items").forEach(o -> servedNames.add(o.path("kind").asText() + " " + o.path("metadata").path("name")
                .asText()));
        assertThat(servedNames).isEqualTo(names);
    }

    @Test
    @Order(1)
    void theWebhookConfigurationCarriesTheChartsCaAndCallsTheGuard() throws IOException {
        JsonNode configuration = KubeEnvironment.JSON.readTree(ENV.admin().check("get", "validatingwebhookconfiguration",
                KubeEnvironment.WEBHOOK_CONFIGURATION, "-o", "json").out());
        String ca = secret().path("ca.crt").asText();
        assertThat(configuration.path("webhooks")).hasSize(4).allSatisfy(webhook -> {
            assertThat(webhook.path("clientConfig").path("url").asText())
                    .isEqualTo("https://127.0.0.1:" + ENV.guard().httpsPort() + "/validate");
            assertThat(webhook.path("clientConfig").path("caBundle").asText()).isEqualTo(ca);
        });
    }

    /** helm upgrade read the Secret back and kept it: the guard still serves what the chart made at install. */
    @Test
    @Order(2)
    void theGuardServesTheChartsCertificateAndTheUpgradeKeptIt() throws Exception {
        X509Certificate inSecret = certificate(secret().path("tls.crt").asText());
        X509Certificate ca = certificate(secret().path("ca.crt").asText());
        X509Certificate served = ENV.guard().servedCertificate();
        assertThat(served.getEncoded()).isEqualTo(inSecret.getEncoded());
        served.verify(ca.getPublicKey());
        List<String> names = new ArrayList<>();
        served.getSubjectAlternativeNames().forEach(name -> names.add(String.valueOf(name.get(1))));
        assertThat(names).contains("netpol-guard.netpol-guard.svc", "netpol-guard.netpol-guard.svc.cluster.local",
                "127.0.0.1");
    }

    /**
     * The chart's guard.* values reach the guard: ConfigMap netpol-guard-config, read through QUARKUS_CONFIG_LOCATIONS.
     * The install sets flow oneagent->activegate (blocked in the test cluster, which WebhookIT's "already blocked"
     * warnings show) to mode off, and a flow that is off is not evaluated at all: GET /flows no longer lists it.
     */
    @Test
    @Order(2)
    void theGuardReadsTheChartsSettings() throws IOException {
        ObjectNode configMap = KubeEnvironment.find(ENV.chartObjects(), "ConfigMap", "netpol-guard-config");
        assertThat(configMap.path("data").path("guard.properties").asText())
                .isEqualTo("netpol-guard.flows.\"oneagent->activegate\".mode=off\n");
        List<String> ids = new ArrayList<>();
        KubeEnvironment.JSON.readTree(ENV.guard().get("/flows")).path("flows").forEach(f -> ids.add(f.path("id").asText()));
        assertThat(ids).contains("operator->kube-dns", "activegate->dynatrace-api").doesNotContain("oneagent->activegate");
    }

    @Test
    @Order(3)
    void aChangeThatBlocksTheOperatorIsDeniedThroughTheChartsWebhook() {
        Processes.Result result = ENV.kubectl().run("apply", "-f",
                ENV.manifest("scenarios/default-deny-egress-dynatrace.yaml").toString());
        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(result.err()).as(result.describe())
                .contains("admission webhook \"networkpolicies.netpol-guard.io\" denied the request")
                .contains("operator->kube-dns");
        assertThat(ENV.admin().run("get", "networkpolicy", "default-deny-egress", "-n", "dynatrace").exitCode())
                .isNotZero();
    }

    @Test
    @Order(4)
    void theChartsExemptionPolicyRefusesAnExemptionByADeveloper() {
        String[] last = new String[1];
        KubeEnvironment.awaitTrue("the chart's exemption policy in force", Duration.ofSeconds(60), () -> {
            Processes.Result dryRun = ENV.kubectl().run("annotate", "networkpolicy", "default-deny-ingress", "-n",
                    "dynatrace", "netpol-guard.io/exempt=my own reason", "--dry-run=server");
            last[0] = dryRun.describe();
            return dryRun.exitCode() != 0;
        });
        assertThat(last[0]).contains("ValidatingAdmissionPolicy 'netpol-guard-exemption-approval'")
                .contains("only users granted create on exemptions.netpol-guard.io in namespace dynatrace");
    }

    /** Every netpol_guard_* series the chart's alerts and dashboard query is one the guard exposes. */
    @Test
    @Order(5)
    void theGuardExposesEveryMetricTheAlertsAndTheDashboardQuery() throws IOException {
        Set<String> queried = new TreeSet<>();
        for (String file : List.of("charts/netpol-guard/files/prometheus-rules.yaml",
                "charts/netpol-guard/files/dashboard.json")) {
            Matcher metric = Pattern.compile("netpol_guard_[a-z_]+").matcher(Files.readString(ENV.repo().resolve(file)));
            while (metric.find()) {
                queried.add(metric.group());
            }
        }
        assertThat(queried).contains("netpol_guard_blocked_flows", "netpol_guard_informer_synced",
                "netpol_guard_tls_certificate_not_after_seconds", "netpol_guard_decision_duration_seconds_bucket");
        Set<String> exposed = new TreeSet<>();
        for (String line : ENV.guard().management("/q/metrics").lines().toList()) {
            if (line.startsWith("netpol_guard_")) {
                exposed.add(line.split("[{ ]", 2)[0]);
            }
        }
        assertThat(exposed).containsAll(queried);
    }

    /**
     * Last: with the guard stopped, the API server lets a change through (failurePolicy Ignore) and counts it in
     * the series the alert NetpolGuardUnreachableFromApiServer selects.
     */
    @Test
    @Order(6)
    void theApiServerCountsTheFailOpenUnderTheNamesTheAlertSelects() throws IOException {
        ENV.guard().stop();
        Path harmless = ENV.work().resolve("manifests/chart-fail-open.yaml");
        Files.writeString(harmless, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: chart-fail-open, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: does-not-exist}}
                  policyTypes: [Ingress]
                """);
        Processes.Result applied = ENV.kubectl().run("apply", "--dry-run=server", "-f", harmless.toString());
        assertThat(applied.exitCode()).as(applied.describe()).isZero();
        String metrics = ENV.admin().check("get", "--raw", "/metrics").out();
        assertThat(metrics).containsPattern("(?m)^apiserver_admission_webhook_fail_open_count\\{"
                + "name=\"networkpolicies\\.netpol-guard\\.io\",type=\"validating\"} [1-9]")
                .containsPattern("(?m)^apiserver_admission_webhook_request_total\\{[^}]*name=\"networkpolicies\\.netpol-guard"
                        + "\\.io\"[^}]*type=\"validating\"} [1-9]");
    }

    private static JsonNode secret() throws IOException {
        return KubeEnvironment.JSON.readTree(ENV.admin().check("get", "secret", "netpol-guard-tls", "-n", NAMESPACE, "-o",
                "json").out()).path("data");
    }

    private static X509Certificate certificate(String base64) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    }
}

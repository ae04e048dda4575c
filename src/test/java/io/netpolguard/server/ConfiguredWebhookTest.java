package io.netpolguard.server;

import static io.netpolguard.server.HealthAndMetricsTest.metrics;
import static io.netpolguard.server.HealthAndMetricsTest.value;
import static io.netpolguard.server.WebhookRequests.review;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import io.netpolguard.live.ManifestSource;
import io.netpolguard.live.SnapshotSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook on the example cluster with two settings a cluster admin makes: the operator namespace (here one where
 * the operator does not run: an install moved by Helm, a setting left behind) and the control plane's addresses as a
 * range. Both must reach GET /flows, the metrics, POST /validate and the decision log.
 */
@QuarkusTest
@TestProfile(ConfiguredWebhookTest.Settings.class)
class ConfiguredWebhookTest {
    static final String CONTROL_PLANE = "172.18.0.0/24";

    public static class Settings implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("netpol-guard.operator.namespace", "dynatrace-operator",
                    "netpol-guard.control-plane.cidrs", CONTROL_PLANE,
                    "netpol-guard.flows.\"monitored-apps->activegate\".severity", "critical");
        }
    }

    @Inject
    GuardServer server;
    @TestHTTPResource(value = "metrics", management = true)
    URL metricsEndpoint;

    private SnapshotSource original;
    private final List<String> decisions = new CopyOnWriteArrayList<>();
    private final Handler decisionLog = new Handler() {
        @Override
        public void publish(LogRecord record) {
            decisions.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void remember() {
        original = server.source();
        Logger.getLogger("io.netpolguard.decision").addHandler(decisionLog);
    }

    @AfterEach
    void restore() {
        Logger.getLogger("io.netpolguard.decision").removeHandler(decisionLog);
        server.useSource(original);
    }

    @Test
    void aConfiguredSeverityIsTheOneGetFlowsShows() {
        // the catalogue's severity of monitored-apps->activegate is warning; decisions and GET /flows use the configured one
        given().when().get("/flows").then().statusCode(200)
                .body("flows.find { it.id == 'monitored-apps->activegate' }.severity", equalTo("critical"))
                .body("flows.find { it.id == 'oneagent->activegate' }.severity", equalTo("warning"));
    }

    @Test
    void aConfiguredOperatorNamespaceWithoutTheOperatorIsAProblemAndTheFlowsAreJudgedWhereItRuns(@TempDir Path dir)
            throws IOException {
        String problem = "netpol-guard.operator.namespace is dynatrace-operator, but the Dynatrace Operator's pods run in "
                + "dynatrace; judging the flows in dynatrace (set netpol-guard.operator.namespace=dynatrace or leave it "
                + "unset to find it)";
        given().when().get("/flows").then().statusCode(200)
                .body("operator.found", equalTo(true))
                .body("operator.namespace", equalTo("dynatrace"))
                .body("problems", contains(problem));

        // the operator's DNS policy deleted: blocked where the operator runs, not "allowed" in an empty namespace
        server.useSource(new ManifestSource(List.of(GuardServerSourceTest.exampleWithoutAllowDns(dir))));
        given().when().get("/flows").then().statusCode(200)
                .body("problems", contains(problem))
                .body("flows.find { it.id == 'operator->kube-dns' }.status", equalTo("blocked"));
        assertThat(value(metrics(metricsEndpoint), "netpol_guard_blocked_flows{flow=\"operator->kube-dns\"}")).hasValue(1.0);
    }

    @Test
    void aControlPlaneRangeCoveredInPartIsUnverifiableWithItsReasonInTheWarningTheLogFlowsAndMetrics(@TempDir Path dir)
            throws IOException {
        // the example cluster's webhook policy admits 172.18.0.0/16, all of the range
        given().when().get("/flows").then().statusCode(200)
                .body("flows.find { it.id == 'control-plane->webhook' }.status", equalTo("allowed"));

        String reason = "the ingress of dynatrace/Deployment/dynatrace-webhook: ipBlock rules cover only part of control "
                + "plane 172.18.0.0/24, and each of its addresses must be allowed";
        JsonPath answer = review("update-webhook-ingress-to-half-the-control-plane.json")
                .body("response.allowed", equalTo(true))
                .body("response.status", nullValue())
                .body("response.auditAnnotations.decision", equalTo("warn"))
                .body("response.auditAnnotations.blocked-flows", nullValue())
                .extract().jsonPath();
        List<String> warnings = answer.getList("response.warnings");
        assertThat(warnings).singleElement().asString().startsWith("control-plane->webhook: cannot be verified after this "
                + "change (" + reason).hasSizeLessThanOrEqualTo(256);
        assertThat(decisions).anySatisfy(line -> assertThat(line)
                .contains("object=dynatrace/allow-webhook-from-control-plane operation=UPDATE", "decision=warn")
                .containsPattern(" latency=\\d+\\.\\d{3}ms cpu=\\d+\\.\\d{3}ms ")
                .contains("unverifiable=[control-plane->webhook: " + reason));

        server.useSource(new ManifestSource(List.of(exampleWithWebhookIngressFrom(dir, "172.18.0.0/25"))));
        given().when().get("/flows").then().statusCode(200)
                .body("flows.find { it.id == 'control-plane->webhook' }.status", equalTo("unverifiable"))
                .body("flows.find { it.id == 'control-plane->webhook' }.reason", equalTo(reason))
                .body("flows.findAll { it.status == 'unverifiable' }.id", contains("control-plane->webhook"))
                .body("problems", hasItem(org.hamcrest.Matchers.startsWith("netpol-guard.operator.namespace is ")));
        String metrics = metrics(metricsEndpoint);
        assertThat(value(metrics, "netpol_guard_unverifiable_flows{flow=\"control-plane->webhook\"}")).hasValue(1.0);
        assertThat(value(metrics, "netpol_guard_blocked_flows{flow=\"control-plane->webhook\"}")).hasValue(0.0);

        server.useSource(original);
        given().when().get("/flows").then().statusCode(200)
                .body("flows.find { it.id == 'control-plane->webhook' }.status", equalTo("allowed"));
        assertThat(value(metrics(metricsEndpoint), "netpol_guard_unverifiable_flows{flow=\"control-plane->webhook\"}"))
                .hasValue(0.0);
    }

    /** The example cluster with its webhook ingress policy admitting only {@code cidr}. */
    private static Path exampleWithWebhookIngressFrom(Path dir, String cidr) throws IOException {
        Path example = Path.of("k8s/examples/cluster");
        for (Path file : Files.list(example).toList()) {
            String text = Files.readString(file);
            if (file.getFileName().toString().equals("40-network-policies.yaml")) {
                String changed = text.replace("  - from: [{ipBlock: {cidr: 172.18.0.0/16}}]\n    ports: [{protocol: TCP, port: 8443}]",
                        "  - from: [{ipBlock: {cidr: " + cidr + "}}]\n    ports: [{protocol: TCP, port: 8443}]");
                assertThat(changed).isNotEqualTo(text);
                text = changed;
            }
            Files.writeString(dir.resolve(file.getFileName()), text);
        }
        return dir;
    }
}

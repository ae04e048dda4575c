package io.netpolguard.server;

import static io.netpolguard.server.WebhookRequests.review;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What an operator of the webhook sees: health endpoints and Prometheus metrics, on the management
 * interface (a port of its own), not on the port of the webhook.
 */
@QuarkusTest
class HealthAndMetricsTest {
    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;
    @TestHTTPResource(value = "health/live", management = true)
    URL live;
    @TestHTTPResource(value = "health", management = true)
    URL health;
    @TestHTTPResource(value = "metrics", management = true)
    URL metricsEndpoint;
    @TestHTTPResource("/")
    URL webhook;

    @Test
    void healthAndMetricsAreOnTheManagementPortOnly() throws MalformedURLException {
        assertThat(ready.getPort()).isPositive().isNotEqualTo(webhook.getPort());
        assertThat(ready.getPath()).isEqualTo("/q/health/ready");
        assertThat(metricsEndpoint.getPath()).isEqualTo("/q/metrics");
        for (String path : new String[] {"/q/health", "/q/health/ready", "/q/health/live", "/q/metrics"}) {
            given().when().get(path).then().statusCode(404);
        }
        // and the webhook's endpoints are not on the management port
        given().when().get(new URL(ready, "/flows")).then().statusCode(404);
        given().contentType(ContentType.JSON).body("{}").when().post(new URL(ready, "/validate")).then().statusCode(404);
        given().when().get("/flows").then().statusCode(200);
    }

    @Test
    void readyAndLiveOnTheExampleCluster() {
        given().when().get(ready).then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'cluster-snapshot' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'cluster-snapshot' }.data.source", equalTo("manifests in [k8s/examples/cluster]"))
                .body("checks.find { it.name == 'cluster-snapshot' }.data.manifests", equalTo(true));
        given().when().get(live).then()
                .statusCode(200)
                .body("status", equalTo("UP"));
        given().when().get(health).then()
                .statusCode(200)
                .body("status", equalTo("UP"));
    }

    @Test
    void everyAnswerIsCountedByKindOperationAndDecisionAndTimed() {
        String deny = "netpol_guard_admission_requests_total{decision=\"deny\",kind=\"NetworkPolicy\",operation=\"DELETE\"}";
        String warn = "netpol_guard_admission_requests_total{decision=\"warn\",kind=\"NetworkPolicy\",operation=\"CREATE\"}";
        // kinds the guard does not handle share one label value: no request can add metric series
        String allow = "netpol_guard_admission_requests_total{decision=\"allow\",kind=\"other\",operation=\"CREATE\"}";
        String timed = "netpol_guard_decision_duration_seconds_count";
        String before = metrics(metricsEndpoint);

        review("delete-allow-dns.json").body("response.allowed", equalTo(false));
        review("create-deny-egress-shop.json").body("response.auditAnnotations.decision", equalTo("warn"));
        review("create-configmap.json").body("response.auditAnnotations.decision", equalTo("allow"));
        review("create-configmap.json").body("response.auditAnnotations.decision", equalTo("allow"));
        WebhookRequests.send("not json").statusCode(400);

        String after = metrics(metricsEndpoint);
        assertThat(value(after, deny).orElseThrow() - value(before, deny).orElse(0)).isEqualTo(1.0);
        assertThat(value(after, warn).orElseThrow() - value(before, warn).orElse(0)).isEqualTo(1.0);
        assertThat(value(after, allow).orElseThrow() - value(before, allow).orElse(0)).isEqualTo(2.0);
        assertThat(after).doesNotContain("kind=\"ConfigMap\"");
        // a body that is not an AdmissionReview is not a decision
        assertThat(value(after, timed).orElseThrow() - value(before, timed).orElse(0)).isEqualTo(4.0);
        assertThat(after).contains("netpol_guard_decision_duration_seconds_bucket{le=")
                .contains("netpol_guard_decision_duration_seconds_sum ")
                .contains("# TYPE netpol_guard_decision_duration_seconds histogram");
    }

    @Test
    void blockedFlowsSnapshotAgeAndSyncStateAreExported() {
        given().when().get("/flows").then().statusCode(200);
        String metrics = metrics(metricsEndpoint);
        for (String flow : new String[] {"operator->kube-dns", "webhook->kube-apiserver", "control-plane->webhook",
                "monitored-apps->activegate", "edgeconnect->sso", "control-plane->netpol-guard"}) {
            assertThat(value(metrics, "netpol_guard_blocked_flows{flow=\"" + flow + "\"}")).as(flow).hasValue(0.0);
        }
        assertThat(value(metrics, "netpol_guard_unverifiable_flows{flow=\"operator->kube-dns\"}")).hasValue(0.0);
        assertThat(value(metrics, "netpol_guard_unreadable_policies")).hasValue(0.0);
        assertThat(value(metrics, "netpol_guard_informer_synced{resource=\"manifests\"}")).hasValue(1.0);
        assertThat(value(metrics, "netpol_guard_snapshot_age_seconds").orElseThrow()).isBetween(0.0, 3600.0);
    }

    /** GET /q/metrics on the management port. */
    static String metrics(URL metrics) {
        return given().when().get(metrics).then().statusCode(200).extract().asString();
    }

    /** The value of one series in the Prometheus text format, if present. */
    static OptionalDouble value(String metrics, String series) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return matcher.find() ? OptionalDouble.of(Double.parseDouble(matcher.group(1))) : OptionalDouble.empty();
    }
}

package io.netpolguard.admission;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** GET /flows on the embedded example cluster, which allows every flow the operator needs. */
@QuarkusTest
class FlowsResourceTest {

    @Test
    void everyRequiredFlowOfTheExampleClusterIsListedWithItsStatus() {
        JsonPath body = given().when().get("/flows").then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("source", equalTo("manifests in [k8s/examples/cluster]"))
                .body("synced", equalTo(true))
                .extract().jsonPath();

        Instant auditedAt = Instant.parse(body.getString("auditedAt"));
        assertThat(Duration.between(auditedAt, Instant.now())).isLessThan(Duration.ofMinutes(2));

        List<Map<String, Object>> flows = body.getList("flows");
        Map<String, String> statusById = flows.stream()
                .collect(Collectors.toMap(f -> (String) f.get("id"), f -> (String) f.get("status")));
        assertThat(statusById).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("operator->kube-dns", "allowed"),
                Map.entry("operator->kube-apiserver", "allowed"),
                Map.entry("operator->dynatrace-api", "allowed"),
                Map.entry("webhook->kube-dns", "allowed"),
                Map.entry("webhook->kube-apiserver", "allowed"),
                Map.entry("control-plane->webhook", "allowed"),
                Map.entry("csi-driver->kube-dns", "allowed"),
                Map.entry("csi-driver->kube-apiserver", "allowed"),
                Map.entry("csi-driver->dynatrace-api", "allowed"),
                Map.entry("activegate->kube-dns", "allowed"),
                Map.entry("activegate->dynatrace-api", "allowed"),
                Map.entry("activegate->kube-apiserver", "allowed"),
                Map.entry("monitored-apps->activegate", "allowed"),
                Map.entry("oneagent->dynatrace-api", "not-applicable"),
                Map.entry("oneagent->kube-dns", "allowed"),
                Map.entry("oneagent->activegate", "allowed"),
                Map.entry("control-plane->netpol-guard", "allowed")));
        assertThat(flows).hasSize(statusById.size());

        for (Map<String, Object> flow : flows) {
            String id = (String) flow.get("id");
            assertThat(flow).containsOnlyKeys("id", "owner", "severity", "status", "summary");
            assertThat((String) flow.get("summary")).startsWith(id + ": " + flow.get("status"));
            boolean perDynaKube = id.contains("dynatrace-api") || id.startsWith("activegate->")
                    || id.startsWith("oneagent->")
                    || id.endsWith("->activegate");
            assertThat(flow.get("owner")).as("owner of %s", id).isEqualTo(perDynaKube ? "DynaKube dynatrace/dynakube" : "");
        }
        assertThat(flows).filteredOn(f -> f.get("id").equals("monitored-apps->activegate"))
                .singleElement().satisfies(f -> assertThat(f).containsEntry("severity", "warning"));
        assertThat(flows).filteredOn(f -> f.get("id").equals("operator->kube-dns"))
                .singleElement().satisfies(f -> assertThat(f).containsEntry("severity", "critical")
                        .containsEntry("summary", "operator->kube-dns: allowed"));
    }

    @Test
    void aChangeThatWasOnlyReviewedDoesNotChangeTheFlows() {
        given().contentType(ContentType.JSON)
                .body(io.netpolguard.server.WebhookRequests.fixture("delete-allow-dns.json").toString())
                .when().post("/validate").then().statusCode(200).body("response.allowed", equalTo(false));
        given().when().get("/flows").then().statusCode(200)
                .body("flows.find { it.id == 'operator->kube-dns' }.status", equalTo("allowed"));
    }
}

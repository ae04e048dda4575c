package io.netpolguard.admission;

import static io.netpolguard.server.WebhookRequests.fixture;
import static io.netpolguard.server.WebhookRequests.review;
import static io.netpolguard.server.WebhookRequests.send;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * POST /validate on the embedded example cluster (k8s/examples/cluster, which allows every flow the
 * operator needs), as the API server would call it.
 */
@QuarkusTest
class ValidateResourceTest {
    @TestHTTPResource("/validate")
    URL validate;

    private static final List<String> DNS_FLOWS = List.of("activegate->kube-dns", "csi-driver->kube-dns",
            "operator->kube-dns", "webhook->kube-dns");
    private static final List<String> API_SERVER_FLOWS = List.of("activegate->kube-apiserver",
            "csi-driver->kube-apiserver", "operator->kube-apiserver", "webhook->kube-apiserver");

    @Test
    void deletingTheDnsPolicyIsDeniedWithAnExplanation() {
        JsonPath answer = review("delete-allow-dns.json")
                .body("apiVersion", equalTo("admission.k8s.io/v1"))
                .body("kind", equalTo("AdmissionReview"))
                .body("response.uid", equalTo("0df28fbd-5f5f-11e8-bc74-36e6bb280816"))
                .body("response.allowed", equalTo(false))
                .body("response.status.code", equalTo(403))
                .body("response.status.reason", equalTo("Forbidden"))
                .body("response.auditAnnotations.decision", equalTo("deny"))
                .body("response.warnings", nullValue())
                .extract().jsonPath();

        String blocked = answer.getString("response.auditAnnotations.blocked-flows");
        assertThat(blocked).isEqualTo(String.join(",", DNS_FLOWS));
        List<String> ids = Arrays.asList(blocked.split(","));
        assertThat(ids).isSorted().doesNotHaveDuplicates();

        String message = answer.getString("response.status.message");
        assertThat(message).startsWith("netpol-guard denied DELETE NetworkPolicy dynatrace/allow-dns: it would block 4 flows");
        // one cause (the namespace's DNS egress), said once, with one policy that fixes all four
        DNS_FLOWS.forEach(flow -> assertThat(message).containsOnlyOnce(flow));
        assertThat(message).contains("(critical): blocked, all for one reason")
                .contains("isolated by dynatrace/default-deny")
                .contains("kube-system/coredns-7db6d8ff4d-x2v9q on UDP/53")
                .containsOnlyOnce("fix: one NetworkPolicy like this would allow them all:")
                .contains("netpol-guard.io/exempt");
    }

    /** The README's example request, as its quick start sends it: the denial fits on a screen. */
    @Test
    void theReadmesExampleDenialFitsOnAScreen() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains("--data-binary @k8s/examples/requests/delete-allow-dns.json");
        String message = send(Files.readString(Path.of("k8s/examples/requests/delete-allow-dns.json"))).statusCode(200)
                .body("response.allowed", equalTo(false))
                .extract().jsonPath().getString("response.status.message");
        // at most 40 rows of an 80-column terminal, long lines (the one-line fix) wrapped
        long rows = message.lines().mapToLong(line -> Math.max(1, (line.length() + 79) / 80)).sum();
        assertThat(rows).as(message).isLessThanOrEqualTo(40);
        assertThat(message).containsOnlyOnce("fix: one NetworkPolicy like this would allow them all:");
    }

    @Test
    void aDryRunGetsTheSameAnswer() {
        Map<String, Object> real = review("delete-allow-dns.json").extract().jsonPath().getMap("response");
        Map<String, Object> dryRun = review(fixture("delete-allow-dns.json", request -> request.put("dryRun", true)))
                .extract().jsonPath().getMap("response");
        assertThat(dryRun).isEqualTo(real);
        assertThat(dryRun).containsEntry("allowed", false);
    }

    @Test
    void theAnswerCarriesTheRequestUid() {
        review(fixture("delete-allow-dns.json", request -> request.put("uid", "e911857d-c318-11e8-bbad-025000000001")))
                .body("response.uid", equalTo("e911857d-c318-11e8-bbad-025000000001"));
    }

    @Test
    void anUpdateIsJudgedAgainstItsNewObjectAndExplainsServiceTranslation() {
        JsonPath answer = review("update-allow-apiserver-to-service-ip.json")
                .body("response.uid", equalTo("7a1c3e52-0002-4c3b-9d0e-0a1b2c3d4e02"))
                .body("response.allowed", equalTo(false))
                .body("response.status.code", equalTo(403))
                .body("response.auditAnnotations.decision", equalTo("deny"))
                .body("response.auditAnnotations.blocked-flows", equalTo(String.join(",", API_SERVER_FLOWS)))
                .extract().jsonPath();
        assertThat(answer.getString("response.status.message"))
                .startsWith("netpol-guard denied UPDATE NetworkPolicy dynatrace/allow-apiserver: it would block 4 flows")
                .contains("172.18.0.2 on TCP/6443")
                .contains("the API server endpoint is 172.18.0.2:6443")
                .contains("NetworkPolicy is applied after service address translation");
    }

    @Test
    void anUpdateThatKeepsThePolicyIsAllowed() {
        review(fixture("update-allow-apiserver-to-service-ip.json",
                request -> request.set("object", request.get("oldObject").deepCopy())))
                .body("response.allowed", equalTo(true))
                .body("response.warnings", nullValue())
                .body("response.auditAnnotations", equalTo(Map.of("decision", "allow")));
    }

    @Test
    void aHarmlessPolicyIsAllowedSilently() {
        review("create-allow-checkout-ingress.json")
                .body("response.uid", equalTo("7a1c3e52-0003-4c3b-9d0e-0a1b2c3d4e03"))
                .body("response.allowed", equalTo(true))
                .body("response.status", nullValue())
                .body("response.warnings", nullValue())
                .body("response.auditAnnotations", equalTo(Map.of("decision", "allow")));
    }

    @Test
    void blockingAWarningLevelFlowIsAllowedWithAWarningPerFlow() {
        review("create-deny-egress-shop.json")
                .body("response.allowed", equalTo(true))
                .body("response.status", nullValue())
                .body("response.auditAnnotations.decision", equalTo("warn"))
                .body("response.auditAnnotations.blocked-flows", equalTo("monitored-apps->activegate"))
                .body("response.warnings", hasSize(1))
                .body("response.warnings[0]", allOf(startsWith("monitored-apps->activegate: newly blocked by this change"),
                        containsString("isolated by shop/default-deny-egress")))
                .body("response.warnings", everyItem(lengthAtMost256()));
    }

    @Test
    void aDynaKubeUpdateThatNeedsBlockedFlowsOnlyWarnsByDefault() {
        JsonPath answer = review("update-dynakube-api-port.json")
                .body("response.uid", equalTo("7a1c3e52-0005-4c3b-9d0e-0a1b2c3d4e05"))
                .body("response.allowed", equalTo(true))
                .body("response.status", nullValue())
                .body("response.auditAnnotations.decision", equalTo("warn"))
                .body("response.auditAnnotations.blocked-flows",
                        equalTo("activegate->dynatrace-api,csi-driver->dynatrace-api,operator->dynatrace-api"))
                .body("response.warnings", everyItem(lengthAtMost256()))
                .extract().jsonPath();
        List<String> warnings = answer.getList("response.warnings", String.class);
        assertThat(warnings).hasSize(3);
        for (String flow : List.of("activegate->dynatrace-api", "csi-driver->dynatrace-api", "operator->dynatrace-api")) {
            assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith(flow + ": newly blocked by this change"));
        }
        assertThat(warnings).allSatisfy(w -> assertThat(w).contains("on TCP/9443"));
    }

    @Test
    void aDynaKubeUpdateThatChangesNoFlowIsAllowed() {
        review(fixture("update-dynakube-api-port.json", request -> request.set("object", request.get("oldObject").deepCopy())))
                .body("response.allowed", equalTo(true))
                .body("response.warnings", nullValue())
                .body("response.auditAnnotations", equalTo(Map.of("decision", "allow")));
    }

    @Test
    void aNamespaceWhoseLabelsChangeIsJudged() {
        review("update-namespace-shop-labels.json")
                .body("response.uid", equalTo("7a1c3e52-0004-4c3b-9d0e-0a1b2c3d4e04"))
                .body("response.allowed", equalTo(true))
                .body("response.warnings", nullValue())
                .body("response.auditAnnotations", equalTo(Map.of("decision", "allow")));
    }

    @Test
    void aNamespaceUpdateThatOnlyTouchesAnnotationsIsAllowed() {
        review(fixture("update-namespace-shop-labels.json", request -> {
            ObjectNode object = request.get("oldObject").deepCopy();
            ((ObjectNode) object.get("metadata")).putObject("annotations").put("owner", "shop-team");
            request.set("object", object);
        }))
                .body("response.allowed", equalTo(true))
                .body("response.warnings", nullValue())
                .body("response.auditAnnotations", equalTo(Map.of("decision", "allow")));
    }

    @Test
    void anExemptedDeletionIsAllowedWithWarningsAndTheExemptionIsAudited() {
        JsonPath answer = review(fixture("delete-allow-dns.json", request -> ((ObjectNode) request.get("oldObject")
                .get("metadata")).putObject("annotations").put("netpol-guard.io/exempt", "moving DNS to NodeLocal DNSCache")))
                .body("response.allowed", equalTo(true))
                .body("response.status", nullValue())
                .body("response.auditAnnotations.decision", equalTo("warn"))
                .body("response.auditAnnotations.exemption", equalTo("moving DNS to NodeLocal DNSCache"))
                .body("response.auditAnnotations.blocked-flows", equalTo(String.join(",", DNS_FLOWS)))
                .body("response.warnings", hasSize(4))
                .body("response.warnings", everyItem(lengthAtMost256()))
                .extract().jsonPath();
        List<String> warnings = answer.getList("response.warnings", String.class);
        for (String flow : DNS_FLOWS) {
            assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith(flow + ": newly blocked by this change"));
        }
    }

    @Test
    void aKindThatIsNotCheckedIsAllowedUntouched() {
        review("create-configmap.json")
                .body("response.uid", equalTo("7a1c3e52-0006-4c3b-9d0e-0a1b2c3d4e06"))
                .body("response.allowed", equalTo(true))
                .body("response.status", nullValue())
                .body("response.warnings", nullValue())
                .body("response.patch", nullValue())
                .body("response.auditAnnotations", equalTo(Map.of("decision", "allow")));
    }

    @Test
    void anOperationThatIsNotCheckedIsAllowedUntouched() {
        review(fixture("delete-allow-dns.json", request -> request.put("operation", "CONNECT")))
                .body("response.allowed", equalTo(true))
                .body("response.warnings", nullValue())
                .body("response.auditAnnotations", equalTo(Map.of("decision", "allow")));
    }

    @Test
    void aPolicyThatCannotBeReadIsAllowedWithAWarningThatSaysSo() {
        review("create-unreadable-policy.json")
                .body("response.uid", equalTo("7a1c3e52-0007-4c3b-9d0e-0a1b2c3d4e07"))
                .body("response.allowed", equalTo(true))
                .body("response.status", nullValue())
                .body("response.auditAnnotations", equalTo(Map.of("decision", "warn")))
                .body("response.warnings", hasSize(1))
                .body("response.warnings[0]", allOf(
                        startsWith("netpol-guard could not read this NetworkPolicy and did not check it: request.object"),
                        lengthAtMost256()));
    }

    @Test
    void aPolicyTheEngineRejectsIsAllowedWithAWarningThatSaysWhy() {
        review("create-invalid-cidr-policy.json")
                .body("response.allowed", equalTo(true))
                .body("response.auditAnnotations", equalTo(Map.of("decision", "warn")))
                .body("response.warnings", hasSize(1))
                .body("response.warnings[0]", allOf(
                        startsWith("netpol-guard could not read this NetworkPolicy and did not check it: "),
                        containsString("dynatrace/bad-cidr"), containsString("10.0.0.300/33"), lengthAtMost256()));
    }

    @Test
    void aCreateWithoutItsObjectIsAllowedWithAWarning() {
        review(fixture("create-allow-checkout-ingress.json", request -> request.remove("object")))
                .body("response.allowed", equalTo(true))
                .body("response.auditAnnotations.decision", equalTo("warn"))
                .body("response.warnings[0]", allOf(startsWith("netpol-guard could not read this NetworkPolicy"),
                        containsString("request.object is missing")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON                           | {"apiVersion": "admission.k8s.io/v1", | body is not JSON
            empty body                         | ''                                    | body is not a JSON object
            a JSON array                       | [{"kind": "AdmissionReview"}]         | body is not a JSON object
            JSON but not an AdmissionReview    | {"apiVersion": "v1", "kind": "Pod"}   | expected apiVersion admission.k8s.io/v1 and kind AdmissionReview, got v1 Pod
            an older AdmissionReview version   | {"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview", "request": {"uid": "u"}} | expected apiVersion admission.k8s.io/v1
            no request                         | {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"} | AdmissionReview has no request
            a request that is not an object    | {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": "x"} | AdmissionReview has no request
            no uid                             | {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"operation": "CREATE"}} | AdmissionReview request has no uid
            a blank uid                        | {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "  "}} | AdmissionReview request has no uid
            """)
    void aBodyThatIsNotAnAdmissionReviewIsA400WithAReadableError(String what, String body, String error) {
        send(body)
                .statusCode(400)
                .contentType(ContentType.JSON)
                .body("code", equalTo(400))
                .body("error", startsWith(error));
    }

    @Test
    void aRequestWithNoBodyAtAllIsA400() {
        given().when().post("/validate").then()
                .statusCode(400)
                .contentType(ContentType.JSON)
                .body("error", notNullValue());
    }

    @Test
    void aBodyOverTheLimitIsA413() throws Exception {
        ObjectNode review = fixture("create-configmap.json");
        ((ObjectNode) review.get("request").get("object")).putObject("data").put("blob", "x".repeat(5 * 1024 * 1024));
        byte[] body = review.toString().getBytes(StandardCharsets.UTF_8);
        assertThat(body.length).isGreaterThan(5_000_000);
        // With "Expect: 100-continue" the server answers from the headers alone; without it the client
        // may still be writing when the server answers 413 and closes (a broken pipe on the client side).
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(validate.toURI())
                .expectContinue(true).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void aBodyJustUnderTheLimitIsAnswered() {
        ObjectNode review = fixture("create-configmap.json");
        ((ObjectNode) review.get("request").get("object")).putObject("data").put("blob", "x".repeat(3 * 1024 * 1024));
        given().contentType(ContentType.JSON).body(review.toString()).when().post("/validate").then()
                .statusCode(200)
                .body("response.allowed", equalTo(true));
    }

    @Test
    void aBodyWithoutAContentTypeIsStillRead() {
        given().body(fixture("delete-allow-dns.json").toString().getBytes(StandardCharsets.UTF_8))
                .when().post("/validate").then()
                .statusCode(200)
                .body("response.allowed", equalTo(false));
    }

    @Test
    void strangeButWellFormedRequestsAreNeverA500() {
        for (String request : List.of(
                "{\"uid\": \"a\"}",
                "{\"uid\": \"b\", \"kind\": \"NetworkPolicy\", \"operation\": 7}",
                "{\"uid\": \"c\", \"kind\": {\"group\": \"networking.k8s.io\", \"kind\": \"NetworkPolicy\"}, \"operation\": \"CREATE\", \"object\": []}",
                "{\"uid\": \"d\", \"kind\": {\"group\": \"networking.k8s.io\", \"kind\": \"NetworkPolicy\"}, \"operation\": \"UPDATE\", \"object\": {\"spec\": {}}}",
                "{\"uid\": \"e\", \"kind\": {\"group\": \"networking.k8s.io\", \"kind\": \"NetworkPolicy\"}, \"operation\": \"DELETE\"}",
                "{\"uid\": \"f\", \"kind\": {\"group\": \"\", \"kind\": \"Namespace\"}, \"operation\": \"UPDATE\", \"object\": {\"metadata\": {\"labels\": {\"a\": 1}}}}",
                "{\"uid\": \"g\", \"kind\": {\"group\": \"dynatrace.com\", \"kind\": \"DynaKube\"}, \"operation\": \"CREATE\", \"namespace\": \"dynatrace\", \"object\": {\"metadata\": {\"name\": \"x\"}, \"spec\": \"nonsense\"}}",
                "{\"uid\": \"h\", \"kind\": {\"group\": \"dynatrace.com\", \"kind\": \"EdgeConnect\"}, \"operation\": \"CREATE\", \"object\": {\"metadata\": {}}}")) {
            String body = "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": " + request + "}";
            send(body).statusCode(200).body("response.allowed", equalTo(true)).body("response.uid", not(nullValue()));
        }
    }

    private static org.hamcrest.Matcher<Object> lengthAtMost256() {
        return new org.hamcrest.TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(Object item) {
                return item instanceof String s && s.length() <= 256;
            }

            @Override
            public void describeTo(org.hamcrest.Description description) {
                description.appendText("a string of at most 256 characters");
            }
        };
    }

    @Test
    void theLoggedLatencyHasThreeDecimalsWhateverTheLocale() {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.GERMANY);
            assertThat(ValidateResource.millis(85_400)).isEqualTo("0.085");
            assertThat(ValidateResource.millis(999_600)).isEqualTo("1.000");
            assertThat(ValidateResource.millis(1_234_567_890)).isEqualTo("1234.568");
            assertThat(ValidateResource.millis(0)).isEqualTo("0.000");
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }
}

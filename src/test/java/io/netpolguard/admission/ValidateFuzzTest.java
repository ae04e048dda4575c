package io.netpolguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.fuzz.FuzzInput;
import io.netpolguard.fuzz.ShortRun;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 §5: POST /validate on hostile bodies never answers 5xx. The bodies are those of
 * {@link AdmissionReviewFuzzTest} (mutated scenario and webhook requests, broken JSON, invalid UTF-8), sent with
 * assorted Content-Type headers to the running webhook (the example cluster, as in {@link ValidateResourceTest}).
 * A 200 is an AdmissionReview answer whose warnings never show an exception (the server's catch-all for a failed
 * check, which would hide a bug behind an allow); a 400 says what is wrong. Each answer within
 * {@code fuzz.timeout-seconds} (5 s). {@code -Dfuzz.tries=N} sends more.
 */
@QuarkusTest
class ValidateFuzzTest {
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json", "application/json",
            "application/json; charset=utf-16", "text/plain", "application/octet-stream", "application/yaml", "*/*",
            "application/json; charset=nonsense", "a", ";;");
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TestHTTPResource("/validate")
    URL validate;


    @Test
    void hostileBodiesNeverGetA5xx() throws URISyntaxException {
        URI uri = validate.toURI();
        ShortRun.run("POST /validate", 50, AdmissionReviewFuzzTest::generate, input -> send(uri, input));
    }

    private static void send(URI uri, FuzzInput input) {
        // the content type is drawn from the body's length, so that the input alone reproduces the request
        String contentType = CONTENT_TYPES.get(input.bytes().length % CONTENT_TYPES.size());
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(Long.getLong("fuzz.timeout-seconds", 5)))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(input.bytes())).build();
        HttpResponse<String> response;
        try {
            response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("POST /validate failed (" + e + ") with Content-Type " + contentType + " on " + input, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        String what = "answer " + response.statusCode() + " " + response.body() + " to Content-Type " + contentType
                + " and " + input;
        assertThat(response.statusCode()).as(what).isLessThan(500);
        if (response.statusCode() == 200) {
            JsonNode answer = json(response.body(), what);
            assertThat(answer.path("apiVersion").asText()).as(what).isEqualTo("admission.k8s.io/v1");
            assertThat(answer.path("response").path("uid").asText()).as(what).isNotBlank();
            assertThat(answer.path("response").path("allowed").isBoolean()).as(what).isTrue();
            answer.path("response").path("warnings").forEach(warning -> assertThat(warning.asText()).as(what)
                    .doesNotContain("failed to check").doesNotContain("Exception"));
        } else if (response.statusCode() == 400) {
            assertThat(json(response.body(), what).path("error").asText()).as(what).isNotBlank();
        }
    }

    private static JsonNode json(String body, String what) {
        try {
            return Manifests.JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + what, e);
        }
    }
}

package io.netpolguard.server;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/** AdmissionReview fixtures from src/test/resources/webhook/ and a way to send them to POST /validate. */
public final class WebhookRequests {
    public static final ObjectMapper JSON = new ObjectMapper();

    /** Exactly what the guard answers while its source has not synced (GuardServer.SYNCING_WARNING). */
    public static final String SYNCING_WARNING = GuardServer.SYNCING_WARNING;

    private WebhookRequests() {
    }

    /** The fixture as a tree, to send as is or with a variation. */
    public static ObjectNode fixture(String name) {
        try (InputStream in = WebhookRequests.class.getResourceAsStream("/webhook/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture src/test/resources/webhook/" + name);
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode fixture(String name, Consumer<ObjectNode> request) {
        ObjectNode review = fixture(name);
        request.accept((ObjectNode) review.get("request"));
        return review;
    }

    /** POSTs the review and checks the protocol envelope of a successful answer. */
    public static ValidatableResponse review(ObjectNode review) {
        return send(review.toString()).statusCode(200).contentType(ContentType.JSON);
    }

    public static ValidatableResponse review(String fixture) {
        return review(fixture(fixture));
    }

    public static ValidatableResponse send(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/validate").then();
    }
}

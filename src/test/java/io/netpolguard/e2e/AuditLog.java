package io.netpolguard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The API server's JSON audit log (one audit.k8s.io/v1 Event a line). */
final class AuditLog {
    private final Path file;

    AuditLog(Path file) {
        this.file = file;
    }

    /** Every ResponseComplete event matching {@code filter}, in log order. */
    List<JsonNode> events(Predicate<JsonNode> filter) {
        List<JsonNode> events = new ArrayList<>();
        try {
            if (!Files.exists(file)) {
                return events;
            }
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode event;
                try {
                    event = KubeEnvironment.JSON.readTree(line);
                } catch (IOException e) {
                    continue; // a line being written right now
                }
                if ("ResponseComplete".equals(event.path("stage").asText()) && filter.test(event)) {
                    events.add(event);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    /** Events of {@code user} doing {@code verb} on {@code resource} named {@code name} in {@code namespace}. */
    static Predicate<JsonNode> request(String user, String verb, String resource, String namespace, String name) {
        return event -> event.path("user").path("username").asText().equals(user)
                && event.path("verb").asText().equals(verb)
                && event.path("objectRef").path("resource").asText().equals(resource)
                && event.path("objectRef").path("namespace").asText().equals(namespace)
                && (name == null || event.path("objectRef").path("name").asText().equals(name)
                        || event.path("requestURI").asText().contains(name));
    }

    static String annotation(JsonNode event, String key) {
        JsonNode value = event.path("annotations").get(key);
        return value == null ? null : value.asText();
    }

    static boolean dryRun(JsonNode event) {
        return event.path("requestURI").asText().contains("dryRun=All");
    }
}

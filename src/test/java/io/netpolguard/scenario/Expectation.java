package io.netpolguard.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.guard.FlowResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a scenario's {@code scenario.yaml} says the guard must answer, independent of the Java API:
 * it is checked against the AdmissionReview response JSON (from the handler, the webhook or a real
 * API server's audit) and against flow statuses keyed as reports show them.
 *
 * @param blockedFlows the exact, sorted content of the audit annotation {@code blocked-flows}; empty = absent
 * @param warningsStartWith every warning starts with one of these and every one starts some warning;
 *     empty = no warnings at all
 * @param messageContains strings the denial message contains (only for denied requests)
 * @param exemption the audit annotation {@code exemption}; null = absent
 * @param exemptedBy the audit annotation {@code exempted-by} (who made the exempted change); null = absent
 * @param check flow key ({@code id}, or {@code id (DynaKube ns/name)}) to status in the before-cluster;
 *     a bare id applies to every instance, status {@code not-required} means no instance
 */
public record Expectation(boolean allowed, String decision, List<String> blockedFlows, List<String> warningsStartWith,
        List<String> messageContains, String exemption, String exemptedBy, Map<String, String> check) {
    public static final String NOT_REQUIRED = "not-required";

    public Expectation {
        blockedFlows = List.copyOf(blockedFlows);
        warningsStartWith = List.copyOf(warningsStartWith);
        messageContains = List.copyOf(messageContains);
        check = Map.copyOf(check);
        if (!List.of("allow", "warn", "deny").contains(decision)) {
            throw new IllegalArgumentException("decision must be allow, warn or deny, not '" + decision + "'");
        }
        if (allowed == "deny".equals(decision)) {
            throw new IllegalArgumentException("allowed: " + allowed + " contradicts decision: " + decision);
        }
    }

    /** Asserts an AdmissionReview response (or its {@code response} object); the message shows the response. */
    public void assertReview(JsonNode review, String uid) {
        JsonNode response = review.has("response") ? review.get("response") : review;
        List<String> failures = new ArrayList<>();
        if (review.has("response") && (!"admission.k8s.io/v1".equals(review.path("apiVersion").asText())
                || !"AdmissionReview".equals(review.path("kind").asText()))) {
            failures.add("not an admission.k8s.io/v1 AdmissionReview");
        }
        if (uid != null && !uid.equals(response.path("uid").asText(null))) {
            failures.add("uid: expected " + uid + ", got " + response.path("uid"));
        }
        if (!response.path("allowed").isBoolean() || response.path("allowed").asBoolean() != allowed) {
            failures.add("allowed: expected " + allowed + ", got " + response.path("allowed"));
        }
        JsonNode audit = response.path("auditAnnotations");
        if (!decision.equals(audit.path("decision").asText(null))) {
            failures.add("decision: expected " + decision + ", got " + audit.path("decision"));
        }
        String blocked = audit.path("blocked-flows").asText(null);
        List<String> actualBlocked = blocked == null ? List.of() : Arrays.asList(blocked.split(","));
        if (!actualBlocked.equals(blockedFlows.stream().sorted().toList())) {
            failures.add("blocked-flows: expected " + (blockedFlows.isEmpty() ? "absent" : String.join(",",
                    blockedFlows.stream().sorted().toList())) + ", got " + (blocked == null ? "absent" : blocked));
        }
        if (blocked != null && blocked.isEmpty()) {
            failures.add("blocked-flows is present but empty");
        }
        String actualExemptedBy = audit.path("exempted-by").asText(null);
        if (exemptedBy == null ? actualExemptedBy != null : !exemptedBy.equals(actualExemptedBy)) {
            failures.add("exempted-by: expected " + (exemptedBy == null ? "absent" : exemptedBy) + ", got "
                    + (actualExemptedBy == null ? "absent" : actualExemptedBy));
        }
        String actualExemption = audit.path("exemption").asText(null);
        if (exemption == null ? actualExemption != null : !exemption.equals(actualExemption)) {
            failures.add("exemption: expected " + (exemption == null ? "absent" : exemption) + ", got "
                    + (actualExemption == null ? "absent" : actualExemption));
        }
        List<String> warnings = new ArrayList<>();
        response.path("warnings").forEach(w -> warnings.add(w.asText()));
        for (String warning : warnings) {
            if (warningsStartWith.stream().noneMatch(warning::startsWith)) {
                failures.add("unexpected warning (starts with none of " + warningsStartWith + "): " + warning);
            }
            if (warning.length() > 256) {
                failures.add("warning longer than 256 characters: " + warning);
            }
        }
        for (String prefix : warningsStartWith) {
            if (warnings.stream().noneMatch(w -> w.startsWith(prefix))) {
                failures.add("no warning starts with '" + prefix + "'");
            }
        }
        JsonNode status = response.path("status");
        if (allowed) {
            if (!status.isMissingNode()) {
                failures.add("an allowed response has a status: " + status);
            }
        } else {
            if (status.path("code").asInt() != 403) {
                failures.add("status.code: expected 403, got " + status.path("code"));
            }
            String message = status.path("message").asText("");
            for (String part : messageContains) {
                if (!message.contains(part)) {
                    failures.add("the denial message does not contain '" + part + "'");
                }
            }
        }
        if (!messageContains.isEmpty() && allowed) {
            failures.add("messageContains is set but the scenario expects the request to be allowed");
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(String.join("\n", failures) + "\n--- actual response:\n" + pretty(review));
        }
    }

    /** Asserts {@link #check()} against flow statuses keyed {@code id} or {@code id (owner)}. */
    public void assertCheck(Map<String, String> statuses) {
        List<String> failures = new ArrayList<>();
        check.forEach((key, expected) -> {
            List<String> matching = statuses.entrySet().stream()
                    .filter(e -> e.getKey().equals(key) || e.getKey().startsWith(key + " ("))
                    .map(e -> e.getKey() + "=" + e.getValue()).toList();
            if (NOT_REQUIRED.equals(expected)) {
                if (!matching.isEmpty()) {
                    failures.add(key + ": expected not required, got " + matching);
                }
            } else if (matching.isEmpty()) {
                failures.add(key + ": expected " + expected + ", but the flow is not required");
            } else if (matching.stream().anyMatch(m -> !m.endsWith("=" + expected))) {
                failures.add(key + ": expected " + expected + ", got " + matching);
            }
        });
        if (!failures.isEmpty()) {
            throw new AssertionError("check of the before-cluster:\n" + String.join("\n", failures) + "\n--- actual:\n"
                    + String.join("\n", new TreeMap<>(statuses).entrySet().stream()
                            .map(e -> e.getKey() + ": " + e.getValue()).toList()));
        }
    }

    /** Flow statuses keyed as reports show them: {@code id}, or {@code id (owner)} for per-object flows. */
    public static Map<String, String> statuses(List<FlowResult> results) {
        Map<String, String> statuses = new LinkedHashMap<>();
        for (FlowResult result : results) {
            statuses.put(result.flow().key(), result.status().id());
        }
        return statuses;
    }

    static String pretty(JsonNode node) {
        try {
            return Manifests.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node);
        } catch (Exception e) {
            return node.toString();
        }
    }
}

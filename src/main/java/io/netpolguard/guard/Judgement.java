package io.netpolguard.guard;

import java.util.List;
import java.util.Map;

/**
 * The guard's answer to a change: the decision, the findings behind it, the warnings for the user,
 * the denial message and the audit annotations.
 */
public record Judgement(Decision decision, List<Finding> findings, List<String> warnings, String denialMessage,
        Map<String, String> auditAnnotations) {

    public Judgement {
        findings = List.copyOf(findings);
        warnings = List.copyOf(warnings);
        // sorted: the response (and the CLI's review output) is the same from one run to the next
        auditAnnotations = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(Map.copyOf(auditAnnotations)));
    }

    /** This judgement with one more audit annotation. */
    public Judgement withAuditAnnotation(String key, String value) {
        Map<String, String> annotations = new java.util.LinkedHashMap<>(auditAnnotations);
        annotations.put(key, value);
        return new Judgement(decision, findings, warnings, denialMessage, annotations);
    }

    public boolean allowed() {
        return decision != Decision.DENY;
    }

    /** Each flow this change makes unverifiable, as {@code id: reason}. */
    public List<String> newlyUnverifiable() {
        return findings.stream().filter(f -> f.kind() == Finding.Kind.NEWLY_UNVERIFIABLE)
                .map(f -> f.flowId() + ": " + FlowExplainer.reason(f.result())).distinct().toList();
    }

    /** The ids of newly blocked flows, sorted and unique. */
    public List<String> newlyBlockedFlowIds() {
        return findings.stream().filter(f -> f.kind() == Finding.Kind.NEWLY_BLOCKED).map(Finding::flowId).distinct()
                .sorted().toList();
    }
}

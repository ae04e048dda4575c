package io.netpolguard.guard;

import io.netpolguard.cluster.Change;
import io.netpolguard.dynatrace.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns findings into a decision, warnings, a denial message and audit annotations. */
final class JudgementBuilder {
    static final String DECISION = "decision";
    static final String BLOCKED_FLOWS = "blocked-flows";
    static final String EXEMPTION = "exemption";

    private final Change change;
    private final FlowExplainer explainer;
    private final String exemption;

    JudgementBuilder(Change change, FlowExplainer explainer, String exemption) {
        this.change = change;
        this.explainer = explainer;
        this.exemption = exemption;
    }

    static Judgement allow() {
        return new Judgement(Decision.ALLOW, List.of(), List.of(), null, Map.of(DECISION, Decision.ALLOW.id()));
    }

    static Judgement unreadable(Change change, String problem) {
        String warning = FlowExplainer.warning("netpol-guard could not read this " + change.kind()
                + " and did not check it: " + problem);
        return new Judgement(Decision.WARN, List.of(), List.of(warning), null, Map.of(DECISION, Decision.WARN.id()));
    }

    Judgement build(List<Finding> findings, List<String> problems) {
        List<String> warnings = new ArrayList<>();
        List<Finding> denying = findings.stream().filter(Finding::denies).toList();
        List<String> stillBlocked = new ArrayList<>();
        for (Finding finding : findings) {
            switch (finding.kind()) {
                case NEWLY_BLOCKED -> {
                    if (!finding.denies()) {
                        String summary = explainer.summary(finding.result());
                        String why = exemption != null && finding.severity() == Severity.CRITICAL ? " (exempted: " + exemption + ")" : "";
                        warnings.add(FlowExplainer.warning(summary.replaceFirst(": blocked", ": newly blocked by this change"
                                + why)));
                    }
                }
                case NEWLY_UNVERIFIABLE -> warnings.add(FlowExplainer.warning(explainer.summary(finding.result())
                        .replaceFirst(": unverifiable",
                        finding.result().blockedUnlessUnread() ? ": cannot be verified after this change, which blocks it "
                                + "unless a policy the guard cannot read allows it" : ": cannot be verified after this change")));
                case STILL_BLOCKED -> stillBlocked.add(finding.flowId());
                case UNBLOCKED -> warnings.add(FlowExplainer.warning(finding.flowId() + ": unblocked by this change"
                        + (finding.result().flow().owner().isEmpty() ? "" : " [" + finding.result().flow().owner() + "]")));
                default -> throw new IllegalStateException();
            }
        }
        if (!stillBlocked.isEmpty()) {
            warnings.add(FlowExplainer.warning("already blocked before this change (not caused by it, not a reason to deny): "
                    + String.join(", ", stillBlocked.stream().distinct().sorted().toList())));
        }
        problems.forEach(p -> warnings.add(FlowExplainer.warning(p)));

        boolean concerns = findings.stream().anyMatch(f -> f.kind() != Finding.Kind.UNBLOCKED) || !problems.isEmpty();
        Decision decision = !denying.isEmpty() ? Decision.DENY : concerns ? Decision.WARN : Decision.ALLOW;
        Map<String, String> audit = new LinkedHashMap<>();
        audit.put(DECISION, decision.id());
        List<String> newlyBlocked = findings.stream().filter(f -> f.kind() == Finding.Kind.NEWLY_BLOCKED)
                .map(Finding::flowId).distinct().sorted().toList();
        if (!newlyBlocked.isEmpty()) {
            audit.put(BLOCKED_FLOWS, String.join(",", newlyBlocked));
        }
        if (exemption != null) {
            audit.put(EXEMPTION, exemption);
        }
        return new Judgement(decision, findings, warnings, denying.isEmpty() ? null : denialMessage(denying), audit);
    }

    /** Before the change, which rules of the changed cluster-wide policy allowed which flows (empty for other changes). */
    private Map<String, java.util.Set<String>> allowedByChangedPolicy = Map.of();

    JudgementBuilder allowedBefore(Map<String, java.util.Set<String>> rulesToFlows) {
        this.allowedByChangedPolicy = rulesToFlows;
        return this;
    }

    private String denialMessage(List<Finding> denying) {
        StringBuilder message = new StringBuilder("netpol-guard denied ").append(change.describe()).append(": it would block ")
                .append(denying.size()).append(denying.size() == 1 ? " flow" : " flows")
                .append(" the Dynatrace Operator needs.\n");
        java.util.Set<String> denied = new java.util.TreeSet<>(denying.stream().map(Finding::flowId).toList());
        allowedByChangedPolicy.forEach((rule, flows) -> {
            List<String> now = flows.stream().filter(denied::contains).toList();
            if (!now.isEmpty()) {
                message.append("Before this change, ").append(rule).append(" allowed ").append(String.join(", ", now))
                        .append(".\n");
            }
        });
        // flows blocked for one cause (deleting a namespace's DNS policy) are explained once, with one fix
        Map<Object, List<FlowResult>> byCause = new LinkedHashMap<>();
        for (Finding finding : denying) {
            FlowExplainer.Cause cause = FlowExplainer.cause(finding.result());
            byCause.computeIfAbsent(cause == null ? finding : cause, c -> new ArrayList<>()).add(finding.result());
        }
        int number = 1;
        for (List<FlowResult> results : byCause.values()) {
            if (results.stream().map(r -> r.flow().id()).distinct().count() > 1) {
                message.append('\n').append(number++).append(". ").append(explainer.explainTogether(results)).append('\n');
                continue;
            }
            for (FlowResult result : results) {
                message.append('\n').append(number++).append(". ").append(explainer.explainBriefly(result)).append('\n');
            }
        }
        message.append("\nAllow these flows (for example with the ")
                .append(change instanceof Change.ClusterPolicyChange ? "rules" : "policies")
                .append(" above), or, if this is intended, annotate the ").append(change.kind())
                .append(change.namespace() == null ? "" : " or its namespace").append(" with ")
                .append(GuardSettings.EXEMPT_ANNOTATION).append(": \"<reason>\".");
        return message.toString();
    }
}

package io.netpolguard.admission;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.guard.FlowExplainer;
import io.netpolguard.guard.Guard;
import io.netpolguard.guard.Judgement;
import java.util.List;
import java.util.Map;

/**
 * Answers one AdmissionReview against a snapshot: the protocol around the guard's judgement. Used
 * by the webhook and by the {@code review} command, so both answer the same.
 */
public final class AdmissionHandler {
    private final Guard guard;

    public AdmissionHandler(Guard guard) {
        this.guard = guard;
    }

    /** The outcome of one request: the response body plus what the decision log line needs. */
    public record Outcome(AdmissionRequest request, Map<String, Object> response, String decision,
            List<String> blockedFlows, List<String> unverifiableFlows) {

        public Outcome(AdmissionRequest request, Map<String, Object> response, String decision, List<String> blockedFlows) {
            this(request, response, decision, blockedFlows, List.of());
        }
    }

    static final String EXEMPTION = "exemption";
    static final String EXEMPTED_BY = "exempted-by";

    public Outcome handle(AdmissionRequest request, ClusterSnapshot snapshot) {
        if (request.unreadable() != null) {
            String warning = FlowExplainer.warning("netpol-guard could not read this " + request.kind()
                    + " and did not check it: " + request.unreadable());
            return new Outcome(request, AdmissionResponses.allow(request.uid(), List.of(warning), "warn"), "warn", List.of());
        }
        if (request.change() == null) {
            return new Outcome(request, AdmissionResponses.allow(request.uid(), List.of(), "allow"), "allow", List.of());
        }
        Judgement judgement = guard.judge(snapshot, request.change());
        if (judgement.auditAnnotations().containsKey(EXEMPTION) && request.user() != null && !request.user().isEmpty()) {
            // who made the exempted change; that they may grant exemptions is checked by the admission policy
            // netpol-guard-exemption-approval (k8s/base/exemption-policy.yaml) before the change reaches the guard
            judgement = judgement.withAuditAnnotation(EXEMPTED_BY, request.user());
        }
        return new Outcome(request, AdmissionResponses.review(request.uid(), judgement), judgement.decision().id(),
                judgement.newlyBlockedFlowIds(), judgement.newlyUnverifiable());
    }
}

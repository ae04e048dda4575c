package io.netpolguard.admission;

import io.netpolguard.guard.Judgement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the AdmissionReview response: uid, allowed, status on denial, warnings, audit annotations. */
public final class AdmissionResponses {

    private AdmissionResponses() {
    }

    public static Map<String, Object> review(String uid, Judgement judgement) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("uid", uid);
        response.put("allowed", judgement.allowed());
        if (!judgement.allowed()) {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("code", 403);
            status.put("reason", "Forbidden");
            status.put("message", judgement.denialMessage());
            response.put("status", status);
        }
        if (!judgement.warnings().isEmpty()) {
            response.put("warnings", judgement.warnings());
        }
        response.put("auditAnnotations", judgement.auditAnnotations());
        return envelope(response);
    }

    /** Allowed without judging (a kind that is not checked), or allowed with a warning (unreadable, not synced). */
    public static Map<String, Object> allow(String uid, List<String> warnings, String decision) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("uid", uid);
        response.put("allowed", true);
        if (!warnings.isEmpty()) {
            response.put("warnings", warnings);
        }
        response.put("auditAnnotations", Map.of("decision", decision));
        return envelope(response);
    }

    private static Map<String, Object> envelope(Map<String, Object> response) {
        Map<String, Object> review = new LinkedHashMap<>();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        review.put("response", response);
        return review;
    }
}

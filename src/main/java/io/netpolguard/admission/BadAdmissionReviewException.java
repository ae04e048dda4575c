package io.netpolguard.admission;

/** The body is not an admission.k8s.io/v1 AdmissionReview request: a 400 for the webhook, exit 2 for review. */
public class BadAdmissionReviewException extends RuntimeException {
    public BadAdmissionReviewException(String message) {
        super(message);
    }
}

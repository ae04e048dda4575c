package io.netpolguard.admission;

import io.netpolguard.cluster.Change;

/**
 * The parts of an AdmissionReview request the guard uses. {@code change} is null when the request
 * is about something the guard does not judge ({@code skipReason} says why) or when its object
 * could not be read ({@code unreadable} says why). {@code user} is who asked (request.userInfo.username).
 */
public record AdmissionRequest(String uid, String kind, String operation, String namespace, String name, boolean dryRun,
        Change change, String skipReason, String unreadable, String user) {

    public String describe() {
        return operation + " " + kind + " " + (namespace == null || namespace.isEmpty() ? name : namespace + "/" + name);
    }
}

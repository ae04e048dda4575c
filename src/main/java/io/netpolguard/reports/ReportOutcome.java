package io.netpolguard.reports;

import java.util.Locale;

/** The {@code result} of one PolicyReport result (wgpolicyk8s.io/v1alpha2); {@code skip} is never written. */
public enum ReportOutcome {
    /** The flow is allowed. */
    PASS,
    /** The flow is blocked and the guard would deny a change that blocked it (critical, enforced). */
    FAIL,
    /** The flow is blocked but the guard would only warn (a warning flow, or mode warn), or a problem of the audit. */
    WARN,
    /** The flow cannot be verified: the guard cannot tell whether it is allowed. */
    ERROR;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

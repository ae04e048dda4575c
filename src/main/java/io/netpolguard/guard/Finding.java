package io.netpolguard.guard;

import io.netpolguard.dynatrace.Severity;

/** How a change affects one required flow. */
public record Finding(Kind kind, FlowResult result, Severity severity, boolean denies) {

    public enum Kind {
        /** Allowed (or not required) before, blocked after. */
        NEWLY_BLOCKED,
        /**
         * Allowed before, unverifiable after; or unverifiable before and after, newly blocked by the policies the guard
         * reads (a policy it cannot read may still allow it).
         */
        NEWLY_UNVERIFIABLE,
        /** Blocked before and after: never a reason to deny. */
        STILL_BLOCKED,
        /** Blocked before, no longer blocked after. */
        UNBLOCKED
    }

    public String flowId() {
        return result.flow().id();
    }
}

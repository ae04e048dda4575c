package io.netpolguard.guard;

import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.netpol.Outcome;
import java.util.List;

/** A required flow evaluated on one snapshot. */
public record FlowResult(RequiredFlow flow, FlowStatus status, List<ConnectionResult> connections) {

    public List<ConnectionResult> withStatus(FlowStatus wanted) {
        return connections.stream().filter(c -> c.status() == wanted).toList();
    }

    /**
     * Whether the policies the guard reads block a connection of this unverifiable flow: only a policy it does not
     * evaluate or may not list could still let it through.
     */
    public boolean blockedUnlessUnread() {
        return status == FlowStatus.UNVERIFIABLE && connections.stream()
                .anyMatch(c -> c.verdict() != null && c.verdict().judgedOutcome() == Outcome.BLOCKED);
    }
}

package io.netpolguard.guard;

import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.netpol.Outcome;
import java.util.ArrayList;
import java.util.List;

/** A required flow evaluated on one snapshot. */
public record FlowResult(RequiredFlow flow, FlowStatus status, List<ConnectionResult> connections) {

    /** The connections with status {@code wanted}, in order. */
    public List<ConnectionResult> withStatus(FlowStatus wanted) {
        return withStatus(wanted, Integer.MAX_VALUE);
    }

    /** The first {@code limit} connections with status {@code wanted}, in order. */
    public List<ConnectionResult> withStatus(FlowStatus wanted, int limit) {
        List<ConnectionResult> with = new ArrayList<>();
        if (connections instanceof RejudgedConnections rejudged) {
            for (int index : rejudged.indicesWith(wanted, limit)) {
                with.add(connections.get(index));
            }
            return with;
        }
        for (int i = 0; i < connections.size() && with.size() < limit; i++) {
            if (statusAt(i) == wanted) {
                with.add(connections.get(i));
            }
        }
        return with;
    }

    /** How many connections have status {@code wanted}. */
    public int countWithStatus(FlowStatus wanted) {
        if (connections instanceof RejudgedConnections counted) {
            return counted.count(wanted);
        }
        int count = 0;
        for (int i = 0; i < connections.size(); i++) {
            count += statusAt(i) == wanted ? 1 : 0;
        }
        return count;
    }

    /** The first blocked connection, else the first unverifiable one, else null. */
    public ConnectionResult firstNotAllowed() {
        for (FlowStatus status : List.of(FlowStatus.BLOCKED, FlowStatus.UNVERIFIABLE)) {
            List<ConnectionResult> first = withStatus(status, 1);
            if (!first.isEmpty()) {
                return first.get(0);
            }
        }
        return null;
    }

    /** The status of connection {@code index}. */
    public FlowStatus statusAt(int index) {
        return RejudgedConnections.statusAt(connections, index);
    }

    /**
     * Whether the policies the guard reads block a connection of this unverifiable flow: only a policy it does not
     * evaluate or may not list could still let it through.
     */
    public boolean blockedUnlessUnread() {
        if (status != FlowStatus.UNVERIFIABLE) {
            return false;
        }
        for (int i = 0; i < connections.size(); i++) {
            // only an unverifiable connection can be blocked by the policies read alone: the others need no verdict
            if (statusAt(i) == FlowStatus.UNVERIFIABLE && connections.get(i).verdict() != null
                    && connections.get(i).verdict().judgedOutcome() == Outcome.BLOCKED) {
                return true;
            }
        }
        return false;
    }
}

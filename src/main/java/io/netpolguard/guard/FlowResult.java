package io.netpolguard.guard;

import io.netpolguard.dynatrace.RequiredFlow;
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
        for (int i = 0; i < connections.size() && with.size() < limit; i++) {
            if (statusAt(i) == wanted) {
                with.add(connections.get(i));
            }
        }
        return with;
    }

    /** How many connections have status {@code wanted}. */
    public int countWithStatus(FlowStatus wanted) {
        int count = 0;
        for (int i = 0; i < connections.size(); i++) {
            count += statusAt(i) == wanted ? 1 : 0;
        }
        return count;
    }

    /** The first blocked connection, else the first unverifiable one, else null. */
    public ConnectionResult firstNotAllowed() {
        int unverifiable = -1;
        for (int i = 0; i < connections.size(); i++) {
            FlowStatus status = statusAt(i);
            if (status == FlowStatus.BLOCKED) {
                return connections.get(i);
            }
            if (unverifiable < 0 && status == FlowStatus.UNVERIFIABLE) {
                unverifiable = i;
            }
        }
        return unverifiable < 0 ? null : connections.get(unverifiable);
    }

    /** The status of connection {@code index}. */
    public FlowStatus statusAt(int index) {
        return RejudgedConnections.statusAt(connections, index);
    }
}

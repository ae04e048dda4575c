package io.netpolguard.guard;

import io.netpolguard.dynatrace.RequiredFlow;
import java.util.List;

/** A required flow evaluated on one snapshot. */
public record FlowResult(RequiredFlow flow, FlowStatus status, List<ConnectionResult> connections) {

    public List<ConnectionResult> withStatus(FlowStatus wanted) {
        return connections.stream().filter(c -> c.status() == wanted).toList();
    }
}

package io.netpolguard.guard;

import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.Verdict;
import java.util.List;

/**
 * Judges each connection of a required flow with the NetworkPolicy engine. A flow is blocked when
 * any of its connections is blocked, unverifiable when none is blocked but one depends on an
 * unknown address, and not applicable when every connection touches a host-network pod.
 */
public final class FlowEvaluator {

    private FlowEvaluator() {
    }

    /** One connection of a flow. */
    static ConnectionResult evaluate(FlowConnection connection, PolicyEngine engine) {
        if (connection.outsidePolicy()) {
            return new ConnectionResult(connection, null, FlowStatus.NOT_APPLICABLE);
        }
        return result(connection, engine.evaluate(connection.connection()));
    }

    /** A connection with its verdict. */
    static ConnectionResult result(FlowConnection connection, Verdict verdict) {
        return new ConnectionResult(connection, verdict, status(verdict.outcome()));
    }

    /** The status of a connection whose verdict has {@code outcome}. */
    static FlowStatus status(io.netpolguard.netpol.Outcome outcome) {
        return switch (outcome) {
            case ALLOWED -> FlowStatus.ALLOWED;
            case BLOCKED -> FlowStatus.BLOCKED;
            case UNDETERMINED -> FlowStatus.UNVERIFIABLE;
        };
    }

    /** A flow with the results of its connections, in the order of {@code flow.connections()}. */
    static FlowResult result(RequiredFlow flow, List<ConnectionResult> results) {
        return new FlowResult(flow, aggregate(flow, results), results);
    }

    private static FlowStatus aggregate(RequiredFlow flow, List<ConnectionResult> results) {
        if (flow.unverifiableReason() != null) {
            return FlowStatus.UNVERIFIABLE;
        }
        if (results instanceof RejudgedConnections counted) {
            return counted.count(FlowStatus.BLOCKED) > 0 ? FlowStatus.BLOCKED
                    : counted.count(FlowStatus.UNVERIFIABLE) > 0 ? FlowStatus.UNVERIFIABLE
                    : counted.count(FlowStatus.ALLOWED) > 0 ? FlowStatus.ALLOWED : FlowStatus.NOT_APPLICABLE;
        }
        boolean unverifiable = false;
        boolean allowed = false;
        for (ConnectionResult result : results) {
            switch (result.status()) {
                case BLOCKED -> {
                    return FlowStatus.BLOCKED;
                }
                case UNVERIFIABLE -> unverifiable = true;
                case ALLOWED -> allowed = true;
                default -> {
                }
            }
        }
        return unverifiable ? FlowStatus.UNVERIFIABLE : allowed ? FlowStatus.ALLOWED : FlowStatus.NOT_APPLICABLE;
    }
}

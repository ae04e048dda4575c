package io.netpolguard.guard;

import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.netpol.Verdict;

/** One connection of a flow with its verdict (null when host network makes it not applicable). */
public record ConnectionResult(FlowConnection connection, Verdict verdict, FlowStatus status) {
}

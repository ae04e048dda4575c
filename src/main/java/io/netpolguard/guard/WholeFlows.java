package io.netpolguard.guard;

import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PolicyEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A NetworkPolicy change in a namespace is judged on the connections with an end there; whether a flow
 * is newly blocked, unblocked or newly unverifiable is a question about the whole flow, as {@code check}
 * reports it. The flow's other connections are the same before and after the change (no policy of the
 * namespace applies to them), so they are judged once, and only for flows whose status the change moves.
 */
final class WholeFlows {

    /** The results before and after the change, of whole flows where it matters. */
    record Compared(List<FlowResult> before, List<FlowResult> after) {
    }

    private WholeFlows() {
    }

    /**
     * @param before results of the flows restricted to {@code namespace}, before the change
     * @param after the same flows in the same order, after the change
     * @param all the whole flows, of which {@code before} and {@code after} hold the connections in {@code namespace}
     */
    static Compared complete(List<FlowResult> before, List<FlowResult> after, List<RequiredFlow> all, String namespace,
            PolicyEngine engine) {
        List<FlowResult> wholeBefore = new ArrayList<>(before);
        List<FlowResult> wholeAfter = new ArrayList<>(after);
        Map<String, RequiredFlow> byKey = null;
        for (int i = 0; i < after.size(); i++) {
            if (before.get(i).status() == after.get(i).status()) {
                continue; // the outside connections are unchanged, so the whole flow's status is too
            }
            if (byKey == null) {
                byKey = new HashMap<>();
                for (RequiredFlow flow : all) {
                    byKey.put(flow.key(), flow);
                }
            }
            RequiredFlow whole = byKey.get(after.get(i).flow().key());
            List<ConnectionResult> outside = new ArrayList<>();
            for (FlowConnection connection : whole.connections()) {
                if (!touches(connection, namespace)) {
                    outside.add(FlowEvaluator.evaluate(connection, engine));
                }
            }
            if (!outside.isEmpty()) {
                wholeBefore.set(i, FlowEvaluator.result(whole, concat(before.get(i).connections(), outside)));
                wholeAfter.set(i, FlowEvaluator.result(whole, concat(after.get(i).connections(), outside)));
            }
        }
        return new Compared(wholeBefore, wholeAfter);
    }

    /** Whether a connection has an end in the namespace: the connections {@link DerivedFlows#touching} keeps. */
    static boolean touches(FlowConnection connection, String namespace) {
        return inNamespace(connection.connection().source(), namespace)
                || inNamespace(connection.connection().destination(), namespace);
    }

    private static boolean inNamespace(Endpoint endpoint, String namespace) {
        return endpoint instanceof PodEndpoint pod && pod.namespace().equals(namespace);
    }

    private static List<ConnectionResult> concat(List<ConnectionResult> first, List<ConnectionResult> second) {
        List<ConnectionResult> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}

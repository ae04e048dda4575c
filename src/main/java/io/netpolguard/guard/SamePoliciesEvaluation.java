package io.netpolguard.guard;

import io.netpolguard.dynatrace.AppRuns;
import io.netpolguard.dynatrace.SameConnections;
import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.PolicyEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * How a change that keeps the policies (a DynaKube, EdgeConnect or Namespace change) is judged: the results after it,
 * from the evaluation before it. Verdicts depend on policies, namespaces and endpoints; such a change keeps the
 * policies and the endpoints, so what was judged before holds wherever the connection is the very one judged, and only
 * new connections, and those with an end in a namespace whose labels changed, are judged (their statuses now, from the
 * engine's memoized decisions per peer class, their verdicts when a message reads them). New connections are not looked
 * up among all the connections judged before: indexing those (every connection of the cluster, again for each snapshot
 * under pod churn) cost ~4 ms per change at 100,000 pods, and on the bench cluster no DynaKube or Namespace change found
 * one there (0 of ~17,000 lookups per DynaKube update).
 */
final class SamePoliciesEvaluation {

    private SamePoliciesEvaluation() {
    }

    /**
     * The results after the change: a flow evaluated before keeps its result, a flow derived again keeps the results
     * of the very connections judged before, and new connections are judged. After a change of the labels of {@code namespace} (null for none) only
     * connections with an end in it can change their verdict (namespace labels count where a policy selects peers, or
     * cluster-wide policies select subjects, by them): those of the flows in {@code touching} are judged again, the
     * others keep theirs.
     *
     * @param touching the flows before the change with a connection that has an end in {@code namespace}
     * @param where where the flows before the change have connections (null without a namespace)
     * @param settings which flows are switched off
     */
    static List<FlowResult> after(List<RequiredFlow> flows, PolicyEngine engine, DerivedFlows.Evaluated before,
            List<RequiredFlow> touching, String namespace, Function<RequiredFlow, FlowNamespaces> where,
            GuardSettings settings) {
        Map<RequiredFlow, Integer> known = new IdentityHashMap<>(); // the index of each flow's result before
        Map<String, Integer> byKey = new HashMap<>();
        for (int f = 0; f < before.results().size(); f++) {
            known.put(before.results().get(f).flow(), f);
            byKey.put(before.results().get(f).flow().key(), f);
        }
        Set<RequiredFlow> touched = Collections.newSetFromMap(new IdentityHashMap<>());
        touched.addAll(touching);
        List<FlowResult> results = new ArrayList<>(flows.size());
        for (RequiredFlow flow : flows) {
            Integer index = known.get(flow);
            FlowResult result = index == null ? null : before.results().get(index);
            if (result != null && !touched.contains(flow)) {
                results.add(result);
                continue;
            }
            if (settings.flowMode(flow.id()) == Mode.OFF) {
                continue;
            }
            if (result != null) { // the same flow: only its connections with an end in the namespace are judged again
                results.add(FlowEvaluator.result(flow, rejudgedIn(result, before.statuses(index),
                        where.apply(flow).in(namespace), engine)));
                continue;
            }
            Integer sameKey = byKey.get(flow.key());
            results.add(FlowEvaluator.result(flow, sameKey == null ? fresh(flow, engine)
                    : derivedAgain(flow, before.results().get(sameKey), before.statuses(sameKey),
                            namespace == null ? new int[0] : where.apply(before.results().get(sameKey).flow())
                                    .in(namespace), engine)));
        }
        return results;
    }

    /** The connections of a new flow, each judged: its status now, its verdict when read. */
    private static RejudgedConnections fresh(RequiredFlow flow, PolicyEngine engine) {
        List<FlowConnection> flowConnections = flow.connections();
        byte[] status = new byte[flowConnections.size()];
        for (int c = 0; c < status.length; c++) {
            status[c] = statusNow(flowConnections.get(c).connection(), engine);
        }
        return withStatuses(flowConnections, status, null, null, engine);
    }

    /**
     * The connections of a flow derived again from {@code previous} (its result before the change, {@code statuses} its
     * status), most of them the very connections judged then (the other namespaces' apps when only one namespace's
     * were looked at again): those keep their results unless they have an end in the changed namespace
     * ({@code inNamespace}: the indices of such connections in {@code previous}); the others are judged like those of
     * a new flow. Costs the connections that are new or judged again, a walk of identities and a byte per connection:
     * nothing is kept per connection but its status.
     */
    private static RejudgedConnections derivedAgain(RequiredFlow flow, FlowResult previous,
            RejudgedConnections.Statuses statuses, int[] inNamespace, PolicyEngine engine) {
        List<FlowConnection> flowConnections = flow.connections();
        // each new connection's status, found while the walk has its ends at hand; OUTSIDE_POLICY: judged in full later
        byte[] status = new byte[flowConnections.size()];
        SameConnections same = ResultReuse.sameConnections(flow, previous.flow(), new AppRuns.FreshConnections() {
            @Override
            public void judge(Connection connection, int index) {
                status[index] = statusNow(connection, engine);
            }

            @Override
            public List<Cidr> alikeOutside(String namespace, Endpoint destination) {
                return engine.alikeOutside(namespace, destination);
            }

            @Override
            public void judgedLike(int from, int to, int period) {
                for (int c = from; c < to; c++) {
                    status[c] = status[c - period];
                }
            }
        });
        same.copyKept(statuses.each(), status);
        RejudgedConnections connections = withStatuses(flowConnections, status, same, previous, engine);
        if (inNamespace.length > 0) {
            int[] now = same.inverse(previous.connections().size()); // for each connection before, its index now, or -1
            for (int k : inNamespace) {
                if (now[k] >= 0) {
                    judge(connections, now[k], flowConnections.get(now[k]), engine);
                }
            }
        }
        return connections;
    }

    /**
     * The connections of a flow with the statuses found ({@link #statusNow}; those outside policy are judged in full
     * here): a connection kept from {@code previous} ({@code same}: its index there, or -1; null for none) reads its
     * result there, a new one gets its verdict when read.
     */
    private static RejudgedConnections withStatuses(List<FlowConnection> flowConnections, byte[] status,
            SameConnections same, FlowResult previous, PolicyEngine engine) {
        Map<Integer, ConnectionResult> outside = new HashMap<>();
        if (same == null) {
            judgeOutsidePolicy(flowConnections, status, 0, status.length, outside, engine);
        } else {
            for (int s = 0; s < same.stretches(); s++) {
                if (same.isNew(s)) { // a kept status is never OUTSIDE_POLICY
                    judgeOutsidePolicy(flowConnections, status, same.start(s), same.end(s), outside, engine);
                }
            }
        }
        return RejudgedConnections.derived(status, c -> {
            int before = same == null ? -1 : same.at(c);
            return before >= 0 ? previous.connections().get(before) : outside.get(c);
        }, c -> FlowEvaluator.evaluate(flowConnections.get(c), engine));
    }

    /** The connections from {@code from} to {@code to} (exclusive) whose status is OUTSIDE_POLICY are judged in full. */
    private static void judgeOutsidePolicy(List<FlowConnection> flowConnections, byte[] status, int from, int to,
            Map<Integer, ConnectionResult> outside, PolicyEngine engine) {
        for (int c = from; c < to; c++) {
            if (status[c] == OUTSIDE_POLICY) {
                ConnectionResult result = FlowEvaluator.evaluate(flowConnections.get(c), engine);
                outside.put(c, result);
                status[c] = (byte) result.status().ordinal();
            }
        }
    }

    private static final FlowStatus[] STATUSES = FlowStatus.values();
    private static final byte OUTSIDE_POLICY = -1;

    /** Connection {@code c} is judged: now when outside policy, else its status now and its verdict when read. */
    private static void judge(RejudgedConnections connections, int c, FlowConnection connection, PolicyEngine engine) {
        judge(connections, c, statusNow(connection.connection(), engine));
    }

    /** The status of {@code connection} now ({@link FlowStatus#ordinal()}), or OUTSIDE_POLICY: judged in full. */
    private static byte statusNow(Connection connection, PolicyEngine engine) {
        return FlowConnection.outsidePolicy(connection) ? OUTSIDE_POLICY
                : (byte) FlowEvaluator.status(engine.outcome(connection)).ordinal();
    }

    /** Connection {@code c} gets {@code status} ({@link #statusNow}), its verdict made when read, or is judged now. */
    private static void judge(RejudgedConnections connections, int c, byte status) {
        if (status == OUTSIDE_POLICY) {
            connections.judgeNow(c);
        } else {
            connections.judgeLater(c, STATUSES[status]);
        }
    }

    /**
     * The connections of {@code result} (judged before the change, {@code statuses} its statuses) with those at
     * {@code positions} judged again: their status now, their verdicts when read.
     */
    private static RejudgedConnections rejudgedIn(FlowResult result, RejudgedConnections.Statuses statuses,
            int[] positions, PolicyEngine engine) {
        RejudgedConnections connections = RejudgedConnections.after(result.connections(), statuses,
                previous -> FlowEvaluator.evaluate(previous.connection(), engine));
        for (int c : positions) {
            judge(connections, c, result.flow().connections().get(c), engine);
        }
        return connections;
    }
}

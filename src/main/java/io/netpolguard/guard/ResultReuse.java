package io.netpolguard.guard;

import io.netpolguard.dynatrace.AppRuns;
import io.netpolguard.dynatrace.SameConnections;
import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PolicyEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Judges the flows derived again after a pod change, taking what was judged before wherever it still holds (the
 * caller makes sure policies, namespaces, nodes and address families are the same, so a connection between the same
 * endpoints has the same verdict). A flow that is the very flow judged before keeps its result. A flow of the same key
 * keeps the result of every connection that is the very connection judged before at the same place of its
 * namespace's run (flows from the monitored apps list them namespace by namespace, in name order), and only its other connections
 * go to the engine. Any other flow is judged by {@code evaluator}, as without reuse.
 */
final class ResultReuse {
    private ResultReuse() {
    }

    /** Leaves new connections unjudged. */
    private static final AppRuns.FreshConnections IGNORED = new AppRuns.FreshConnections() {
        @Override
        public void judge(Connection connection, int index) {
        }

        @Override
        public List<Cidr> alikeOutside(String namespace, Endpoint destination) {
            return null;
        }

        @Override
        public void judgedLike(int from, int to, int period) {
        }
    };

    /**
     * @param before results judged on an earlier snapshot with the same policies, namespaces, nodes and families, by
     *               flow key
     * @param evaluator what judges flows without reuse (and leaves out the flows it does not judge)
     * @return what {@code evaluator.apply(flows)} returns, equal to it
     */
    static List<FlowResult> evaluate(List<RequiredFlow> flows, Map<String, FlowResult> before, PolicyEngine engine,
            Function<List<RequiredFlow>, List<FlowResult>> evaluator) {
        List<FlowResult> results = new ArrayList<>(flows.size());
        for (RequiredFlow flow : flows) {
            FlowResult previous = before.get(flow.key());
            if (previous != null && previous.flow() == flow) {
                results.add(previous);
            } else if (previous != null) { // judged before, so not switched off: its flow id is the same
                results.add(FlowEvaluator.result(flow, connections(flow, previous, engine)));
            } else {
                results.addAll(evaluator.apply(List.of(flow)));
            }
        }
        return results;
    }

    /**
     * The results of the connections of {@code flow}, kept from {@code previous} where its connection is the same
     * object. Both lists are walked side by side; where they part, the walk in {@code previous} skips to the
     * namespace of the connection at hand (flows from the monitored apps list their connections by namespace, in name
     * order), so a replaced namespace costs its own connections, not the flow's.
     */
    private static List<ConnectionResult> connections(RequiredFlow flow, FlowResult previous, PolicyEngine engine) {
        SameConnections same = sameConnections(flow, previous.flow());
        List<ConnectionResult> connections = new ArrayList<>(same.size());
        for (int c = 0; c < same.size(); c++) {
            int before = same.at(c);
            connections.add(before >= 0 ? previous.connections().get(before)
                    : FlowEvaluator.evaluate(flow.connections().get(c), engine));
        }
        return connections;
    }

    /**
     * For each connection of {@code flow}, the index in {@code previous} of the very same connection object, else -1.
     * Both lists are walked side by side; where they part, the walk in {@code previous} skips to the namespace of the
     * connection at hand (flows from the monitored apps list their connections by namespace, in name order), so a
     * replaced namespace costs its own connections, not the flow's.
     */
    static SameConnections sameConnections(RequiredFlow flow, RequiredFlow previous) {
        return sameConnections(flow, previous, IGNORED);
    }

    /**
     * Like {@link #sameConnections(RequiredFlow, RequiredFlow)}, handing each connection of {@code flow} not found in
     * {@code previous} to {@code fresh} (with its index) as soon as it is known new: the walk has just read its ends, so judging it then
     * reads them from the cache.
     */
    static SameConnections sameConnections(RequiredFlow flow, RequiredFlow previous, AppRuns.FreshConnections fresh) {
        SameConnections byRuns = AppRuns.sameConnections(flow.connections(), previous.connections(), fresh);
        return byRuns != null ? byRuns
                : SameConnections.of(sameConnections(flow.connections(), null, previous.connections(), null, fresh));
    }

    /**
     * Like {@link #sameConnections(RequiredFlow, RequiredFlow)} for some connections of each flow: for the connection
     * of {@code all} at each index of {@code allAt}, the index in {@code judged} of the very same connection among
     * those at {@code judgedAt}, else -1; both index arrays ascending, null for every index. The indices found ascend.
     */
    static int[] sameConnections(List<FlowConnection> all, int[] allAt, List<FlowConnection> judged, int[] judgedAt) {
        return sameConnections(all, allAt, judged, judgedAt, IGNORED);
    }

    private static int[] sameConnections(List<FlowConnection> all, int[] allAt, List<FlowConnection> judged,
            int[] judgedAt, AppRuns.FreshConnections fresh) {
        int size = allAt == null ? all.size() : allAt.length;
        int judgedSize = judgedAt == null ? judged.size() : judgedAt.length;
        int[] same = new int[size];
        int at = 0; // in judgedAt
        // where the last skip stopped, and for which namespace: the next connection of that namespace stops there too
        int skippedTo = -1;
        String skippedFor = null;
        for (int c = 0; c < size; c++) {
            FlowConnection connection = all.get(allAt == null ? c : allAt[c]);
            if (at < judgedSize && judged.get(judgedAt == null ? at : judgedAt[at]) != connection) {
                String namespace = namespaceOf(connection);
                if (at != skippedTo || !namespace.equals(skippedFor)) {
                    while (at < judgedSize && namespaceOf(judged.get(judgedAt == null ? at : judgedAt[at]))
                            .compareTo(namespace) < 0) {
                        at++;
                    }
                    skippedTo = at;
                    skippedFor = namespace;
                }
            }
            int index = at < judgedSize ? judgedAt == null ? at : judgedAt[at] : -1;
            same[c] = index >= 0 && judged.get(index) == connection ? index : -1;
            if (same[c] >= 0) {
                at++;
            } else {
                fresh.judge(connection.connection(), c);
            }
        }
        return same;
    }

    /** The namespace of the source when it is a pod, else empty. */
    private static String namespaceOf(FlowConnection connection) {
        return connection.source().endpoint() instanceof PodEndpoint pod ? pod.namespace() : "";
    }
}

package io.netpolguard.guard;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PolicyEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a NetworkPolicy change is judged: the results after a change of policy {@code namespace/name}, from
 * those before it. Only connections the change can affect are judged again, those with a side (the
 * source's egress, the destination's ingress) on a pod of {@code namespace} that the old or the new version
 * of the policy selects and isolates in that direction. Every other side sees the same isolating policies
 * in the same order as before (other namespaces share their policy lists; the rest of this namespace's keep
 * their order), so its verdict is the one before. The same results as judging every connection again,
 * without its cost in a namespace every monitored application talks to: the connections are found through
 * an index by label set ({@link Sides}).
 */
final class PolicyChangeRejudging {

    private PolicyChangeRejudging() {
    }

    /** @param evaluated the flows with a connection in {@code namespace}, evaluated before the change */
    static List<FlowResult> after(DerivedFlows.Evaluated evaluated, ClusterSnapshot before, ClusterSnapshot after,
            String namespace, String name) {
        List<CompiledPolicy> changed = new ArrayList<>();
        before.policies().in(namespace).policies().stream().filter(p -> p.name().equals(name)).forEach(changed::add);
        after.policies().in(namespace).policies().stream().filter(p -> p.name().equals(name)).forEach(changed::add);
        List<FlowResult> beforeResults = evaluated.results();
        Sides sides = evaluated.sides(namespace);
        PolicyEngine engine = after.engine();
        Map<Integer, List<ConnectionResult>> rejudged = new HashMap<>();
        for (Direction direction : Direction.values()) {
            sides.of(direction).forEach((labels, positions) -> {
                if (!selectsAndIsolates(changed, labels, direction)) {
                    return;
                }
                for (Position position : positions) {
                    List<ConnectionResult> connections = rejudged.computeIfAbsent(position.flow(),
                            f -> new ArrayList<>(beforeResults.get(f).connections()));
                    ConnectionResult previous = connections.get(position.connection());
                    connections.set(position.connection(), FlowEvaluator.result(previous.connection(),
                            engine.evaluateAfterChangeIn(namespace, previous.verdict())));
                }
            });
        }
        if (rejudged.isEmpty()) {
            return beforeResults;
        }
        List<FlowResult> results = new ArrayList<>(beforeResults);
        rejudged.forEach((flow, connections) -> results.set(flow, FlowEvaluator.result(results.get(flow).flow(), connections)));
        return results;
    }

    private static boolean selectsAndIsolates(List<CompiledPolicy> policies, LabelSet labels, Direction direction) {
        for (CompiledPolicy policy : policies) {
            if (policy.isolates(direction) && policy.podSelector().matches(labels)) {
                return true;
            }
        }
        return false;
    }

    /** A connection of the evaluated results: the index of its flow and its index in that flow. */
    record Position(int flow, int connection) {
    }

    /**
     * The connections of evaluated flows with a side in a namespace that policies there can isolate (a pod, not in
     * the host network; judged, not not-applicable), by direction and label set of that pod.
     */
    record Sides(Map<LabelSet, List<Position>> egress, Map<LabelSet, List<Position>> ingress) {
        Map<LabelSet, List<Position>> of(Direction direction) {
            return direction == Direction.INGRESS ? ingress : egress;
        }

        static Sides of(List<FlowResult> results, String namespace) {
            Map<LabelSet, List<Position>> egress = new HashMap<>();
            Map<LabelSet, List<Position>> ingress = new HashMap<>();
            for (int f = 0; f < results.size(); f++) {
                List<ConnectionResult> connections = results.get(f).connections();
                for (int c = 0; c < connections.size(); c++) {
                    if (connections.get(c).verdict() == null) {
                        continue;
                    }
                    Connection connection = connections.get(c).connection().connection();
                    Position position = new Position(f, c);
                    add(egress, connection.source(), namespace, position);
                    add(ingress, connection.destination(), namespace, position);
                }
            }
            return new Sides(Map.copyOf(egress), Map.copyOf(ingress));
        }

        private static void add(Map<LabelSet, List<Position>> index, Endpoint end, String namespace, Position position) {
            if (end instanceof PodEndpoint pod && !pod.hostNetwork() && pod.namespace().equals(namespace)) {
                index.computeIfAbsent(pod.labels(), l -> new ArrayList<>()).add(position);
            }
        }
    }
}

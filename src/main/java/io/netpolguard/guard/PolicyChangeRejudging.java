package io.netpolguard.guard;

import static io.netpolguard.guard.ConnectionSides.connectionOf;
import static io.netpolguard.guard.ConnectionSides.flowOf;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.Outcome;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.Protocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * How a NetworkPolicy change is judged: the results after a change of policy {@code namespace/name}, from
 * those before it. Only connections the change can affect are judged again, those with a side (the
 * source's egress, the destination's ingress) on a pod of {@code namespace} that the old or the new version
 * of the policy selects and isolates in that direction. Every other side sees the same isolating policies
 * in the same order as before (other namespaces share their policy lists; the rest of this namespace's keep
 * their order), so its verdict is the one before. The same results as judging every connection again,
 * without its cost in a namespace every monitored application talks to: the connections are found through
 * an index by label set ({@link ConnectionSides}), and when the changed side decides pods of other namespaces by their
 * namespace alone (no rule looks at pod labels or port names, no ipBlock holds one of their addresses), the
 * connections with the pods of one namespace share one outcome of that side: their statuses
 * follow from it, and their verdicts are made only when a message needs them ({@link RejudgedConnections}).
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
        ConnectionSides sides = evaluated.sides(namespace);
        PolicyEngine engine = after.engine();
        UnaryOperator<ConnectionResult> judge = previous -> FlowEvaluator.result(previous.connection(),
                engine.evaluateAfterChangeIn(namespace, previous.verdict()));
        RejudgedConnections[] rejudged = new RejudgedConnections[beforeResults.size()];
        IntFunction<RejudgedConnections> flow = f -> {
            if (rejudged[f] == null) {
                rejudged[f] = RejudgedConnections.after(beforeResults.get(f).connections(), evaluated.statuses(f), judge);
            }
            return rejudged[f];
        };
        for (Direction direction : Direction.values()) {
            sides.of(direction).forEach((labels, side) -> {
                if (!selectsAndIsolates(changed, labels, direction)) {
                    return;
                }
                List<Cidr> ranges = engine.podPeersByNamespaceOutside(namespace, labels, direction);
                if (ranges == null) {
                    judgeNow(side.all(), flow);
                    return;
                }
                judgeNow(side.others(), flow);
                // groups of namespaces this side cannot tell apart share its outcome: judged once, from one connection
                Map<PeerClass, Outcome> byClass = new HashMap<>();
                Function<String, LabelSet> classes = engine.peerNamespaceClasses(namespace, labels, direction);
                for (ConnectionSides.PeerGroup group : side.byPeerNamespace()) {
                    if (group.anyAddressIn(ranges)) { // an ipBlock may tell these peers apart
                        judgeNow(group.positions(), flow);
                        continue;
                    }
                    // one outcome of this side for the group; the peer's side, in another namespace, stays as it was
                    ConnectionSides.PeerNamespace peer = group.key();
                    PeerClass peerClass = new PeerClass(classes.apply(peer.namespace()),
                            peer.namespace().equals(namespace), peer.port(), peer.protocol());
                    Outcome changedSide = byClass.get(peerClass);
                    if (changedSide == null) {
                        long firstPosition = group.positions()[0];
                        Connection first = flow.apply(flowOf(firstPosition)).before(connectionOf(firstPosition))
                                .connection().connection();
                        changedSide = engine.sideOutcome(direction, first);
                        byClass.put(peerClass, changedSide);
                    }
                    for (int g = 0; g < group.size(); g++) {
                        long position = group.positions()[g];
                        flow.apply(flowOf(position)).judgeLater(connectionOf(position),
                                FlowEvaluator.status(changedSide.and(group.peerSides()[g])));
                    }
                }
            });
        }
        List<FlowResult> results = null;
        for (int f = 0; f < rejudged.length; f++) {
            if (rejudged[f] != null) {
                results = results == null ? new ArrayList<>(beforeResults) : results;
                results.set(f, FlowEvaluator.result(results.get(f).flow(), rejudged[f]));
            }
        }
        return results == null ? beforeResults : results;
    }

    /** What the changed side looks at in a peer namespace's group ({@link PolicyEngine#peerNamespaceClasses}). */
    private record PeerClass(LabelSet namespaceLabels, boolean sameNamespace, int port, Protocol protocol) {
    }

    private static void judgeNow(long[] positions, IntFunction<RejudgedConnections> flow) {
        for (long position : positions) {
            flow.apply(flowOf(position)).judgeNow(connectionOf(position));
        }
    }

    private static boolean selectsAndIsolates(List<CompiledPolicy> policies, LabelSet labels, Direction direction) {
        for (CompiledPolicy policy : policies) {
            if (policy.isolates(direction) && policy.podSelector().matches(labels)) {
                return true;
            }
        }
        return false;
    }
}

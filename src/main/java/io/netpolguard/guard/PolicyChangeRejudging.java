package io.netpolguard.guard;

import static io.netpolguard.guard.ConnectionSides.connectionOf;
import static io.netpolguard.guard.ConnectionSides.flowOf;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.Outcome;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.Protocol;
import io.netpolguard.netpol.Verdict;
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
                    judgeByPeer(side.all(), direction, namespace, engine, flow);
                    return;
                }
                judgeByPeer(side.others(), direction, namespace, engine, flow);
                // groups of namespaces this side cannot tell apart share its outcome: judged once, from one connection
                Map<PeerClass, Outcome> byClass = new HashMap<>();
                Function<String, LabelSet> classes = engine.peerNamespaceClasses(namespace, labels, direction);
                for (ConnectionSides.PeerGroup group : side.byPeerNamespace()) {
                    if (group.anyAddressIn(ranges)) { // an ipBlock may tell these peers apart
                        judgeByPeer(group.positions(), direction, namespace, engine, flow);
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

    /**
     * Judges the connections at {@code positions}, whose changed sides are pods with the same labels in
     * {@code namespace}. Where the peer's side cannot change (the peer is not a pod of {@code namespace} that policies
     * select), the changed side's outcome follows from the peer, the port and the protocol (and on an ingress side the
     * subject's declared ports, which named ports resolve against): found once per such peer, each status follows from
     * it and the peer's side as it was. A host's connections from every app of a namespace cost one judgement. The
     * others are judged in full.
     */
    private static void judgeByPeer(long[] positions, Direction direction, String namespace, PolicyEngine engine,
            IntFunction<RejudgedConnections> flow) {
        PeerOutcomes byPeer = new PeerOutcomes();
        Direction peerDirection = direction == Direction.EGRESS ? Direction.INGRESS : Direction.EGRESS;
        for (long position : positions) {
            RejudgedConnections connections = flow.apply(flowOf(position));
            int index = connectionOf(position);
            Verdict before = connections.before(index).verdict();
            Connection connection = before.connection();
            Endpoint peer = direction == Direction.EGRESS ? connection.destination() : connection.source();
            if (before.isToItself()
                    || peer instanceof PodEndpoint pod && !pod.hostNetwork() && pod.namespace().equals(namespace)) {
                connections.judgeNow(index);
                continue;
            }
            List<ContainerPort> subjectPorts = direction == Direction.INGRESS
                    ? ((PodEndpoint) connection.destination()).ports() : null;
            Outcome changedSide = byPeer.get(peer, connection.port(), connection.protocol(), subjectPorts);
            if (changedSide == null) {
                changedSide = engine.sideOutcome(direction, connection);
                byPeer.put(peer, connection.port(), connection.protocol(), subjectPorts, changedSide);
            }
            connections.judgeLater(index, FlowEvaluator.status(changedSide.and(before.side(peerDirection).outcome())));
        }
    }

    /**
     * The changed side's outcome per peer (the very endpoint), port and protocol, and the subject's declared ports
     * where they count. A side mostly has a few peers (an ActiveGate, a host): the first few are found by identity
     * without a key object per connection, any more through a map.
     */
    private static final class PeerOutcomes {
        private static final int FEW = 8;
        private final Object[][] few = new Object[FEW][];
        private int fewSize;
        private Map<PeerKey, Outcome> more;

        Outcome get(Endpoint peer, int port, Protocol protocol, List<ContainerPort> subjectPorts) {
            for (int e = 0; e < fewSize; e++) {
                Object[] entry = few[e];
                if (entry[0] == peer && (Integer) entry[1] == port && entry[2] == protocol && entry[3] == subjectPorts) {
                    return (Outcome) entry[4];
                }
            }
            return more == null ? null : more.get(new PeerKey(peer, port, protocol, subjectPorts));
        }

        void put(Endpoint peer, int port, Protocol protocol, List<ContainerPort> subjectPorts, Outcome outcome) {
            if (fewSize < FEW) {
                few[fewSize++] = new Object[] {peer, port, protocol, subjectPorts, outcome};
                return;
            }
            if (more == null) {
                more = new HashMap<>();
            }
            more.put(new PeerKey(peer, port, protocol, subjectPorts), outcome);
        }
    }

    /** A peer (the very endpoint), port and protocol, and the subject's declared ports, compared by identity. */
    private record PeerKey(Endpoint peer, int port, Protocol protocol, List<ContainerPort> subjectPorts) {
        @Override
        public boolean equals(Object other) {
            return other instanceof PeerKey that && peer == that.peer && port == that.port && protocol == that.protocol
                    && subjectPorts == that.subjectPorts;
        }

        @Override
        public int hashCode() {
            return (System.identityHashCode(peer) * 31 + port) * 31 + protocol.hashCode()
                    + System.identityHashCode(subjectPorts);
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

package io.netpolguard.guard;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.Outcome;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.Protocol;
import io.netpolguard.netpol.Verdict;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * an index by label set ({@link Sides}), and when the changed side decides pods of other namespaces by their
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
        Sides sides = evaluated.sides(namespace);
        PolicyEngine engine = after.engine();
        UnaryOperator<ConnectionResult> judge = previous -> FlowEvaluator.result(previous.connection(),
                engine.evaluateAfterChangeIn(namespace, previous.verdict()));
        RejudgedConnections[] rejudged = new RejudgedConnections[beforeResults.size()];
        IntFunction<RejudgedConnections> flow = f -> {
            if (rejudged[f] == null) {
                rejudged[f] = RejudgedConnections.after(beforeResults.get(f).connections(), evaluated.statusCounts(f), judge);
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
                    side.all().forEach(p -> flow.apply(p.flow()).judgeNow(p.connection()));
                    return;
                }
                side.others().forEach(p -> flow.apply(p.flow()).judgeNow(p.connection()));
                for (PeerGroup group : side.byPeerNamespace()) {
                    if (group.anyAddressIn(ranges)) { // an ipBlock may tell these peers apart
                        for (int g = 0; g < group.size(); g++) {
                            flow.apply(group.flows()[g]).judgeNow(group.connections()[g]);
                        }
                        continue;
                    }
                    // one outcome of this side for the group; the peer's side, in another namespace, stays as it was
                    Connection first = flow.apply(group.flows()[0]).before(group.connections()[0]).connection()
                            .connection();
                    Outcome changedSide = engine.sideOutcome(direction, first);
                    for (int g = 0; g < group.size(); g++) {
                        flow.apply(group.flows()[g]).judgeLater(group.connections()[g],
                                FlowEvaluator.status(changedSide.and(group.peerSide(g))));
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
    record Sides(Map<LabelSet, Side> egress, Map<LabelSet, Side> ingress) {
        Map<LabelSet, Side> of(Direction direction) {
            return direction == Direction.INGRESS ? ingress : egress;
        }

        /** @param where where each result's flow has connections */
        static Sides of(List<FlowResult> results, String namespace,
                java.util.function.Function<io.netpolguard.dynatrace.RequiredFlow, FlowNamespaces> where) {
            SideIndex egress = new SideIndex();
            SideIndex ingress = new SideIndex();
            for (int f = 0; f < results.size(); f++) {
                List<ConnectionResult> connections = results.get(f).connections();
                for (int c : where.apply(results.get(f).flow()).in(namespace)) {
                    Verdict verdict = connections.get(c).verdict();
                    if (verdict == null) {
                        continue;
                    }
                    Connection connection = verdict.connection();
                    Position position = new Position(f, c);
                    add(egress, Direction.EGRESS, connection, verdict, namespace, position);
                    add(ingress, Direction.INGRESS, connection, verdict, namespace, position);
                }
            }
            return new Sides(build(egress.sides), build(ingress.sides));
        }

        private static void add(SideIndex index, Direction direction, Connection connection,
                Verdict verdict, String namespace, Position position) {
            Endpoint end = direction == Direction.EGRESS ? connection.source() : connection.destination();
            Endpoint peer = direction == Direction.EGRESS ? connection.destination() : connection.source();
            if (!(end instanceof PodEndpoint pod) || pod.hostNetwork() || !pod.namespace().equals(namespace)) {
                return;
            }
            SideBuilder side = index.of(pod.labels());
            side.all.add(position);
            if (!verdict.isToItself() && peer instanceof PodEndpoint other && !other.hostNetwork()
                    && !other.namespace().equals(namespace) && knownIpv4(other.addresses())) {
                Direction peerDirection = direction == Direction.EGRESS ? Direction.INGRESS : Direction.EGRESS;
                side.group(other.namespace(), connection.port(), connection.protocol())
                        .add(position, verdict.side(peerDirection).outcome(), other.addresses());
            } else {
                side.others.add(position);
            }
        }

        private static boolean knownIpv4(List<InetAddress> addresses) {
            for (int i = 0; i < addresses.size(); i++) {
                if (!(addresses.get(i) instanceof Inet4Address)) {
                    return false;
                }
            }
            return !addresses.isEmpty();
        }

        private static Map<LabelSet, Side> build(Map<LabelSet, SideBuilder> builders) {
            Map<LabelSet, Side> sides = new HashMap<>();
            builders.forEach((labels, b) -> sides.put(labels, new Side(List.copyOf(b.all),
                    b.byPeerNamespace.values().stream().map(PeerGroupBuilder::build).toList(), List.copyOf(b.others))));
            return Map.copyOf(sides);
        }
    }

    /**
     * The connections with one side on pods of one label set: all of them, those whose peer is a pod of another
     * namespace grouped by that namespace, port and protocol, and the others.
     */
    record Side(List<Position> all, List<PeerGroup> byPeerNamespace, List<Position> others) {
    }

    /**
     * Connections whose peers are pods of one other namespace with known IPv4 addresses, on one port and protocol,
     * with the outcome of each peer's side before the change and every peer address, in arrays: a change reads them
     * all, and must not chase a verdict for each.
     */
    record PeerGroup(int[] flows, int[] connections, Outcome[] peerSides, int[] addresses) {
        int size() {
            return flows.length;
        }

        Outcome peerSide(int index) {
            return peerSides[index];
        }

        /** Whether an address of a peer is in one of {@code ranges}. */
        boolean anyAddressIn(List<Cidr> ranges) {
            for (Cidr range : ranges) {
                if (!range.isIpv4()) {
                    continue;
                }
                int mask = range.prefixLength() == 0 ? 0 : -1 << (32 - range.prefixLength());
                int network = ipv4(range.network()) & mask;
                for (int address : addresses) {
                    if ((address & mask) == network) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private static int ipv4(byte[] bytes) {
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | bytes[3] & 0xff;
    }

    private record PeerNamespace(String namespace, int port, Protocol protocol) {
    }

    /** The sides by label set, the one added to last kept: a flow's connections to one pod come in a row. */
    private static final class SideIndex {
        private final Map<LabelSet, SideBuilder> sides = new HashMap<>();
        private LabelSet lastLabels;
        private SideBuilder last;

        SideBuilder of(LabelSet labels) {
            if (labels != lastLabels) {
                last = sides.computeIfAbsent(labels, l -> new SideBuilder());
                lastLabels = labels;
            }
            return last;
        }
    }

    private static final class SideBuilder {
        private final List<Position> all = new ArrayList<>();
        private final Map<PeerNamespace, PeerGroupBuilder> byPeerNamespace = new HashMap<>();
        private final List<Position> others = new ArrayList<>();
        /** The group added to last: the connections of a flow from the monitored apps come namespace by namespace. */
        private PeerNamespace lastKey;
        private PeerGroupBuilder lastGroup;

        PeerGroupBuilder group(String namespace, int port, Protocol protocol) {
            if (lastKey == null || lastKey.port() != port || lastKey.protocol() != protocol
                    || !lastKey.namespace().equals(namespace)) {
                lastKey = new PeerNamespace(namespace, port, protocol);
                lastGroup = byPeerNamespace.computeIfAbsent(lastKey, k -> new PeerGroupBuilder());
            }
            return lastGroup;
        }
    }

    private static final class PeerGroupBuilder {
        private int[] flows = new int[8];
        private int[] connections = new int[8];
        private Outcome[] peerSides = new Outcome[8];
        private int size;
        private int[] addresses = new int[8];
        private int addressCount;

        void add(Position position, Outcome peerSide, List<InetAddress> peerAddresses) {
            if (size == flows.length) {
                flows = java.util.Arrays.copyOf(flows, size * 2);
                connections = java.util.Arrays.copyOf(connections, size * 2);
                peerSides = java.util.Arrays.copyOf(peerSides, size * 2);
            }
            flows[size] = position.flow();
            connections[size] = position.connection();
            peerSides[size++] = peerSide;
            for (int i = 0; i < peerAddresses.size(); i++) {
                if (addressCount == addresses.length) {
                    addresses = java.util.Arrays.copyOf(addresses, addressCount * 2);
                }
                addresses[addressCount++] = ipv4(peerAddresses.get(i).getAddress());
            }
        }

        PeerGroup build() {
            int[] distinct = java.util.Arrays.copyOf(addresses, addressCount);
            java.util.Arrays.sort(distinct);
            int unique = 0;
            for (int i = 0; i < distinct.length; i++) {
                if (i == 0 || distinct[i] != distinct[i - 1]) {
                    distinct[unique++] = distinct[i];
                }
            }
            return new PeerGroup(java.util.Arrays.copyOf(flows, size), java.util.Arrays.copyOf(connections, size),
                    java.util.Arrays.copyOf(peerSides, size), java.util.Arrays.copyOf(distinct, unique));
        }
    }
}

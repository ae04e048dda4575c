package io.netpolguard.guard;

import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.Outcome;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import io.netpolguard.netpol.Verdict;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The connections of evaluated flows with a side in one namespace that policies there can isolate (a pod, not in the
 * host network; judged, not not-applicable), by direction and label set of that pod: what a policy change there
 * judges again ({@link PolicyChangeRejudging}). A connection is a position, its flow's index in the evaluated results
 * and its own index in that flow ({@link #position}).
 *
 * <p>In the operator's namespace this index holds a connection per monitored application, and pods churn all the
 * time: an index made for an earlier snapshot with the same policies is carried over ({@link #carriedOver}), each
 * connection that is still there moved to its place in the new results, only the new ones read.
 */
final class ConnectionSides {
    private static final int[] NONE = new int[0];
    /** Moves are kept by connection index for a flow with at least 1/8 of its connections in the namespace. */
    private static final long DENSE_SHARE = 8;
    private final Map<LabelSet, Side> egress;
    private final Map<LabelSet, Side> ingress;

    private ConnectionSides(Map<LabelSet, Side> egress, Map<LabelSet, Side> ingress) {
        this.egress = egress;
        this.ingress = ingress;
    }

    Map<LabelSet, Side> of(Direction direction) {
        return direction == Direction.INGRESS ? ingress : egress;
    }

    /** How many sides of connections are indexed (a connection with both ends in the namespace counts twice). */
    int size() {
        int size = 0;
        for (Side side : egress.values()) {
            size += side.all().length;
        }
        for (Side side : ingress.values()) {
            size += side.all().length;
        }
        return size;
    }

    static long position(int flow, int connection) {
        return (long) flow << 32 | connection & 0xffffffffL;
    }

    static int flowOf(long position) {
        return (int) (position >>> 32);
    }

    static int connectionOf(long position) {
        return (int) position;
    }

    /**
     * The connections with one side on pods of one label set: all of them, those whose peer is a pod of another
     * namespace grouped by that namespace, port and protocol, and the others.
     */
    record Side(long[] all, List<PeerGroup> byPeerNamespace, long[] others) {
    }

    /** The namespace, port and protocol the peers of a {@link PeerGroup} share. */
    record PeerNamespace(String namespace, int port, Protocol protocol) {
    }

    /**
     * Connections whose peers are pods of one other namespace with known IPv4 addresses, on one port and protocol,
     * with the outcome of each peer's side before the change and every peer address, in arrays: a change reads them
     * all, and must not chase a verdict for each.
     */
    record PeerGroup(PeerNamespace key, long[] positions, Outcome[] peerSides, int[] addresses) {
        int size() {
            return positions.length;
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

    /** @param where where each result's flow has connections */
    static ConnectionSides of(List<FlowResult> results, String namespace, Function<RequiredFlow, FlowNamespaces> where) {
        Builder builder = new Builder(namespace, results);
        for (int f = 0; f < results.size(); f++) {
            for (int c : where.apply(results.get(f).flow()).in(namespace)) {
                builder.add(position(f, c));
            }
        }
        return builder.build();
    }

    /**
     * The index for {@code results} made from {@code earlier}, the index of {@code earlierResults} (whose flows have
     * connections where {@code earlierWhere} says): both evaluated
     * under the same policies, namespaces, nodes and address families, so a connection that is the very connection
     * judged before has the same verdict and takes its place in the index, at its new position. Only connections not
     * in {@code earlierResults} are read; a peer group that lost a connection has its peer addresses taken again.
     * Equal to {@link #of} on {@code results}, but for the order of positions within a side or group.
     */
    static ConnectionSides carriedOver(ConnectionSides earlier, List<FlowResult> earlierResults,
            Function<RequiredFlow, FlowNamespaces> earlierWhere, List<FlowResult> results, String namespace,
            Function<RequiredFlow, FlowNamespaces> where) {
        return carriedOver(earlier, earlierResults, earlierWhere, results, namespace, where, DENSE_SHARE);
    }

    /**
     * {@link #carriedOver} where a flow's moves are kept by connection index when the namespace has at least
     * 1/{@code denseShare} of its connections, else by the namespace's connections alone (tests take both ways).
     */
    static ConnectionSides carriedOver(ConnectionSides earlier, List<FlowResult> earlierResults,
            Function<RequiredFlow, FlowNamespaces> earlierWhere, List<FlowResult> results, String namespace,
            Function<RequiredFlow, FlowNamespaces> where, long denseShare) {
        Moves moves = Moves.between(earlierResults, earlierWhere, results, where, namespace, denseShare);
        if (moves == null) {
            return of(results, namespace, where);
        }
        Builder builder = new Builder(namespace, results);
        for (Direction direction : Direction.values()) {
            SideIndex index = builder.index(direction);
            earlier.of(direction).forEach((labels, side) -> {
                SideBuilder to = index.of(labels);
                moves.moveAll(side.all(), to.all);
                moves.moveAll(side.others(), to.others);
                for (PeerGroup group : side.byPeerNamespace()) {
                    long[] moved = moves.moved(group.positions());
                    if (moved != null) {
                        to.seed(new PeerGroup(group.key(), moved, group.peerSides(), group.addresses()));
                        continue;
                    }
                    // a connection is gone: the addresses of the peers still there are taken again
                    for (int g = 0; g < group.size(); g++) {
                        long now = moves.move(group.positions()[g]);
                        if (now >= 0) {
                            to.group(group.key()).add(now, group.peerSides()[g], builder.peerAddresses(now, direction));
                        }
                    }
                }
            });
        }
        for (int f = 0; f < results.size(); f++) {
            for (int c : moves.freshIn(f)) {
                builder.add(position(f, c));
            }
        }
        return builder.build();
    }

    /**
     * Where the connections of earlier results with an end in the namespace are in later ones: a flow of the same key at
     * its new index, a connection that is the very same object at its new index in it ({@link
     * ResultReuse#sameConnections}). Costs the namespace's connections, not the flows'.
     */
    private static final class Moves {
        private final int[] flowNow;
        /**
         * Per earlier flow: null when its connections keep their indices, else its connections in the namespace when
         * they are few of its connections (then {@link #connectionNow} is by slot in this array, found by binary
         * search), or every index (null here, {@link #connectionNow} by index).
         */
        private final int[][] earlierAt;
        /** Per earlier flow: null when its connections keep their indices, else the index now of each one, or -1. */
        private final int[][] connectionNow;
        /** Per later flow: its connections in the namespace that were not there before. */
        private final int[][] fresh;

        private Moves(int[] flowNow, int[][] earlierAt, int[][] connectionNow, int[][] fresh) {
            this.flowNow = flowNow;
            this.earlierAt = earlierAt;
            this.connectionNow = connectionNow;
            this.fresh = fresh;
        }

        /** Null when a flow key is not unique: then positions cannot be carried over by key. */
        static Moves between(List<FlowResult> earlier, Function<RequiredFlow, FlowNamespaces> earlierWhere,
                List<FlowResult> later, Function<RequiredFlow, FlowNamespaces> where, String namespace,
                long denseShare) {
            Map<String, Integer> earlierByKey = new HashMap<>(earlier.size() * 2);
            for (int f = 0; f < earlier.size(); f++) {
                if (earlierByKey.put(earlier.get(f).flow().key(), f) != null) {
                    return null;
                }
            }
            int[] flowNow = new int[earlier.size()];
            Arrays.fill(flowNow, -1);
            int[][] earlierAt = new int[earlier.size()][];
            int[][] connectionNow = new int[earlier.size()][];
            int[][] fresh = new int[later.size()][];
            for (int f = 0; f < later.size(); f++) {
                RequiredFlow flow = later.get(f).flow();
                Integer before = earlierByKey.get(flow.key());
                fresh[f] = NONE;
                if (before == null) {
                    fresh[f] = where.apply(flow).in(namespace);
                    continue;
                }
                if (flowNow[before] >= 0) {
                    return null;
                }
                flowNow[before] = f;
                RequiredFlow previous = earlier.get(before).flow();
                if (previous == flow) {
                    continue;
                }
                int[] oldAt = earlierWhere.apply(previous).in(namespace);
                int[] newAt = where.apply(flow).in(namespace);
                int[] same = ResultReuse.sameConnections(flow.connections(), newAt, previous.connections(), oldAt);
                boolean dense = oldAt.length * denseShare >= previous.connections().size();
                int[] now = new int[dense ? previous.connections().size() : oldAt.length];
                Arrays.fill(now, -1);
                int[] added = new int[newAt.length];
                int addedCount = 0;
                int slot = 0;
                for (int i = 0; i < newAt.length; i++) {
                    if (same[i] < 0) {
                        added[addedCount++] = newAt[i];
                    } else if (dense) {
                        now[same[i]] = newAt[i];
                    } else {
                        while (oldAt[slot] != same[i]) { // the indices found ascend
                            slot++;
                        }
                        now[slot] = newAt[i];
                    }
                }
                earlierAt[before] = dense ? null : oldAt;
                connectionNow[before] = now;
                fresh[f] = Arrays.copyOf(added, addedCount);
            }
            return new Moves(flowNow, earlierAt, connectionNow, fresh);
        }

        /** The position now of the connection at {@code earlier}, or -1 when it is gone. */
        long move(long earlier) {
            int before = flowOf(earlier);
            int flow = flowNow[before];
            if (flow < 0) {
                return -1;
            }
            int[] now = connectionNow[before];
            if (now == null) {
                return position(flow, connectionOf(earlier));
            }
            int[] at = earlierAt[before];
            int connection = now[at == null ? connectionOf(earlier) : Arrays.binarySearch(at, connectionOf(earlier))];
            return connection < 0 ? -1 : position(flow, connection);
        }

        void moveAll(long[] earlier, Longs to) {
            for (long position : earlier) {
                long now = move(position);
                if (now >= 0) {
                    to.add(now);
                }
            }
        }

        /** {@code earlier} moved, or null when a connection is gone. */
        long[] moved(long[] earlier) {
            long[] moved = new long[earlier.length];
            for (int i = 0; i < earlier.length; i++) {
                moved[i] = move(earlier[i]);
                if (moved[i] < 0) {
                    return null;
                }
            }
            return moved;
        }

        /** The connections of later flow {@code flow} with an end in the namespace that were not there before. */
        int[] freshIn(int flow) {
            return fresh[flow];
        }
    }

    private static final class Builder {
        private final String namespace;
        private final List<FlowResult> results;
        private final SideIndex egress = new SideIndex();
        private final SideIndex ingress = new SideIndex();

        Builder(String namespace, List<FlowResult> results) {
            this.namespace = namespace;
            this.results = results;
        }

        SideIndex index(Direction direction) {
            return direction == Direction.INGRESS ? ingress : egress;
        }

        void add(long position) {
            Verdict verdict = results.get(flowOf(position)).connections().get(connectionOf(position)).verdict();
            if (verdict == null) {
                return;
            }
            add(Direction.EGRESS, verdict, position);
            add(Direction.INGRESS, verdict, position);
        }

        private void add(Direction direction, Verdict verdict, long position) {
            Connection connection = verdict.connection();
            Endpoint end = direction == Direction.EGRESS ? connection.source() : connection.destination();
            Endpoint peer = direction == Direction.EGRESS ? connection.destination() : connection.source();
            if (!(end instanceof PodEndpoint pod) || pod.hostNetwork() || !pod.namespace().equals(namespace)) {
                return;
            }
            SideBuilder side = index(direction).of(pod.labels());
            side.all.add(position);
            if (!verdict.isToItself() && peer instanceof PodEndpoint other && !other.hostNetwork()
                    && !other.namespace().equals(namespace) && knownIpv4(other.addresses())) {
                side.group(other.namespace(), connection.port(), connection.protocol())
                        .add(position, verdict.side(peerDirection(direction)).outcome(), other.addresses());
            } else {
                side.others.add(position);
            }
        }

        /** The addresses of the peer of the side in {@code direction} of the connection at {@code position}. */
        List<InetAddress> peerAddresses(long position, Direction direction) {
            Connection connection = results.get(flowOf(position)).connections().get(connectionOf(position)).verdict()
                    .connection();
            Endpoint peer = direction == Direction.EGRESS ? connection.destination() : connection.source();
            return ((PodEndpoint) peer).addresses();
        }

        ConnectionSides build() {
            return new ConnectionSides(egress.build(), ingress.build());
        }
    }

    private static Direction peerDirection(Direction direction) {
        return direction == Direction.EGRESS ? Direction.INGRESS : Direction.EGRESS;
    }

    private static boolean knownIpv4(List<InetAddress> addresses) {
        for (int i = 0; i < addresses.size(); i++) {
            if (!(addresses.get(i) instanceof Inet4Address)) {
                return false;
            }
        }
        return !addresses.isEmpty();
    }

    private static int ipv4(byte[] bytes) {
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | bytes[3] & 0xff;
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

        Map<LabelSet, Side> build() {
            Map<LabelSet, Side> built = new HashMap<>();
            sides.forEach((labels, b) -> {
                if (b.all.size() > 0) {
                    built.put(labels, new Side(b.all.toArray(),
                            b.byPeerNamespace.values().stream().map(PeerGroupBuilder::build).toList(),
                            b.others.toArray()));
                }
            });
            return Map.copyOf(built);
        }
    }

    private static final class SideBuilder {
        private final Longs all = new Longs();
        private final Map<PeerNamespace, PeerGroupBuilder> byPeerNamespace = new HashMap<>();
        private final Longs others = new Longs();
        /** The group added to last: the connections of a flow from the monitored apps come namespace by namespace. */
        private PeerNamespace lastKey;
        private PeerGroupBuilder lastGroup;

        PeerGroupBuilder group(String namespace, int port, Protocol protocol) {
            if (lastKey == null || lastKey.port() != port || lastKey.protocol() != protocol
                    || !lastKey.namespace().equals(namespace)) {
                return group(new PeerNamespace(namespace, port, protocol));
            }
            return lastGroup;
        }

        PeerGroupBuilder group(PeerNamespace key) {
            lastKey = key;
            lastGroup = byPeerNamespace.computeIfAbsent(key, k -> new PeerGroupBuilder(k));
            return lastGroup;
        }

        /** A group carried over whole, to which new connections may still be added. */
        void seed(PeerGroup group) {
            PeerGroupBuilder builder = new PeerGroupBuilder(group.key());
            builder.seeded = group;
            PeerGroupBuilder before = byPeerNamespace.put(group.key(), builder);
            if (before != null) { // not expected: one group per key in an index
                builder.addAll(before.build());
            }
            lastKey = null;
        }
    }

    private static final class PeerGroupBuilder {
        private final PeerNamespace key;
        /** The group carried over, while nothing is added to it. */
        private PeerGroup seeded;
        private final Longs positions = new Longs();
        private Outcome[] peerSides = new Outcome[8];
        private int[] addresses = new int[8];
        private int addressCount;

        PeerGroupBuilder(PeerNamespace key) {
            this.key = key;
        }

        void add(long position, Outcome peerSide, List<InetAddress> peerAddresses) {
            unseed();
            append(position, peerSide);
            for (int i = 0; i < peerAddresses.size(); i++) {
                addAddress(ipv4(peerAddresses.get(i).getAddress()));
            }
        }

        void addAll(PeerGroup group) {
            unseed();
            for (int g = 0; g < group.size(); g++) {
                append(group.positions()[g], group.peerSides()[g]);
            }
            for (int address : group.addresses()) {
                addAddress(address);
            }
        }

        /** Takes the group carried over into the arrays, before something is added to it. */
        private void unseed() {
            if (seeded != null) {
                PeerGroup group = seeded;
                seeded = null;
                addAll(group);
            }
        }

        private void append(long position, Outcome peerSide) {
            if (positions.size() == peerSides.length) {
                peerSides = Arrays.copyOf(peerSides, peerSides.length * 2);
            }
            peerSides[positions.size()] = peerSide;
            positions.add(position);
        }

        private void addAddress(int address) {
            if (addressCount == addresses.length) {
                addresses = Arrays.copyOf(addresses, addressCount * 2);
            }
            addresses[addressCount++] = address;
        }

        PeerGroup build() {
            if (seeded != null) {
                return seeded;
            }
            int[] distinct = Arrays.copyOf(addresses, addressCount);
            Arrays.sort(distinct);
            int unique = 0;
            for (int i = 0; i < distinct.length; i++) {
                if (i == 0 || distinct[i] != distinct[i - 1]) {
                    distinct[unique++] = distinct[i];
                }
            }
            return new PeerGroup(key, positions.toArray(), Arrays.copyOf(peerSides, positions.size()),
                    Arrays.copyOf(distinct, unique));
        }
    }

    /** A growing list of longs. */
    private static final class Longs {
        private long[] values = new long[8];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int size() {
            return size;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}

package io.netpolguard.connectivity;

import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PortMatch;
import io.netpolguard.netpol.Protocol;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the verdict of a connection can change along the ports: the first port after every boundary of the port
 * matches of the rules that decide it. Between two cuts every port gets the same verdict, so one port per interval is
 * judged. A protocol no port match names gets the same verdict on every port as any other such protocol. Named ports
 * are kept by name and cut where the destination declares them.
 */
final class PortCuts {
    static final PortCuts NONE = new PortCuts(new int[Protocol.values().length][], new boolean[Protocol.values().length],
            List.of());
    private static final Protocol[] PROTOCOLS = Protocol.values();

    /** Per protocol, sorted ports in 2..65535 where a new interval starts. */
    private final int[][] starts;
    /** Per protocol, whether some port match names it (or names every protocol). */
    private final boolean[] mentioned;
    private final List<PortMatch> namedPorts;

    private PortCuts(int[][] starts, boolean[] mentioned, List<PortMatch> namedPorts) {
        for (int i = 0; i < starts.length; i++) {
            starts[i] = starts[i] == null ? new int[0] : starts[i];
        }
        this.starts = starts;
        this.mentioned = mentioned;
        this.namedPorts = List.copyOf(namedPorts);
    }

    /** The cuts of every port match of these rules' port lists. */
    static PortCuts of(Collection<List<PortMatch>> portLists) {
        List<Set<Integer>> cuts = new ArrayList<>();
        for (int i = 0; i < PROTOCOLS.length; i++) {
            cuts.add(new TreeSet<>());
        }
        boolean[] mentioned = new boolean[PROTOCOLS.length];
        Set<PortMatch> names = new LinkedHashSet<>();
        for (List<PortMatch> ports : portLists) {
            for (PortMatch match : ports) {
                for (Protocol protocol : match.protocol() == null ? PROTOCOLS : new Protocol[] {match.protocol()}) {
                    mentioned[protocol.ordinal()] = true;
                    if (match.name() == null) {
                        cut(cuts.get(protocol.ordinal()), match.from(), match.to());
                    }
                }
                if (match.name() != null) {
                    names.add(match);
                }
            }
        }
        int[][] starts = new int[PROTOCOLS.length][];
        for (int i = 0; i < PROTOCOLS.length; i++) {
            starts[i] = cuts.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return new PortCuts(starts, mentioned, new ArrayList<>(names));
    }

    private static void cut(Set<Integer> cuts, int from, int to) {
        if (from > 1 && from <= PortSet.MAX_PORT) {
            cuts.add(from);
        }
        if (to + 1 > 1 && to + 1 <= PortSet.MAX_PORT) {
            cuts.add(to + 1);
        }
    }

    /** The cuts of both: those of a source's egress and a destination's ingress together. */
    PortCuts with(PortCuts other) {
        if (other == NONE || other.equals(this)) {
            return this;
        }
        if (this == NONE) {
            return other;
        }
        int[][] starts = new int[PROTOCOLS.length][];
        boolean[] mentioned = new boolean[PROTOCOLS.length];
        for (int i = 0; i < PROTOCOLS.length; i++) {
            starts[i] = IntSets.union(this.starts[i], other.starts[i]);
            mentioned[i] = this.mentioned[i] || other.mentioned[i];
        }
        Set<PortMatch> names = new LinkedHashSet<>(namedPorts);
        names.addAll(other.namedPorts);
        return new PortCuts(starts, mentioned, new ArrayList<>(names));
    }

    boolean hasNamedPorts() {
        return !namedPorts.isEmpty();
    }

    /**
     * The ports to judge toward {@code destination} (null: not a pod), per protocol: the first port of each interval;
     * null for a protocol no port match names (judge one of those protocols on port 1 for all of them).
     */
    int[][] starts(PodEndpoint destination) {
        int[][] out = new int[PROTOCOLS.length][];
        for (Protocol protocol : PROTOCOLS) {
            int p = protocol.ordinal();
            if (!mentioned[p]) {
                continue;
            }
            int[] cuts = starts[p];
            if (destination != null && !namedPorts.isEmpty()) {
                int[] extra = new int[namedPorts.size() * 2];
                int size = 0;
                for (PortMatch match : namedPorts) {
                    ContainerPort declared = match.protocol() == null || match.protocol() == protocol
                            ? destination.namedPort(match.name(), protocol) : null;
                    if (declared != null && declared.number() > 1 && declared.number() <= PortSet.MAX_PORT) {
                        extra[size++] = declared.number();
                    }
                    if (declared != null && declared.number() >= 1 && declared.number() < PortSet.MAX_PORT) {
                        extra[size++] = declared.number() + 1;
                    }
                }
                cuts = IntSets.union(cuts, IntSets.of(extra, size));
            }
            int[] withFirst = new int[cuts.length + 1];
            withFirst[0] = 1;
            System.arraycopy(cuts, 0, withFirst, 1, cuts.length);
            out[p] = withFirst;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PortCuts other && Arrays.deepEquals(starts, other.starts) && Arrays.equals(mentioned, other.mentioned)
                && namedPorts.equals(other.namedPorts);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(starts) * 31 + Arrays.hashCode(mentioned) * 7 + namedPorts.hashCode();
    }
}

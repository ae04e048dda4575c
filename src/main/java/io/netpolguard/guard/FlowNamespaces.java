package io.netpolguard.guard;

import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.PodEndpoint;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the connections of one flow have an end: per namespace, the indices of the connections with a pod of it at
 * the source or the destination. Made once per flow object (flows are kept across snapshots), so that finding the
 * flows and connections a change in one namespace touches costs that namespace's connections, not every flow's.
 */
final class FlowNamespaces {
    private static final int[] NONE = new int[0];
    private final Map<String, int[]> positions;

    private FlowNamespaces(Map<String, int[]> positions) {
        this.positions = positions;
    }

    static FlowNamespaces of(RequiredFlow flow) {
        Map<String, Positions> found = new HashMap<>();
        List<FlowConnection> connections = flow.connections();
        for (int c = 0; c < connections.size(); c++) {
            String source = namespaceOf(connections.get(c).connection().source());
            String destination = namespaceOf(connections.get(c).connection().destination());
            if (source != null) {
                found.computeIfAbsent(source, n -> new Positions()).add(c);
            }
            if (destination != null && !destination.equals(source)) {
                found.computeIfAbsent(destination, n -> new Positions()).add(c);
            }
        }
        Map<String, int[]> positions = new HashMap<>(found.size() * 2);
        found.forEach((namespace, p) -> positions.put(namespace, p.toArray()));
        return new FlowNamespaces(positions);
    }

    /** Whether a connection has a pod of {@code namespace} at either end. */
    boolean touches(String namespace) {
        return positions.containsKey(namespace);
    }

    /** The indices of the connections with a pod of {@code namespace} at either end, ascending. */
    int[] in(String namespace) {
        return positions.getOrDefault(namespace, NONE);
    }

    private static String namespaceOf(Endpoint endpoint) {
        return endpoint instanceof PodEndpoint pod ? pod.namespace() : null;
    }

    /** A growing list of ints. */
    private static final class Positions {
        private int[] values = new int[4];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}

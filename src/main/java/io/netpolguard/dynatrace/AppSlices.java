package io.netpolguard.dynatrace;

import io.netpolguard.netpol.PodEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The connections of a flow from the monitored apps, namespace by namespace: the apps come in the order of their
 * namespaces' names ({@link MonitoredApps#of}), so each namespace's connections are one run of the list, found by
 * binary search.
 */
final class AppSlices {
    /** The connections, and whether they differ from the ones they were made from. */
    record Replaced(List<FlowConnection> connections, boolean changed) {
    }

    private AppSlices() {
    }

    /**
     * {@code connections} (of a flow from the monitored apps) with the run of each namespace of {@code fresh} replaced
     * by its connections there; a run equal to the fresh one stays, the very objects.
     */
    static Replaced replace(List<FlowConnection> connections, SortedMap<String, List<FlowConnection>> fresh) {
        List<FlowConnection> replaced = new ArrayList<>(connections.size());
        boolean changed = false;
        int done = 0;
        for (Map.Entry<String, List<FlowConnection>> entry : fresh.entrySet()) {
            int start = firstFrom(connections, entry.getKey(), false);
            int end = firstFrom(connections, entry.getKey(), true);
            replaced.addAll(connections.subList(done, start));
            List<FlowConnection> run = connections.subList(start, end);
            boolean same = run.equals(entry.getValue());
            replaced.addAll(same ? run : entry.getValue());
            changed |= !same;
            done = end;
        }
        replaced.addAll(connections.subList(done, connections.size()));
        return new Replaced(replaced, changed);
    }

    /** The first connection whose app's namespace comes after {@code namespace} (or is it, unless {@code after}). */
    private static int firstFrom(List<FlowConnection> connections, String namespace, boolean after) {
        int low = 0;
        int high = connections.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            int order = namespaceOf(connections.get(middle)).compareTo(namespace);
            if (order < 0 || after && order == 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private static String namespaceOf(FlowConnection connection) {
        return ((PodEndpoint) connection.source().endpoint()).namespace();
    }
}

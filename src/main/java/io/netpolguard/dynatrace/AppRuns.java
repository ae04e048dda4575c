package io.netpolguard.dynatrace;

import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * The connections of a flow from the monitored apps: one run per namespace with apps, in the order of the namespaces'
 * names, each the namespace's app pods times the places (destination, port) they connect to from there. A run makes
 * its connection objects when one of them is first read: a DynaKube change that reaches thousands more apps judges
 * them from their ends and keeps nothing per connection. A run a change leaves as it was is the very run before, so
 * what was judged of its connections is found a run at a time ({@link #sameConnections}).
 */
public final class AppRuns extends AbstractList<FlowConnection> implements RandomAccess {
    private static final AppRuns EMPTY = new AppRuns(new Run[0]);

    private final Run[] runs;
    private final int[] starts; // the index of each run's first connection; the last entry is the size
    private int lastRun; // where the last read was: lists are mostly read in order (a racy hint, checked before use)

    private AppRuns(Run[] runs) {
        this.runs = runs;
        this.starts = new int[runs.length + 1];
        for (int r = 0; r < runs.length; r++) {
            starts[r + 1] = starts[r] + runs[r].size();
        }
    }

    /** The runs in namespace order, those without connections left out. */
    static AppRuns of(List<Run> runs) {
        Run[] kept = runs.stream().filter(run -> run.size() > 0).toArray(Run[]::new);
        return kept.length == 0 ? EMPTY : new AppRuns(kept);
    }

    /** The end of an app pod, selected by its own labels. */
    static FlowEnd appEnd(PodEndpoint pod) {
        return FlowEnd.ofPod(Component.MONITORED_APPS.id(), pod);
    }

    /** A place an app connects to: the destination's end and a port of it. */
    record Place(FlowEnd destination, int port, Protocol protocol) {
    }

    /** The connections of one namespace's apps: each pod to each place, pod by pod. */
    static final class Run {
        private final String namespace;
        private final List<PodEndpoint> pods;
        private final boolean anyHostNetwork;
        private final Place[] places;
        private volatile FlowConnection[] made;

        /** @param anyHostNetwork whether one of {@code pods} runs in the host network */
        Run(String namespace, List<PodEndpoint> pods, boolean anyHostNetwork, List<Place> places) {
            this.namespace = namespace;
            this.pods = pods;
            this.anyHostNetwork = anyHostNetwork;
            this.places = places.toArray(Place[]::new);
        }

        int size() {
            return pods.size() * places.length;
        }

        FlowConnection get(int index) {
            FlowConnection[] connections = made;
            return (connections != null ? connections : make())[index];
        }

        /** Made once, whichever thread reads first: the objects are what later changes find again by identity. */
        private synchronized FlowConnection[] make() {
            if (made == null) {
                FlowConnection[] connections = new FlowConnection[size()];
                int at = 0;
                for (PodEndpoint pod : pods) {
                    FlowEnd source = appEnd(pod);
                    for (Place place : places) {
                        connections[at++] = new FlowConnection(source, place.destination(), connection(pod, place));
                    }
                }
                made = connections;
            }
            return made;
        }

        Connection connectionAt(int index) {
            FlowConnection[] connections = made;
            return connections != null ? connections[index].connection()
                    : connection(pods.get(index / places.length), places[index % places.length]);
        }

        private static Connection connection(PodEndpoint pod, Place place) {
            return new Connection(pod, place.destination().endpoint(), place.port(), place.protocol());
        }

        /**
         * Judges each connection of the run, the run's first at {@code start}: to a place where the engine judges the
         * pods alike ({@link FreshConnections#alikeOutside}), the first pod that qualifies is judged and the others
         * that do copy its outcome.
         */
        void judge(int start, FreshConnections fresh) {
            @SuppressWarnings("unchecked")
            List<Cidr>[] ranges = new List[places.length]; // per place; null: each pod is judged
            boolean allAlike = true;
            for (int p = 0; p < places.length; p++) {
                ranges[p] = anyHostNetwork ? null : fresh.alikeOutside(namespace, places[p].destination().endpoint());
                allAlike &= ranges[p] != null && ranges[p].isEmpty();
            }
            for (int c = 0; c < places.length; c++) { // the first pod's connections
                fresh.judge(connectionAt(c), start + c);
            }
            if (allAlike) { // every other pod's are judged as the first pod's
                fresh.judgedLike(start + places.length, start + size(), places.length);
                return;
            }
            int[] judgedPod = new int[places.length]; // per place, the pod whose outcome the alike ones copy, or -1
            for (int p = 0; p < places.length; p++) {
                judgedPod[p] = ranges[p] != null && outside(pods.get(0), ranges[p]) ? 0 : -1;
            }
            for (int c = places.length; c < size(); c++) {
                int pod = c / places.length;
                int place = c % places.length;
                boolean alike = ranges[place] != null && outside(pods.get(pod), ranges[place]);
                if (alike && judgedPod[place] >= 0) {
                    fresh.judgedLike(start + c, start + c + 1, (pod - judgedPod[place]) * places.length);
                } else {
                    fresh.judge(connectionAt(c), start + c);
                    if (alike) {
                        judgedPod[place] = pod;
                    }
                }
            }
        }

        /** Whether {@code pod}'s addresses are known and each is outside {@code ranges} (any pod when there are none). */
        private static boolean outside(PodEndpoint pod, List<Cidr> ranges) {
            if (ranges.isEmpty()) {
                return true;
            }
            if (pod.addresses().isEmpty()) {
                return false;
            }
            for (java.net.InetAddress address : pod.addresses()) {
                for (Cidr range : ranges) {
                    if (range.contains(address)) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** Whether the run makes connections equal to {@code other}'s, one for one. */
        boolean sameConnectionsAs(Run other) {
            return other == this || namespace.equals(other.namespace) && Arrays.equals(places, other.places)
                    && pods.equals(other.pods);
        }
    }

    @Override
    public FlowConnection get(int index) {
        int run = runOf(index);
        return runs[run].get(index - starts[run]);
    }

    @Override
    public int size() {
        return starts[runs.length];
    }

    private int runOf(int index) {
        int run = SameConnections.stretchAt(starts, runs.length, index, lastRun);
        lastRun = run;
        return run;
    }

    /** What judges the connections found new, given by index. */
    public interface FreshConnections {
        /** Judges the connection at {@code index}. */
        void judge(Connection connection, int index);

        /**
         * Where the connections to {@code destination} from the pods of {@code namespace} not in the host network share
         * one outcome: the pods whose addresses are known and outside the ranges returned (every pod for none); null
         * where each is judged ({@link io.netpolguard.netpol.PolicyEngine#alikeOutside}).
         */
        List<Cidr> alikeOutside(String namespace, Endpoint destination);

        /** Each connection from {@code from} to {@code to} (exclusive) is judged as the one {@code period} before it. */
        void judgedLike(int from, int to, int period);
    }

    /**
     * For each connection of {@code now}, the index in {@code before} of the very same connection object, else -1,
     * judging the new ones with {@code fresh} (without making their objects: a namespace's connections to a place its
     * pods reach alike are judged once); null unless both are runs. A connection is the very same one exactly when its
     * run is: a run's objects are its own, so the answer is a stretch per run.
     */
    public static SameConnections sameConnections(List<FlowConnection> now, List<FlowConnection> before,
            FreshConnections fresh) {
        if (!(now instanceof AppRuns runsNow) || !(before instanceof AppRuns runsBefore)) {
            return null;
        }
        int[] from = new int[runsNow.runs.length];
        int at = 0; // in runsBefore
        for (int r = 0; r < runsNow.runs.length; r++) {
            Run run = runsNow.runs[r];
            while (at < runsBefore.runs.length && runsBefore.runs[at].namespace.compareTo(run.namespace) < 0) {
                at++;
            }
            if (at < runsBefore.runs.length && runsBefore.runs[at] == run) {
                from[r] = runsBefore.starts[at++];
            } else {
                from[r] = -1;
                run.judge(runsNow.starts[r], fresh);
            }
        }
        return SameConnections.ofStretches(runsNow.starts, from);
    }

    /** The runs, and whether they differ from those they were made from. */
    record Replaced(AppRuns runs, boolean changed) {
    }

    /**
     * These runs with the run of each namespace of {@code fresh} (in the order of their namespaces, one each) replaced
     * by it (one without connections: none there any more); a run that makes the same connections as the fresh one
     * stays, the very run.
     */
    Replaced replace(List<Run> fresh) {
        List<Run> replaced = new ArrayList<>(runs.length + fresh.size());
        boolean changed = false;
        int at = 0;
        for (Run run : fresh) {
            while (at < runs.length && runs[at].namespace.compareTo(run.namespace) < 0) {
                replaced.add(runs[at++]);
            }
            Run old = at < runs.length && runs[at].namespace.equals(run.namespace) ? runs[at++] : null;
            Run next = run.size() == 0 ? null : run;
            if (old != null && next != null && old.sameConnectionsAs(next)) {
                replaced.add(old);
            } else {
                changed |= old != null || next != null;
                if (next != null) {
                    replaced.add(next);
                }
            }
        }
        replaced.addAll(Arrays.asList(runs).subList(at, runs.length));
        return new Replaced(changed ? of(replaced) : this, changed);
    }

    @Override
    public boolean equals(Object other) {
        if (other instanceof AppRuns that) { // without making connections: equal runs make equal connections
            if (that.runs.length != runs.length) {
                return false;
            }
            for (int r = 0; r < runs.length; r++) {
                if (!runs[r].sameConnectionsAs(that.runs[r])) {
                    return false;
                }
            }
            return true;
        }
        return super.equals(other);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}

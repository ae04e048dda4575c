package io.netpolguard.guard;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.dynatrace.RequiredFlows;
import io.netpolguard.netpol.PolicySet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Required flows depend on pods, namespaces, the API server's endpoints, the Dynatrace objects and
 * the addresses host names resolve to, not on policies. A policy change shares all of those with the snapshot before it, so the flows
 * derived for one snapshot serve every policy change judged against it, and are indexed by
 * namespace for locality. Their evaluation on the snapshot (the before-state of every change judged
 * against it, and the audit) is kept too, as long as the snapshot's policies are the same.
 */
final class DerivedFlows {
    /** Key of the evaluation of all flows; namespace names are never empty. */
    private static final String ALL = "";
    /**
     * A namespace keeps the connection index of its latest evaluation for the next snapshot's when it holds at least
     * this many connections: what it keeps alive (that evaluation's results, about a megabyte per flow from the
     * monitored apps at 100,000 pods) pays off only where indexing again costs milliseconds (the operator's and the
     * DNS namespace, which every app talks to).
     */
    static final int CARRIED_SIDES_AT_LEAST = 4096;
    /** At most this many namespaces keep the connection index of their latest evaluation for the next one. */
    private static final int RECENT_SIDES = 4;
    private final RequiredFlows requiredFlows;
    private final int carriedSidesAtLeast;
    /** Per namespace, the latest evaluation whose connections were indexed by side, to carry its index over. */
    private final Map<String, Evaluated> recentSides = Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(RECENT_SIDES * 2, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Evaluated> eldest) {
                    return size() > RECENT_SIDES;
                }
            });
    private volatile Entry last;
    /** The entry before {@link #last}: requests still judging against the snapshot before a rebuild find it here. */
    private volatile Entry beforeLast;

    /** @param carriedSidesAtLeast the fewest connections of a namespace whose index is carried over */
    DerivedFlows(RequiredFlows requiredFlows, int carriedSidesAtLeast) {
        this.requiredFlows = requiredFlows;
        this.carriedSidesAtLeast = carriedSidesAtLeast;
    }

    /**
     * What the flows are derived from, compared by identity: snapshots share these objects. Node addresses by value:
     * without Node objects the live source takes them from host-network pods again after every pod change.
     */
    private record Inputs(Object pods, Object namespaces, Object services, Object slices, Object endpoints,
            Object dynaKubes, Object edgeConnects, Object nodeAddresses, long resolverGeneration) {
        static Inputs of(ClusterSnapshot snapshot, long resolverGeneration) {
            return new Inputs(snapshot.pods(), snapshot.namespaces(), snapshot.services(), snapshot.endpointSlices(),
                    snapshot.endpoints(), snapshot.dynaKubes(), snapshot.edgeConnects(), snapshot.nodeAddresses(),
                    resolverGeneration);
        }

        boolean sameAs(Inputs other) {
            return pods == other.pods && samePodsAside(other);
        }

        /** Whether everything but the pods is the same. */
        boolean samePodsAside(Inputs other) {
            return resolverGeneration == other.resolverGeneration && namespaces == other.namespaces
                    && services == other.services && slices == other.slices && endpoints == other.endpoints
                    && dynaKubes == other.dynaKubes && edgeConnects == other.edgeConnects
                    && Objects.equals(nodeAddresses, other.nodeAddresses);
        }
    }

    /**
     * @param snapshot what the flows were derived from
     * @param inherited after pod changes, the latest result of each flow key judged before them, with its evaluation:
     *                  what it judged of a flow or connection that is still there holds as long as the policies do
     */
    private record Entry(ClusterSnapshot snapshot, Inputs inputs, List<RequiredFlow> flows,
            Map<RequiredFlow, FlowNamespaces> where, Map<String, List<RequiredFlow>> byNamespace,
            Map<String, Evaluated> evaluated, Map<String, Judged> inherited) {
        /**
         * @param where where each of {@code flows} has connections (by identity), taken from {@code previous} for the
         *              flows it has too
         */
        Entry(ClusterSnapshot snapshot, Inputs inputs, List<RequiredFlow> flows, Entry previous,
                Map<String, Judged> inherited) {
            this(snapshot, inputs, flows, whereOf(flows, previous), new ConcurrentHashMap<>(), new ConcurrentHashMap<>(),
                    inherited);
        }

        private static Map<RequiredFlow, FlowNamespaces> whereOf(List<RequiredFlow> flows, Entry previous) {
            Map<RequiredFlow, FlowNamespaces> where = new IdentityHashMap<>(flows.size() * 2);
            for (RequiredFlow flow : flows) {
                FlowNamespaces known = previous == null ? null : previous.where().get(flow);
                where.put(flow, known != null ? known : FlowNamespaces.of(flow));
            }
            return Collections.unmodifiableMap(where);
        }

        /** {@link #inherited} for the entry after a pod change: this entry's own results over the ones it inherited. */
        Map<String, Judged> handedOn() {
            Map<String, Judged> handed = new HashMap<>(inherited);
            evaluated.values().forEach(e -> e.results().forEach(r -> handed.put(r.flow().key(), new Judged(e, r))));
            return handed;
        }
    }

    /** A flow's result and the evaluation it is part of (which says where it holds). */
    private record Judged(Evaluated evaluation, FlowResult result) {
    }

    /** Flows evaluated on a snapshot: valid for every snapshot with the same inputs and the same policies. */
    static final class Evaluated {
        private final PolicySet policies;
        private final Object clusterPolicies;
        private final Object unevaluatedPolicies;
        private final Object nodeLabels;
        private final Object namespaces;
        private final List<io.netpolguard.netpol.Cidr> families;
        private final List<FlowResult> results;
        private final Map<RequiredFlow, FlowNamespaces> where;
        private final Map<String, Evaluated> recentSides;
        private final int carriedSidesAtLeast;
        private volatile ConnectionSides sides;
        private final RejudgedConnections.Statuses[] statuses;

        private Evaluated(ClusterSnapshot snapshot, List<FlowResult> results, Map<RequiredFlow, FlowNamespaces> where,
                Map<String, Evaluated> recentSides, int carriedSidesAtLeast) {
            this.policies = snapshot.policies();
            this.clusterPolicies = snapshot.clusterPolicies();
            this.unevaluatedPolicies = snapshot.unevaluatedPolicies();
            this.nodeLabels = snapshot.nodeLabels();
            this.namespaces = snapshot.namespaces();
            this.families = snapshot.pods().families();
            this.results = results;
            this.where = where;
            this.recentSides = recentSides;
            this.carriedSidesAtLeast = carriedSidesAtLeast;
            this.statuses = results.stream().map(r -> RejudgedConnections.statuses(r.connections()))
                    .toArray(RejudgedConnections.Statuses[]::new);
        }

        /** Some of {@code all}'s results, with their counts: the same evaluation, restricted. */
        private Evaluated(Evaluated all, List<FlowResult> results, RejudgedConnections.Statuses[] statuses) {
            this.policies = all.policies;
            this.clusterPolicies = all.clusterPolicies;
            this.unevaluatedPolicies = all.unevaluatedPolicies;
            this.nodeLabels = all.nodeLabels;
            this.namespaces = all.namespaces;
            this.families = all.families;
            this.results = results;
            this.where = all.where;
            this.recentSides = all.recentSides;
            this.carriedSidesAtLeast = all.carriedSidesAtLeast;
            this.statuses = statuses;
        }

        /** The results of the flows with a connection that has an end in {@code namespace}, in their order. */
        private Evaluated touching(String namespace) {
            List<FlowResult> touching = new ArrayList<>();
            List<RejudgedConnections.Statuses> kept = new ArrayList<>();
            for (int f = 0; f < results.size(); f++) {
                if (whereOf(where, results.get(f).flow()).touches(namespace)) {
                    touching.add(results.get(f));
                    kept.add(statuses[f]);
                }
            }
            return new Evaluated(this, List.copyOf(touching), kept.toArray(RejudgedConnections.Statuses[]::new));
        }

        /** The status of each connection of result {@code flow}, and how many have each (kept: every change reads them). */
        RejudgedConnections.Statuses statuses(int flow) {
            return statuses[flow];
        }

        /** Whether the verdicts hold for {@code snapshot}: the same policies of every tier and the same nodes. */
        boolean validFor(ClusterSnapshot snapshot) {
            return policies == snapshot.policies() && clusterPolicies == snapshot.clusterPolicies()
                    && unevaluatedPolicies == snapshot.unevaluatedPolicies() && nodeLabels == snapshot.nodeLabels();
        }

        /**
         * Whether what these results judged of a connection holds on {@code snapshot}, which may have other pods: the
         * same policies, nodes and namespaces, and an address that is not known means the same address families.
         */
        boolean reusableFor(ClusterSnapshot snapshot) {
            return validFor(snapshot) && namespaces == snapshot.namespaces() && families.equals(snapshot.pods().families());
        }

        /** Whether a connection judged in both has the same verdict in both, as in {@link #reusableFor}. */
        private boolean judgesLike(Evaluated other) {
            return policies == other.policies && clusterPolicies == other.clusterPolicies
                    && unevaluatedPolicies == other.unevaluatedPolicies && nodeLabels == other.nodeLabels
                    && namespaces == other.namespaces && families.equals(other.families);
        }

        /** Unmodifiable. */
        List<FlowResult> results() {
            return results;
        }

        /** Whether {@link #sides} would carry the index over from an earlier evaluation rather than make it anew. */
        boolean canCarrySides(String namespace) {
            return sides == null && sidesToCarry(namespace) != null;
        }

        /** The latest evaluation indexed in {@code namespace} when its index can be carried over to this one, else null. */
        private Evaluated sidesToCarry(String namespace) {
            Evaluated earlier = recentSides.get(namespace);
            return earlier != null && earlier.sides != null && earlier != this && earlier.judgesLike(this) ? earlier
                    : null;
        }

        /**
         * The connections by side in {@code namespace}, the namespace these results were restricted to; carried over
         * from the latest evaluation indexed there when it judges like this one (only pods changed since).
         */
        ConnectionSides sides(String namespace) {
            ConnectionSides built = sides;
            if (built == null) {
                Evaluated earlier = sidesToCarry(namespace);
                built = earlier != null
                        ? ConnectionSides.carriedOver(earlier.sides, earlier.results, flow -> whereOf(earlier.where, flow),
                                results, namespace, flow -> whereOf(where, flow))
                        : ConnectionSides.of(results, namespace, flow -> whereOf(where, flow));
                sides = built;
                if (built.size() >= carriedSidesAtLeast) {
                    recentSides.put(namespace, this);
                } else {
                    recentSides.remove(namespace);
                }
            }
            return built;
        }
    }

    List<RequiredFlow> flows(ClusterSnapshot snapshot) {
        return entry(snapshot).flows();
    }

    /** Where a flow of {@code snapshot} has connections. */
    FlowNamespaces where(ClusterSnapshot snapshot, RequiredFlow flow) {
        return whereOf(entry(snapshot).where(), flow);
    }

    /** The flows with a connection that has an end in {@code namespace}, with all their connections. */
    List<RequiredFlow> touching(ClusterSnapshot snapshot, String namespace) {
        Entry entry = entry(snapshot);
        return entry.byNamespace().computeIfAbsent(namespace, n -> touching(entry, n));
    }

    /**
     * Makes ready what every change judged against {@code snapshot} starts from, for the thread that makes snapshots,
     * so that no request waits for it: its flows, and their evaluation when one made before still holds for most of
     * it (pods changed, policies did not). After a change of policies, namespaces or nodes every connection would be
     * judged again: that is left to the periodic audit and to the requests that need it, so that a stream of policy
     * changes cannot keep this thread busy. The connection indexes of the large namespaces recently changed in (the
     * operator's) are carried over here too, when they can be, instead of by the first change judged there.
     */
    void prepare(ClusterSnapshot snapshot, Function<List<RequiredFlow>, List<FlowResult>> evaluator) {
        Entry entry = entry(snapshot);
        Evaluated all = entry.evaluated().get(ALL);
        boolean inheritable = entry.inherited().values().stream().anyMatch(j -> j.evaluation().reusableFor(snapshot));
        if ((all == null || !all.validFor(snapshot)) && inheritable) {
            all = evaluatedAll(snapshot, evaluator);
        }
        if (all == null || !all.validFor(snapshot)) {
            return;
        }
        List<String> namespaces;
        synchronized (recentSides) {
            namespaces = List.copyOf(recentSides.keySet());
        }
        for (String namespace : namespaces) {
            Evaluated touching = evaluatedTouching(snapshot, namespace, evaluator);
            if (touching.canCarrySides(namespace)) {
                touching.sides(namespace);
            }
        }
    }

    /** Whether the connection index of {@code namespace} is already made for {@code snapshot} (what prepare readied). */
    boolean sidesReady(ClusterSnapshot snapshot, String namespace) {
        Evaluated touching = entry(snapshot).evaluated().get(namespace);
        return touching != null && touching.sides != null;
    }

    /**
     * {@code evaluator} applied to {@link #flows}, kept while the snapshot's inputs and policies stay the same:
     * every change judged against one snapshot shares the evaluation of its before-state. Unmodifiable.
     */
    List<FlowResult> evaluated(ClusterSnapshot snapshot, Function<List<RequiredFlow>, List<FlowResult>> evaluator) {
        return evaluatedAll(snapshot, evaluator).results();
    }

    /** Like {@link #evaluated(ClusterSnapshot, Function)}, with the verdict index kept alongside. */
    Evaluated evaluatedAll(ClusterSnapshot snapshot, Function<List<RequiredFlow>, List<FlowResult>> evaluator) {
        return evaluated(snapshot, ALL, () -> flows(snapshot), evaluator);
    }

    /** {@code evaluator} applied to {@link #touching}, kept like {@link #evaluated(ClusterSnapshot, Function)}. */
    Evaluated evaluatedTouching(ClusterSnapshot snapshot, String namespace,
            Function<List<RequiredFlow>, List<FlowResult>> evaluator) {
        return evaluated(snapshot, namespace, () -> touching(snapshot, namespace), evaluator);
    }

    private Evaluated evaluated(ClusterSnapshot snapshot, String key, Supplier<List<RequiredFlow>> flows,
            Function<List<RequiredFlow>, List<FlowResult>> evaluator) {
        Entry entry = entry(snapshot);
        Map<String, Evaluated> cache = entry.evaluated();
        Evaluated cached = cache.get(key);
        if (cached != null && cached.validFor(snapshot)) {
            return cached;
        }
        Evaluated all = key.equals(ALL) ? null : cache.get(ALL);
        if (all != null && all.validFor(snapshot)) { // the flows touching a namespace are some of all the flows
            Evaluated touching = all.touching(key);
            cache.put(key, touching);
            return touching;
        }
        Map<String, FlowResult> before = new HashMap<>();
        entry.inherited().forEach((flowKey, judged) -> {
            if (judged.evaluation().reusableFor(snapshot)) {
                before.put(flowKey, judged.result());
            }
        });
        List<FlowResult> results = before.isEmpty() ? evaluator.apply(flows.get())
                : ResultReuse.evaluate(flows.get(), before, snapshot.engine(), evaluator);
        Evaluated fresh = new Evaluated(snapshot, List.copyOf(results), entry.where(), recentSides,
                carriedSidesAtLeast);
        cache.put(key, fresh);
        return fresh;
    }

    private Entry entry(ClusterSnapshot snapshot) {
        Inputs inputs = Inputs.of(snapshot, requiredFlows.resolverGeneration());
        Entry current = last;
        if (current != null && current.inputs().sameAs(inputs)) {
            return current;
        }
        Entry older = beforeLast;
        if (older != null && older.inputs().sameAs(inputs)) {
            return older;
        }
        Entry fresh;
        if (current != null && current.inputs().samePodsAside(inputs)) {
            // a pod change: derive again what the changed namespaces can change, and judge only what is new
            List<RequiredFlow> flows = requiredFlows.deriveAfterPodChange(current.snapshot(), current.flows(), snapshot,
                    snapshot.pods().namespacesChangedSince(current.snapshot().pods()));
            fresh = new Entry(snapshot, inputs, flows, current, current.handedOn());
        } else {
            fresh = new Entry(snapshot, inputs, requiredFlows.derive(snapshot), current, Map.of());
        }
        beforeLast = current;
        last = fresh;
        return fresh;
    }

    /**
     * The flows with a connection that has an end in {@code namespace}, whole: a flow's status depends on all its
     * connections (one already blocked elsewhere keeps it blocked), so none may be left out. Only the connections
     * in {@code namespace} are judged again after a change there ({@link PolicyChangeRejudging}); the others keep
     * their verdicts.
     */
    private static List<RequiredFlow> touching(Entry entry, String namespace) {
        List<RequiredFlow> touching = new ArrayList<>();
        for (RequiredFlow flow : entry.flows()) {
            if (whereOf(entry.where(), flow).touches(namespace)) {
                touching.add(flow);
            }
        }
        return List.copyOf(touching);
    }

    /** Where {@code flow} has connections: known for every flow of an entry, made for any other. */
    private static FlowNamespaces whereOf(Map<RequiredFlow, FlowNamespaces> where, RequiredFlow flow) {
        FlowNamespaces known = where.get(flow);
        return known != null ? known : FlowNamespaces.of(flow);
    }
}

package io.netpolguard.netpol;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The NetworkPolicy-tier decisions {@link PeerClasses} made, which the engines of related snapshots share (see
 * there why that is sound). Opaque outside this package: a snapshot hands it from one engine to the next.
 *
 * <p>The engine of a snapshot projected for one admission decision gets a memory of its own over the shared one
 * ({@link #forOneChange}): it reads what the shared one knows and adds to it what it decides for isolating lists the
 * shared one has seen, but keeps what it decides for the lists only its change makes (every request's are new
 * objects, never looked up again) to itself, so they die with the request instead of filling the shared maps and
 * being promoted, collected and cleared at their bound.
 */
public final class DecisionMemory {
    private final List<Cidr> unknownAddress;
    /** The shared memory this one reads through to; null for a shared one. */
    private final DecisionMemory shared;
    private final Map<Object, Object> views = new ConcurrentHashMap<>();
    private final Map<Object, PeerClasses.Decision> decisions = new ConcurrentHashMap<>();
    private final Map<Set<String>, Map<LabelSet, LabelSet>> projections = new ConcurrentHashMap<>();
    /** At most this many key sets' projections are kept: each holds at most one entry per namespace label set. */
    private static final int KEY_SETS = 64;

    DecisionMemory(List<Cidr> unknownAddress) {
        this(unknownAddress, null);
    }

    private DecisionMemory(List<Cidr> unknownAddress, DecisionMemory shared) {
        this.unknownAddress = unknownAddress;
        this.shared = shared;
    }

    /** A memory for the engine of a snapshot projected from this one's for one change, read through to this one. */
    public DecisionMemory forOneChange() {
        return new DecisionMemory(unknownAddress, shared != null ? shared : this);
    }

    /** The memory this one reads through to, or null. */
    DecisionMemory shared() {
        return shared;
    }

    List<Cidr> unknownAddress() {
        return unknownAddress;
    }

    Map<Object, Object> views() {
        return views;
    }

    Map<Object, PeerClasses.Decision> decisions() {
        return decisions;
    }

    /**
     * The projections of namespaces' label sets onto {@code keys} made so far, shared by every view of peers that looks
     * at those keys: a policy change makes new isolating lists, whose rules mostly look at the keys the old ones did.
     */
    Map<LabelSet, LabelSet> namespaceProjectionsOnto(Set<String> keys) {
        if (shared != null) {
            return shared.namespaceProjectionsOnto(keys);
        }
        Map<LabelSet, LabelSet> made = projections.get(keys);
        if (made != null) {
            return made;
        }
        if (projections.size() >= KEY_SETS) {
            projections.clear();
        }
        return projections.computeIfAbsent(keys, k -> new ConcurrentHashMap<>());
    }
}

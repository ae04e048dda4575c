package io.netpolguard.netpol;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The NetworkPolicy-tier decisions {@link PeerClasses} made, which the engines of related snapshots share (see
 * there why that is sound). Opaque outside this package: a snapshot hands it from one engine to the next.
 */
public final class DecisionMemory {
    private final List<Cidr> unknownAddress;
    private final Map<Object, Object> views = new ConcurrentHashMap<>();
    private final Map<Object, PeerClasses.Decision> decisions = new ConcurrentHashMap<>();
    private final Map<Set<String>, Map<LabelSet, LabelSet>> projections = new ConcurrentHashMap<>();
    /** At most this many key sets' projections are kept: each holds at most one entry per namespace label set. */
    private static final int KEY_SETS = 64;

    DecisionMemory(List<Cidr> unknownAddress) {
        this.unknownAddress = unknownAddress;
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

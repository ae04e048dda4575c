package io.netpolguard.netpol;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The NetworkPolicy-tier decisions {@link PeerClasses} made, which the engines of related snapshots share (see
 * there why that is sound). Opaque outside this package: a snapshot hands it from one engine to the next.
 */
public final class DecisionMemory {
    private final List<Cidr> unknownAddress;
    private final Map<Object, Object> views = new ConcurrentHashMap<>();
    private final Map<Object, PeerClasses.Decision> decisions = new ConcurrentHashMap<>();

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
}

package io.netpolguard.live;

import io.netpolguard.cluster.ClusterSnapshot;
import java.time.Instant;
import java.util.Map;

/** Where the guard's view of the cluster comes from: the live cluster, or manifest files. */
public interface SnapshotSource {

    /** The newest complete snapshot; never blocks. */
    ClusterSnapshot snapshot();

    /** True once every source has listed its objects and a snapshot was built from them. */
    boolean synced();

    /** Per informer (or "manifests"), whether it has synced. */
    Map<String, Boolean> syncState();

    /** When the current snapshot was built, null before the first. */
    Instant builtAt();

    String description();

    /** Per informer that has lost its watch after syncing, since when; empty while every watch is open. */
    default Map<String, Instant> notWatchingSince() {
        return Map.of();
    }

    /**
     * Per informer of an optional kind (a cluster-wide or unevaluated policy kind) that RBAC forbids to list, the API
     * server's refusal. Such a kind does not hold up readiness; while it cannot be read, every flow it could decide is
     * unverifiable.
     */
    default Map<String, String> forbidden() {
        return Map.of();
    }

    /** What the source could not read, one line each, as GET /flows and {@code check} list problems. */
    default java.util.List<String> problems() {
        return java.util.List.of();
    }

    /** Called with the duration of every snapshot rebuild (metrics). */
    default void onRebuild(java.util.function.Consumer<java.time.Duration> listener) {
    }

    /**
     * Called with every snapshot rebuilt after a change, on the thread that rebuilt it, before the snapshot is
     * published: what the guard makes ready for the requests to come (not part of the rebuild time).
     */
    default void onSnapshot(java.util.function.Consumer<ClusterSnapshot> listener) {
    }
}

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
}

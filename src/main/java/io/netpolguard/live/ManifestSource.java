package io.netpolguard.live;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.SnapshotBuilder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A fixed snapshot read from manifest files: the embedded default when no cluster is reachable. */
public final class ManifestSource implements SnapshotSource {
    private final ClusterSnapshot snapshot;
    private final Instant builtAt = Instant.now();
    private final List<Path> paths;

    public ManifestSource(List<Path> paths) {
        this.paths = List.copyOf(paths);
        this.snapshot = new SnapshotBuilder(skipped -> { }).addFiles(paths).build();
    }

    @Override
    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    @Override
    public boolean synced() {
        return true;
    }

    @Override
    public Map<String, Boolean> syncState() {
        return Map.of("manifests", true);
    }

    @Override
    public Instant builtAt() {
        return builtAt;
    }

    @Override
    public String description() {
        return "manifests in " + paths;
    }
}

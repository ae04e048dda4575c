package io.netpolguard.connectivity;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.SnapshotBuilder;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Clusters for the connectivity tests: test resources, {@code k8s/examples/cluster}, and extra manifests as text. */
final class Fixtures {
    static final Path XYZ = resource("manifests/xyz");
    static final Path XYZ_POLICIES = resource("probe/cluster");
    static final Path SHOP = resource("connectivity/shop");
    static final Path EXAMPLE = Path.of("k8s/examples/cluster");

    private Fixtures() {
    }

    static ClusterSnapshot cluster(List<Path> paths, String... manifests) {
        SnapshotBuilder builder = new SnapshotBuilder(skipped -> { }).addFiles(paths);
        for (int i = 0; i < manifests.length; i++) {
            for (Manifests.Document document : Manifests.parse(manifests[i], "test manifest " + (i + 1))) {
                builder.add(document.node(), document.origin());
            }
        }
        return builder.build();
    }

    static ConnectivityMap map(ClusterSnapshot snapshot, Grouping grouping) {
        return Connectivity.of(snapshot, grouping, Focus.EVERYTHING, Progress.NONE);
    }

    static List<String> lines(ConnectivityMap map) {
        List<String> lines = new ArrayList<>();
        map.links().forEach(l -> lines.add(l.from().name() + " => " + l.to().name() + " : " + l.portsText()));
        return lines;
    }

    static Path resource(String name) {
        URL url = Fixtures.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalArgumentException("no test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

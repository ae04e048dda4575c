package io.netpolguard.dynatrace;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.SnapshotBuilder;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: Kubernetes objects and snapshots from YAML text. */
final class Resources {

    private Resources() {
    }

    static GenericKubernetesResource resource(String yaml) {
        List<Manifests.Document> documents = Manifests.parse(yaml, "test");
        if (documents.size() != 1) {
            throw new IllegalArgumentException("expected one document, got " + documents.size());
        }
        try {
            return Manifests.JSON.treeToValue(documents.get(0).node(), GenericKubernetesResource.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ClusterSnapshot snapshot(String... yaml) {
        List<String> skipped = new ArrayList<>();
        SnapshotBuilder builder = new SnapshotBuilder(skipped::add);
        for (String text : yaml) {
            for (Manifests.Document document : Manifests.parse(text, "test")) {
                builder.add(document.node(), document.origin());
            }
        }
        if (!skipped.isEmpty()) {
            throw new IllegalArgumentException("skipped: " + skipped);
        }
        return builder.build();
    }
}

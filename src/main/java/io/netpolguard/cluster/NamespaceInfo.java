package io.netpolguard.cluster;

import io.netpolguard.netpol.LabelSet;
import java.util.HashMap;
import java.util.Map;

/** A namespace as policies see it: its name, labels and annotations. */
public record NamespaceInfo(String name, LabelSet labels, Map<String, String> annotations) {
    public static final String NAME_LABEL = "kubernetes.io/metadata.name";

    public NamespaceInfo {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** The namespace with the label the API server sets on every namespace added. */
    public static NamespaceInfo of(String name, Map<String, String> labels, Map<String, String> annotations) {
        Map<String, String> all = new HashMap<>(labels == null ? Map.of() : labels);
        all.put(NAME_LABEL, name);
        return new NamespaceInfo(name, LabelSet.of(all), annotations);
    }

    public static NamespaceInfo implicit(String name) {
        return of(name, Map.of(), Map.of());
    }
}

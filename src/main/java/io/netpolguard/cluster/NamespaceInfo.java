package io.netpolguard.cluster;

import io.netpolguard.netpol.LabelSet;
import java.util.HashMap;
import java.util.Map;

/** A namespace as policies see it: its name, labels and annotations. */
public record NamespaceInfo(String name, LabelSet labels, Map<String, String> annotations) {
    public static final String NAME_LABEL = "kubernetes.io/metadata.name";

    public NamespaceInfo {
        name = name == null ? null : name.intern(); // the key of the snapshot's namespaces: see PodEndpoint
        annotations = annotations == null ? Map.of() : Map.copyOf(withoutNulls(annotations));
    }

    /** A null value (JSON {@code null}) is the empty string, as the API server decodes it. */
    private static Map<String, String> withoutNulls(Map<String, String> map) {
        if (map.values().stream().noneMatch(java.util.Objects::isNull)) {
            return map;
        }
        Map<String, String> copy = new HashMap<>();
        map.forEach((key, value) -> copy.put(key, value == null ? "" : value));
        return copy;
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

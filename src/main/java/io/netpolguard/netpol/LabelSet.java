package io.netpolguard.netpol;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable set of labels with a precomputed hash, so that label sets can key caches cheaply:
 * pods with the same labels are equivalent to every selector.
 */
public final class LabelSet {
    public static final LabelSet EMPTY = new LabelSet(Map.of());

    private final Map<String, String> labels;
    private final int hash;

    private LabelSet(Map<String, String> labels) {
        this.labels = labels;
        this.hash = labels.hashCode();
    }

    /** A label whose value is null (JSON {@code null}) has the empty value, as the API server decodes it. */
    public static LabelSet of(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return EMPTY;
        }
        if (labels.values().stream().anyMatch(java.util.Objects::isNull)) { // containsValue(null) throws on Map.of
            Map<String, String> copy = new HashMap<>();
            labels.forEach((key, value) -> copy.put(key, value == null ? "" : value));
            return new LabelSet(Map.copyOf(copy));
        }
        return new LabelSet(Map.copyOf(labels));
    }

    public String get(String key) {
        return labels.get(key);
    }

    public boolean containsKey(String key) {
        return labels.containsKey(key);
    }

    public Map<String, String> asMap() {
        return labels;
    }

    /** Only the labels with these keys: what a set of selectors can tell apart. */
    public LabelSet project(Collection<String> keys) {
        Map<String, String> kept = new HashMap<>();
        for (String key : keys) {
            String value = labels.get(key);
            if (value != null) {
                kept.put(key, value);
            }
        }
        return kept.size() == labels.size() ? this : kept.isEmpty() ? EMPTY : new LabelSet(Map.copyOf(kept));
    }

    public boolean isEmpty() {
        return labels.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof LabelSet other && hash == other.hash && labels.equals(other.labels));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        new TreeMap<>(labels).forEach((k, v) -> {
            if (out.length() > 1) {
                out.append(", ");
            }
            out.append(k).append('=').append(v);
        });
        return out.append('}').toString();
    }
}

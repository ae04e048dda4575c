package io.netpolguard.netpol;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Label sets in a fixed order, indexed by key and value: which of them a {@link Selector} matches is found from the
 * values its requirements name, as a set of positions, without matching each label set.
 */
public final class LabelIndex {
    private static final BitSet NONE = new BitSet();

    private final int size;
    private final Map<String, Map<String, BitSet>> byKeyAndValue = new HashMap<>();
    private final Map<String, BitSet> byKey = new HashMap<>();

    public LabelIndex(List<LabelSet> labels) {
        this.size = labels.size();
        for (int i = 0; i < size; i++) {
            for (Map.Entry<String, String> label : labels.get(i).asMap().entrySet()) {
                byKeyAndValue.computeIfAbsent(label.getKey(), k -> new HashMap<>())
                        .computeIfAbsent(label.getValue(), v -> new BitSet(size)).set(i);
                byKey.computeIfAbsent(label.getKey(), k -> new BitSet(size)).set(i);
            }
        }
    }

    /** How many label sets there are. */
    public int size() {
        return size;
    }

    /** The positions of the label sets {@code selector} matches: {@code selector.matches(labels.get(i))} for each i. */
    public BitSet matching(Selector selector) {
        return selector.matchingIn(this);
    }

    /** Every position. */
    BitSet all() {
        BitSet all = new BitSet(size);
        all.set(0, size);
        return all;
    }

    /** The positions whose label set has {@code key} with {@code value}; not to be changed. */
    BitSet withValue(String key, String value) {
        return byKeyAndValue.getOrDefault(key, Map.of()).getOrDefault(value, NONE);
    }

    /** The positions whose label set has {@code key}; not to be changed. */
    BitSet withKey(String key) {
        return byKey.getOrDefault(key, NONE);
    }
}

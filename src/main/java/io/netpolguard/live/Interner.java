package io.netpolguard.live;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/** Shares equal immutable values (label sets, port lists): the pods of one workload all have the same ones. */
final class Interner {
    private final Map<Object, WeakReference<Object>> values = Collections.synchronizedMap(new WeakHashMap<>());

    @SuppressWarnings("unchecked")
    <T> T intern(T value) {
        WeakReference<Object> existing = values.get(value);
        Object shared = existing == null ? null : existing.get();
        if (shared != null) {
            return (T) shared;
        }
        values.put(value, new WeakReference<>(value));
        return value;
    }
}

package io.netpolguard.dynatrace;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * DynaKubes and EdgeConnects read from their resource objects once: snapshots made from one another share those
 * objects, and deriving a change's flows reads each several times (its JSON tree made each time). Keyed by identity,
 * so an object read is the very object of a snapshot. Every admission request adds its own object, so the bound is
 * small: entries are dropped together before they live long enough to reach the old generation, and the few stored
 * DynaKubes are read again after each drop.
 */
public final class ReadOnce {
    private static final int LIMIT = 32;
    private static final Map<HasMetadata, Object> READ = new IdentityHashMap<>();

    private ReadOnce() {
    }

    public static DynaKube dynaKube(HasMetadata resource) {
        return (DynaKube) read(resource, DynaKubeReader::read);
    }

    public static EdgeConnect edgeConnect(HasMetadata resource) {
        return (EdgeConnect) read(resource, EdgeConnectReader::read);
    }

    private static Object read(HasMetadata resource, Function<HasMetadata, Object> reader) {
        synchronized (READ) {
            Object made = READ.get(resource);
            if (made != null) {
                return made;
            }
        }
        Object made = reader.apply(resource); // outside the lock: two threads may both read it, either result is right
        synchronized (READ) {
            if (READ.size() >= LIMIT) {
                READ.clear();
            }
            READ.put(resource, made);
        }
        return made;
    }
}

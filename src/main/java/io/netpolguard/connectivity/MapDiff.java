package io.netpolguard.connectivity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What changed from one connectivity map to another, sorted by source then destination. */
public record MapDiff(List<Change> changes) {

    public MapDiff {
        changes = List.copyOf(changes);
    }

    public static MapDiff between(ConnectivityMap before, ConnectivityMap after) {
        Map<List<End>, Link> old = new LinkedHashMap<>();
        before.links().forEach(link -> old.put(List.of(link.from(), link.to()), link));
        List<Change> changes = new ArrayList<>();
        for (Link link : after.links()) {
            Link was = old.remove(List.of(link.from(), link.to()));
            if (was == null) {
                changes.add(new Change(Change.Kind.added, link.from(), link.to(), null, link));
            } else if (!was.samePorts(link)) {
                changes.add(new Change(Change.Kind.changed, link.from(), link.to(), was, link));
            }
        }
        old.values().forEach(link -> changes.add(new Change(Change.Kind.removed, link.from(), link.to(), link, null)));
        changes.sort(null);
        return new MapDiff(changes);
    }

    public long count(Change.Kind kind) {
        return changes.stream().filter(c -> c.kind() == kind).count();
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }
}

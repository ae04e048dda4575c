package io.netpolguard.connectivity;

import java.util.Comparator;

/** What a person names when talking about pods: {@code namespace/Kind/name} (Deployment, StatefulSet, ..., Pod). */
public record Workload(String namespace, String kind, String workloadName) implements End {
    private static final Comparator<Workload> ORDER = Comparator.comparing(Workload::namespace)
            .thenComparing(Workload::kind).thenComparing(Workload::workloadName);

    @Override
    public String name() {
        return namespace + "/" + kind + "/" + workloadName;
    }

    int compareWorkload(Workload other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return name();
    }
}

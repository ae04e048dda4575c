package io.netpolguard.connectivity;

/** One end of a connection in the map: a workload, or a range of addresses outside the pods. */
public sealed interface End extends Comparable<End> permits Workload, AddressRange {

    /** How a person names it: {@code shop/Deployment/checkout}, {@code 10.0.0.0/8} or {@code 0.0.0.0-9.255.255.255}. */
    String name();

    /** Workloads first (by namespace, kind, name), then address ranges (IPv4 first, by address). */
    @Override
    default int compareTo(End other) {
        if (this instanceof Workload a && other instanceof Workload b) {
            return a.compareWorkload(b);
        }
        if (this instanceof AddressRange a && other instanceof AddressRange b) {
            return a.compareRange(b);
        }
        return this instanceof Workload ? -1 : 1;
    }
}

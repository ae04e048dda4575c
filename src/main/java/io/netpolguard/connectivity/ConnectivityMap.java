package io.netpolguard.connectivity;

import java.util.List;

/**
 * Every connection that policies allow between the workloads of a cluster and the address ranges outside it, sorted by
 * source then destination; {@code ends} are every workload and address range looked at, connected or not.
 */
public record ConnectivityMap(List<End> ends, List<Link> links) {

    public ConnectivityMap {
        ends = List.copyOf(ends);
        links = List.copyOf(links);
    }

    public long unverifiableCount() {
        return links.stream().filter(l -> !l.unverifiable().isEmpty()).count();
    }

    public long somePodsCount() {
        return links.stream().filter(l -> !l.somePods().isEmpty()).count();
    }
}

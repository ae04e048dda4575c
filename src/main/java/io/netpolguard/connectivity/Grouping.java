package io.netpolguard.connectivity;

/** What the map's ends are: workloads as a person names them, or each pod on its own. */
public enum Grouping {
    workload, pod
}

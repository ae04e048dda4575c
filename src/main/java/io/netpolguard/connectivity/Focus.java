package io.netpolguard.connectivity;

import java.util.Collection;

/**
 * What part of the map to show: connections from or to one workload ({@code namespace/Kind/name}, or a pod
 * {@code namespace/Pod/name}), or from or to any workload of a namespace. {@link #EVERYTHING} shows all.
 */
public record Focus(String namespace, String kind, String name) {
    public static final Focus EVERYTHING = new Focus(null, null, null);

    /** {@code namespace} or {@code namespace/Kind/name}. */
    public static Focus parse(String text) {
        String[] parts = text.split("/", -1);
        boolean blank = java.util.Arrays.stream(parts).anyMatch(String::isBlank);
        if (blank || parts.length != 1 && parts.length != 3) {
            throw new IllegalArgumentException("--focus '" + text + "' is neither a namespace nor namespace/Kind/name "
                    + "(e.g. shop/Deployment/checkout)");
        }
        return parts.length == 1 ? new Focus(parts[0], null, null) : new Focus(parts[0], parts[1], parts[2]);
    }

    public boolean isEverything() {
        return namespace == null;
    }

    public boolean covers(End end) {
        if (isEverything()) {
            return true;
        }
        if (!(end instanceof Workload workload) || !workload.namespace().equals(namespace)) {
            return false;
        }
        return kind == null || workload.kind().equals(kind) && workload.workloadName().equals(name);
    }

    /** Fails when no end is in focus: a misspelt name should not look like a workload with no connection. */
    public void check(Collection<? extends End> ends) {
        if (!isEverything() && ends.stream().noneMatch(this::covers)) {
            throw new IllegalArgumentException("--focus " + this + ": no " + (kind == null ? "workload in namespace "
                    + namespace : "workload " + this) + " in the cluster manifests");
        }
    }

    @Override
    public String toString() {
        return kind == null ? namespace : namespace + "/" + kind + "/" + name;
    }
}

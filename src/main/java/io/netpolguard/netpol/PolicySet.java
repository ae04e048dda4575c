package io.netpolguard.netpol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every compiled policy of a cluster, grouped by namespace. Immutable: a change produces a new set
 * that shares every untouched namespace (and its selection cache) with the old one.
 */
public final class PolicySet {
    public static final PolicySet EMPTY = new PolicySet(Map.of());

    private final Map<String, NamespacePolicies> byNamespace;
    /**
     * Set when this set was made by changing one namespace of another: {@code byNamespace} is the other's map,
     * shared, and {@code changed} replaces that namespace's policies (none when it is empty). A change then
     * costs nothing per namespace of the cluster.
     */
    private final String changedNamespace;
    private final NamespacePolicies changed;
    private Found lastFound;

    private PolicySet(Map<String, NamespacePolicies> byNamespace) {
        this(byNamespace, null, null);
    }

    private PolicySet(Map<String, NamespacePolicies> byNamespace, String changedNamespace, NamespacePolicies changed) {
        this.byNamespace = byNamespace;
        this.changedNamespace = changedNamespace;
        this.changed = changed;
    }

    public static PolicySet of(Collection<CompiledPolicy> policies) {
        Map<String, List<CompiledPolicy>> grouped = new HashMap<>();
        for (CompiledPolicy policy : policies) {
            grouped.computeIfAbsent(policy.namespace(), n -> new ArrayList<>()).add(policy);
        }
        Map<String, NamespacePolicies> byNamespace = new HashMap<>();
        grouped.forEach((namespace, list) -> byNamespace.put(namespace, new NamespacePolicies(list)));
        return new PolicySet(Map.copyOf(byNamespace));
    }

    public NamespacePolicies in(String namespace) {
        Found last = lastFound;
        if (last != null && last.namespace == namespace) {
            return last.policies;
        }
        NamespacePolicies found;
        if (namespace.equals(changedNamespace)) {
            found = changed.policies().isEmpty() ? NamespacePolicies.NONE : changed;
        } else {
            found = byNamespace.getOrDefault(namespace, NamespacePolicies.NONE);
        }
        lastFound = new Found(namespace, found);
        return found;
    }

    /**
     * The namespace looked up last, by identity (pods' namespace names are interned): a flow's connections come in
     * runs from one namespace. Immutable, so threads may race on the field.
     */
    private record Found(String namespace, NamespacePolicies policies) {
    }

    public Collection<String> namespaces() {
        return effective().keySet();
    }

    public List<CompiledPolicy> all() {
        List<CompiledPolicy> all = new ArrayList<>();
        effective().values().forEach(n -> all.addAll(n.policies()));
        return all;
    }

    public int size() {
        return effective().values().stream().mapToInt(n -> n.policies().size()).sum();
    }

    /** Namespace to its policies, without namespaces that have none. */
    private Map<String, NamespacePolicies> effective() {
        if (changedNamespace == null) {
            return byNamespace;
        }
        Map<String, NamespacePolicies> copy = new HashMap<>(byNamespace);
        if (changed.policies().isEmpty()) {
            copy.remove(changedNamespace);
        } else {
            copy.put(changedNamespace, changed);
        }
        return Map.copyOf(copy);
    }

    /** This set with {@code namespace}'s policies replaced; other namespaces are shared. */
    public PolicySet withNamespace(String namespace, List<CompiledPolicy> policies) {
        return with(namespace, new NamespacePolicies(policies));
    }

    private PolicySet with(String namespace, NamespacePolicies policies) {
        if (changedNamespace == null || changedNamespace.equals(namespace)) {
            return new PolicySet(byNamespace, namespace, policies);
        }
        return new PolicySet(effective(), namespace, policies);
    }

    /** This set with one policy added or replaced (same namespace and name). */
    public PolicySet withPolicy(CompiledPolicy policy) {
        return with(policy.namespace(), NamespacePolicies.changed(in(policy.namespace()), policy.name(), policy));
    }

    /** This set without the named policy. */
    public PolicySet withoutPolicy(String namespace, String name) {
        return with(namespace, NamespacePolicies.changed(in(namespace), name, null));
    }
}

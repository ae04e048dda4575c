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

    private PolicySet(Map<String, NamespacePolicies> byNamespace) {
        this.byNamespace = byNamespace;
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
        return byNamespace.getOrDefault(namespace, NamespacePolicies.NONE);
    }

    public Collection<String> namespaces() {
        return byNamespace.keySet();
    }

    public List<CompiledPolicy> all() {
        List<CompiledPolicy> all = new ArrayList<>();
        byNamespace.values().forEach(n -> all.addAll(n.policies()));
        return all;
    }

    public int size() {
        return byNamespace.values().stream().mapToInt(n -> n.policies().size()).sum();
    }

    /** This set with {@code namespace}'s policies replaced; other namespaces are shared. */
    public PolicySet withNamespace(String namespace, List<CompiledPolicy> policies) {
        Map<String, NamespacePolicies> copy = new HashMap<>(byNamespace);
        if (policies.isEmpty()) {
            copy.remove(namespace);
        } else {
            copy.put(namespace, new NamespacePolicies(policies));
        }
        return new PolicySet(Map.copyOf(copy));
    }

    /** This set with one policy added or replaced (same namespace and name). */
    public PolicySet withPolicy(CompiledPolicy policy) {
        List<CompiledPolicy> policies = new ArrayList<>(in(policy.namespace()).policies());
        policies.removeIf(p -> p.name().equals(policy.name()));
        policies.add(policy);
        return withNamespace(policy.namespace(), policies);
    }

    /** This set without the named policy. */
    public PolicySet withoutPolicy(String namespace, String name) {
        List<CompiledPolicy> policies = new ArrayList<>(in(namespace).policies());
        policies.removeIf(p -> p.name().equals(name));
        return withNamespace(namespace, policies);
    }
}

package io.netpolguard.netpol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compiled policies of one namespace, with a cache of which policies select a label set. The
 * cache is keyed on the labels the namespace's podSelectors look at, so pods that differ only in
 * labels no policy selects on ({@code pod-template-hash}, pod names) share an entry.
 */
public final class NamespacePolicies {
    public static final NamespacePolicies NONE = new NamespacePolicies(List.of());
    private static final int CACHE_LIMIT = 10_000;

    private final List<CompiledPolicy> policies;
    private final List<String> selectorKeys;
    private final Map<LabelSet, Selection> byLabels = new ConcurrentHashMap<>();
    private final Map<LabelSet, Selection> bySelectedLabels = new ConcurrentHashMap<>();
    /**
     * For a set derived from a base, per selection of the base (by identity): what it becomes where the added policy
     * does not and does select ({@link #derive(Selection, LabelSet)}).
     */
    private final Map<Selection, Selection[]> fromBaseSelections = new java.util.IdentityHashMap<>();
    /**
     * One list object per distinct list of isolating policies: decisions shared between peers are kept per list object
     * ({@code PeerClasses}), so pods of different label sets selected by the same policies share them.
     */
    private final Map<PolicyList, List<CompiledPolicy>> lists = new ConcurrentHashMap<>();

    /** For a set that differs from {@code base} in one policy name only: selections are derived from base's. */
    private final NamespacePolicies base;
    private final String changedName;
    private final CompiledPolicy added;
    /** Per direction: every policy that isolates it selects every pod, so that all pods get the same list. */
    private final boolean ingressAlike;
    private final boolean egressAlike;
    /** What selects every pod (the lists of {@link #isolatingAlike}), once asked for; threads may race to set it. */
    private volatile Selection selectedAlike;
    /** {@link #alikeEgressToOutside}, once asked for; threads may race to set it. */
    private volatile Object alikeEgressToOutside;

    public NamespacePolicies(List<CompiledPolicy> policies) {
        this(policies, null, null, null);
    }

    private NamespacePolicies(List<CompiledPolicy> policies, NamespacePolicies base, String changedName,
            CompiledPolicy added) {
        this.policies = List.copyOf(policies);
        Set<String> keys = new TreeSet<>();
        this.policies.forEach(p -> keys.addAll(p.podSelector().keys()));
        this.selectorKeys = List.copyOf(keys);
        this.base = base;
        this.changedName = changedName;
        this.added = added;
        this.ingressAlike = this.policies.stream().noneMatch(p -> p.isolatesIngress() && !p.podSelector().matchesEverything());
        this.egressAlike = this.policies.stream().noneMatch(p -> p.isolatesEgress() && !p.podSelector().matchesEverything());
    }

    /**
     * {@code base}'s policies without those named {@code name}, then {@code added} (may be null) at the end.
     * Selections are derived from {@code base}'s (cached there) instead of matching every policy again: judging
     * a change in a namespace with many policies and label sets stays cheap.
     */
    static NamespacePolicies changed(NamespacePolicies base, String name, CompiledPolicy added) {
        List<CompiledPolicy> policies = new ArrayList<>(base.policies);
        policies.removeIf(p -> p.name().equals(name));
        if (added != null) {
            policies.add(added);
        }
        // derive from an original set only, so that a chain of changes never keeps old sets alive
        return base.base == null ? new NamespacePolicies(policies, base, name, added) : new NamespacePolicies(policies);
    }

    public List<CompiledPolicy> policies() {
        return policies;
    }

    /** The policies that isolate a pod with these labels, per direction. */
    public Selection select(LabelSet labels) {
        if (policies.isEmpty()) {
            return Selection.NONE;
        }
        if (base != null) {
            return derive(base.select(labels), labels);
        }
        Selection cached = byLabels.get(labels);
        if (cached != null) {
            return cached;
        }
        LabelSet selected = labels.project(selectorKeys);
        Selection selection = bySelectedLabels.get(selected);
        if (selection == null) {
            selection = compute(labels);
            remember(bySelectedLabels, selected, selection);
        }
        remember(byLabels, labels, selection);
        return selection;
    }

    /**
     * The policies that isolate every pod of the namespace for {@code direction} when the list is the same for all
     * (each policy isolating that direction selects every pod): {@code select(labels).isolating(direction)} for any
     * labels, found without them. Null when the list depends on the pod's labels.
     */
    public List<CompiledPolicy> isolatingAlike(Direction direction) {
        if (!(direction == Direction.INGRESS ? ingressAlike : egressAlike)) {
            return null;
        }
        Selection alike = selectedAlike;
        if (alike == null) {
            alike = select(LabelSet.EMPTY);
            selectedAlike = alike;
        }
        return alike.isolating(direction);
    }

    /**
     * Where {@link #isolatingAlike}{@code (EGRESS)} is not null: what its rules can say about a peer that is not a
     * selectable pod ({@link OutsideRules}), one object for every namespace whose list has that shape.
     */
    Object alikeEgressToOutside() {
        Object made = alikeEgressToOutside;
        if (made == null) {
            made = OutsideRules.of(isolatingAlike(Direction.EGRESS), Direction.EGRESS);
            alikeEgressToOutside = made;
        }
        return made;
    }

    private static void remember(Map<LabelSet, Selection> cache, LabelSet key, Selection selection) {
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(key, selection);
    }

    private Selection compute(LabelSet labels) {
        List<CompiledPolicy> ingress = new ArrayList<>();
        List<CompiledPolicy> egress = new ArrayList<>();
        for (CompiledPolicy policy : policies) {
            if (policy.podSelector().matches(labels)) {
                if (policy.isolatesIngress()) {
                    ingress.add(policy);
                }
                if (policy.isolatesEgress()) {
                    egress.add(policy);
                }
            }
        }
        return new Selection(canonical(ingress), canonical(egress));
    }

    /** The list object of this set equal to {@code policies} (the same policies in the same order). */
    private List<CompiledPolicy> canonical(List<CompiledPolicy> policies) {
        if (policies.isEmpty()) {
            return List.of();
        }
        PolicyList key = new PolicyList(policies);
        List<CompiledPolicy> known = lists.get(key);
        if (known != null) {
            return known;
        }
        if (lists.size() >= CACHE_LIMIT) {
            lists.clear();
        }
        List<CompiledPolicy> copy = List.copyOf(policies);
        known = lists.putIfAbsent(new PolicyList(copy), copy);
        return known != null ? known : copy;
    }

    /** A list of compiled policies compared by the identity of its elements (compiled policies never change). */
    private record PolicyList(List<CompiledPolicy> policies) {
        @Override
        public boolean equals(Object other) {
            if (!(other instanceof PolicyList o) || o.policies.size() != policies.size()) {
                return false;
            }
            for (int i = 0; i < policies.size(); i++) {
                if (o.policies.get(i) != policies.get(i)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int hash = 1;
            for (CompiledPolicy policy : policies) {
                hash = hash * 31 + System.identityHashCode(policy);
            }
            return hash;
        }
    }

    /**
     * Base's selection without the changed name, plus the added policy: the lists compute() would make. They follow
     * from base's selection and whether the added policy selects the pod, so they are made once for each: a change is
     * judged against the label sets of its whole namespace, each of which base has selected before.
     */
    private Selection derive(Selection fromBase, LabelSet labels) {
        boolean addedSelects = added != null && added.podSelector().matches(labels);
        synchronized (fromBaseSelections) { // looked up without a key object: a change's label sets each look up one
            Selection[] derived = fromBaseSelections.get(fromBase);
            if (derived == null) {
                if (fromBaseSelections.size() >= CACHE_LIMIT) {
                    fromBaseSelections.clear();
                }
                derived = new Selection[2];
                fromBaseSelections.put(fromBase, derived);
            }
            int slot = addedSelects ? 1 : 0;
            if (derived[slot] == null) {
                derived[slot] = new Selection(derive(fromBase.ingress(), addedSelects && added.isolatesIngress()),
                        derive(fromBase.egress(), addedSelects && added.isolatesEgress()));
            }
            return derived[slot];
        }
    }

    private List<CompiledPolicy> derive(List<CompiledPolicy> fromBase, boolean withAdded) {
        List<CompiledPolicy> list = new ArrayList<>(fromBase.size() + 1);
        for (CompiledPolicy policy : fromBase) {
            if (!policy.name().equals(changedName)) {
                list.add(policy);
            }
        }
        if (!withAdded && list.size() == fromBase.size()) {
            return fromBase; // the change does not touch these pods' list: the very list, and what was decided for it
        }
        if (withAdded) {
            list.add(added);
        }
        return canonical(list);
    }

    /** The policies that select a pod for ingress and for egress. */
    public record Selection(List<CompiledPolicy> ingress, List<CompiledPolicy> egress) {
        static final Selection NONE = new Selection(List.of(), List.of());

        public List<CompiledPolicy> isolating(Direction direction) {
            return direction == Direction.INGRESS ? ingress : egress;
        }
    }
}

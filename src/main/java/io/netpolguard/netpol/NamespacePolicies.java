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

    public NamespacePolicies(List<CompiledPolicy> policies) {
        this.policies = List.copyOf(policies);
        Set<String> keys = new TreeSet<>();
        this.policies.forEach(p -> keys.addAll(p.podSelector().keys()));
        this.selectorKeys = List.copyOf(keys);
    }

    public List<CompiledPolicy> policies() {
        return policies;
    }

    /** The policies that isolate a pod with these labels, per direction. */
    public Selection select(LabelSet labels) {
        if (policies.isEmpty()) {
            return Selection.NONE;
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
        return new Selection(List.copyOf(ingress), List.copyOf(egress));
    }

    /** The policies that select a pod for ingress and for egress. */
    public record Selection(List<CompiledPolicy> ingress, List<CompiledPolicy> egress) {
        static final Selection NONE = new Selection(List.of(), List.of());

        public List<CompiledPolicy> isolating(Direction direction) {
            return direction == Direction.INGRESS ? ingress : egress;
        }
    }
}

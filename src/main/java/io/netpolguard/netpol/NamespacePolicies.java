package io.netpolguard.netpol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compiled policies of one namespace, with a cache of which policies select a label set:
 * pods with the same labels are selected by the same policies.
 */
public final class NamespacePolicies {
    public static final NamespacePolicies NONE = new NamespacePolicies(List.of());
    private static final int CACHE_LIMIT = 10_000;

    private final List<CompiledPolicy> policies;
    private final Map<LabelSet, Selection> selections = new ConcurrentHashMap<>();

    public NamespacePolicies(List<CompiledPolicy> policies) {
        this.policies = List.copyOf(policies);
    }

    public List<CompiledPolicy> policies() {
        return policies;
    }

    /** The policies that isolate a pod with these labels, per direction. */
    public Selection select(LabelSet labels) {
        if (policies.isEmpty()) {
            return Selection.NONE;
        }
        Selection cached = selections.get(labels);
        if (cached != null) {
            return cached;
        }
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
        Selection selection = new Selection(List.copyOf(ingress), List.copyOf(egress));
        if (selections.size() < CACHE_LIMIT) {
            selections.put(labels, selection);
        }
        return selection;
    }

    /** The policies that select a pod for ingress and for egress. */
    public record Selection(List<CompiledPolicy> ingress, List<CompiledPolicy> egress) {
        static final Selection NONE = new Selection(List.of(), List.of());

        public List<CompiledPolicy> isolating(Direction direction) {
            return direction == Direction.INGRESS ? ingress : egress;
        }
    }
}

package io.netpolguard.netpol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every cluster-wide policy of a cluster, each tier in the order it is evaluated (priority, then kind and name, so
 * that the order is the same every time), with a cache of which apply to a pod's labels.
 */
public final class ClusterPolicies {
    private static final int CACHE_LIMIT = 10_000;
    private static final Comparator<ClusterPolicy> ORDER = Comparator.comparingInt(ClusterPolicy::priority)
            .thenComparing(ClusterPolicy::kind).thenComparing(ClusterPolicy::name);
    public static final ClusterPolicies NONE = new ClusterPolicies(List.of());

    private final List<ClusterPolicy> all;
    private final List<ClusterPolicy> admin;
    private final List<ClusterPolicy> baseline;
    private final Map<Key, Selection> cache = new ConcurrentHashMap<>();

    public ClusterPolicies(Collection<ClusterPolicy> policies) {
        this.all = policies.stream().sorted(Comparator.comparing(ClusterPolicy::tier).thenComparing(ORDER)).toList();
        this.admin = all.stream().filter(p -> p.tier() == Tier.ADMIN).toList();
        this.baseline = all.stream().filter(p -> p.tier() == Tier.BASELINE).toList();
    }

    public List<ClusterPolicy> all() {
        return all;
    }

    public boolean isEmpty() {
        return all.isEmpty();
    }

    /** These policies with {@code policy} added or replacing the one of the same kind and name. */
    public ClusterPolicies with(ClusterPolicy policy) {
        List<ClusterPolicy> changed = new ArrayList<>(without(policy.kind(), policy.name()).all);
        changed.add(policy);
        return new ClusterPolicies(changed);
    }

    public ClusterPolicies without(ClusterPolicyKind kind, String name) {
        return new ClusterPolicies(all.stream().filter(p -> p.kind() != kind || !p.name().equals(name)).toList());
    }

    /** The policies of each tier that apply to a pod and have rules for {@code direction}, in order. */
    public Selection select(PodEndpoint pod, LabelSet namespaceLabels) {
        if (all.isEmpty() || pod.hostNetwork()) {
            return Selection.NONE;
        }
        Key key = new Key(namespaceLabels, pod.labels());
        Selection cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        Selection selection = new Selection(applying(admin, pod, namespaceLabels, Direction.INGRESS),
                applying(admin, pod, namespaceLabels, Direction.EGRESS),
                applying(baseline, pod, namespaceLabels, Direction.INGRESS),
                applying(baseline, pod, namespaceLabels, Direction.EGRESS));
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(key, selection);
        return selection;
    }

    private static List<ClusterPolicy> applying(List<ClusterPolicy> tier, PodEndpoint pod, LabelSet namespaceLabels,
            Direction direction) {
        List<ClusterPolicy> applying = new ArrayList<>();
        for (ClusterPolicy policy : tier) {
            if (!policy.rules(direction).isEmpty() && policy.selects(pod, namespaceLabels)) {
                applying.add(policy);
            }
        }
        return List.copyOf(applying);
    }

    private record Key(LabelSet namespaceLabels, LabelSet podLabels) {
    }

    /** The Admin and Baseline policies that apply to one pod, per direction. */
    public record Selection(List<ClusterPolicy> adminIngress, List<ClusterPolicy> adminEgress,
            List<ClusterPolicy> baselineIngress, List<ClusterPolicy> baselineEgress) {
        static final Selection NONE = new Selection(List.of(), List.of(), List.of(), List.of());

        public List<ClusterPolicy> admin(Direction direction) {
            return direction == Direction.INGRESS ? adminIngress : adminEgress;
        }

        public List<ClusterPolicy> baseline(Direction direction) {
            return direction == Direction.INGRESS ? baselineIngress : baselineEgress;
        }

        public boolean isEmpty(Direction direction) {
            return admin(direction).isEmpty() && baseline(direction).isEmpty();
        }
    }
}

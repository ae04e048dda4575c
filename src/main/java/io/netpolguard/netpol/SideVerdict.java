package io.netpolguard.netpol;

import java.util.List;

/**
 * The verdict of one side of a connection: egress of the source or ingress of the destination.
 * {@code isolating} is empty when no NetworkPolicy isolates that pod for this direction. {@code ranges} are
 * where the peer's address may be (each must be allowed); {@code leftOut} those of them this side does
 * not allow when it allows others. {@code cluster} is null when no cluster-wide policy applies to the pod in this
 * direction, else says which tier decided. {@code unevaluated} names policies of kinds the guard does not evaluate
 * (or may not list) that may apply to the pod: they make the side UNDETERMINED. {@code judged} is the outcome of the
 * policies the guard reads, before those made it UNDETERMINED (the same as {@code outcome} when none apply).
 */
public record SideVerdict(Direction direction, Endpoint subject, List<CompiledPolicy> isolating, Outcome outcome,
        CompiledPolicy allowingPolicy, Rule allowingRule, List<Cidr> ranges, List<Cidr> leftOut,
        ClusterDecision cluster, List<String> unevaluated, Outcome judged) {

    public SideVerdict {
        ranges = List.copyOf(ranges);
        leftOut = List.copyOf(leftOut);
        unevaluated = List.copyOf(unevaluated);
        judged = judged == null ? outcome : judged;
    }

    public SideVerdict(Direction direction, Endpoint subject, List<CompiledPolicy> isolating, Outcome outcome,
            CompiledPolicy allowingPolicy, Rule allowingRule, List<Cidr> ranges, List<Cidr> leftOut) {
        this(direction, subject, isolating, outcome, allowingPolicy, allowingRule, ranges, leftOut, null, List.of(), null);
    }

    public boolean isolated() {
        return !isolating.isEmpty();
    }

    /** Whether a cluster-wide rule decided this side (so no NetworkPolicy can change it). */
    public boolean decidedByClusterRule() {
        return cluster != null && cluster.byClusterRule();
    }

    /** The ids of the policies that decide this side: the deciding cluster-wide policy, or the isolating NetworkPolicies. */
    public List<String> decidingPolicies() {
        if (decidedByClusterRule()) {
            return List.of(cluster.policy().id());
        }
        return isolating.stream().map(CompiledPolicy::id).toList();
    }

    static SideVerdict notIsolated(Direction direction, Endpoint subject) {
        return new SideVerdict(direction, subject, List.of(), Outcome.ALLOWED, null, null, List.of(), List.of());
    }

    SideVerdict withCluster(ClusterDecision decision, Outcome newOutcome) {
        return new SideVerdict(direction, subject, isolating, newOutcome, allowingPolicy, allowingRule, ranges, leftOut,
                decision, unevaluated, null);
    }

    SideVerdict withRanges(Outcome newOutcome, List<Cidr> allRanges, List<Cidr> newLeftOut) {
        return new SideVerdict(direction, subject, isolating, newOutcome, allowingPolicy, allowingRule, allRanges,
                newLeftOut, cluster, unevaluated, null);
    }

    SideVerdict withUnevaluated(List<String> names, Outcome newOutcome) {
        return new SideVerdict(direction, subject, isolating, newOutcome, allowingPolicy, allowingRule, ranges, leftOut,
                cluster, names, outcome);
    }
}

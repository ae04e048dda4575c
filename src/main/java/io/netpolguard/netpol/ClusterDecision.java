package io.netpolguard.netpol;

import java.util.List;

/**
 * How cluster-wide policies took part in a side's verdict. {@code tier} decided it: ADMIN or BASELINE through
 * {@code policy}'s {@code rule} (when the rule only may match, the side is UNDETERMINED), NETWORK_POLICY through the
 * side's NetworkPolicies, DEFAULT when nothing matched. {@code passes} are the Pass rules that handed the decision
 * on, as {@link ClusterPolicy#describe} writes them.
 */
public record ClusterDecision(Tier tier, ClusterPolicy policy, ClusterRule rule, boolean ruleMayMatch,
        List<String> passes, String tiedWith) {

    public ClusterDecision {
        passes = List.copyOf(passes);
    }

    static ClusterDecision byRule(ClusterPolicy policy, ClusterRule rule, boolean mayMatch) {
        return new ClusterDecision(policy.tier(), policy, rule, mayMatch, List.of(), null);
    }

    static ClusterDecision byTier(Tier tier) {
        return new ClusterDecision(tier, null, null, false, List.of(), null);
    }

    /**
     * {@code rule} matches, but so does {@code other} of a policy with the same priority, with another outcome: the
     * API lets an implementation apply either first.
     */
    static ClusterDecision tied(ClusterPolicy policy, ClusterRule rule, String other) {
        return new ClusterDecision(policy.tier(), policy, rule, false, List.of(), other);
    }

    /** This decision, reached after {@code pass} handed it on. */
    ClusterDecision after(String pass) {
        List<String> all = new java.util.ArrayList<>();
        all.add(pass);
        all.addAll(passes);
        return new ClusterDecision(tier, policy, rule, ruleMayMatch, all, tiedWith);
    }

    /** Whether a cluster-wide rule (not NetworkPolicy, not the default) decided. */
    public boolean byClusterRule() {
        return rule != null;
    }

    /** {@code [ANP deny-egress, priority 10, egress[0]] Deny}, or the tier's name. */
    public String describe() {
        return rule != null ? policy.describe(rule) : tier.display();
    }
}

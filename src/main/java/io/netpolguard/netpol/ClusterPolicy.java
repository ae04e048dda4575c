package io.netpolguard.netpol;

import java.util.List;

/**
 * A cluster-wide policy compiled once: the pods it applies to ({@code subjectNamespaces} and, when not null,
 * {@code subjectPods}), its tier and priority, and its rules in order. It has no isolation effect: a direction
 * without rules is not affected. {@code problems} says what could not be read.
 */
public record ClusterPolicy(ClusterPolicyKind kind, String name, Tier tier, int priority, Selector subjectNamespaces,
        Selector subjectPods, List<ClusterRule> ingress, List<ClusterRule> egress, List<String> problems) {

    public ClusterPolicy {
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
        problems = List.copyOf(problems);
    }

    /** {@code AdminNetworkPolicy/deny-egress}: unique in a cluster. */
    public String id() {
        return kind.kind() + "/" + name;
    }

    public List<ClusterRule> rules(Direction direction) {
        return direction == Direction.INGRESS ? ingress : egress;
    }

    /** Whether the policy applies to a pod; host-network pods are never subjects. */
    public boolean selects(PodEndpoint pod, LabelSet namespaceLabels) {
        return !pod.hostNetwork() && subjectNamespaces.matches(namespaceLabels)
                && (subjectPods == null || subjectPods.matches(pod.labels()));
    }

    /** How a verdict names a rule: {@code [ANP deny-egress, priority 10, egress[0]] Deny}. */
    public String describe(ClusterRule rule) {
        String tierText = kind == ClusterPolicyKind.CLUSTER_NETWORK_POLICY ? ", tier " + tier.display() : "";
        String priorityText = kind == ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY ? "" : ", priority " + priority;
        return "[" + kind.shortName() + " " + name + tierText + priorityText + ", " + rule.path() + "] "
                + actionWord(rule.action());
    }

    /** The kind's word for the action; a rule whose action could not be read has none. */
    public String actionWord(RuleAction action) {
        if (action == null) {
            return "(action not known)";
        }
        return switch (action) {
            case ACCEPT -> kind.allowWord();
            case DENY -> "Deny";
            case PASS -> "Pass";
        };
    }
}

package io.netpolguard.netpol;

import java.util.List;

/**
 * The cluster-wide policy kinds of the network-policy-api project (policy.networking.k8s.io): the
 * ClusterNetworkPolicy of v0.3 (tiers Admin and Baseline) and the v1alpha1 AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy that it replaces. {@code allowWord} is how the kind spells its allow action.
 */
public enum ClusterPolicyKind {
    CLUSTER_NETWORK_POLICY("ClusterNetworkPolicy", "CNP", "Accept", List.of("v1beta1", "v1alpha2")),
    ADMIN_NETWORK_POLICY("AdminNetworkPolicy", "ANP", "Allow", List.of("v1alpha1")),
    BASELINE_ADMIN_NETWORK_POLICY("BaselineAdminNetworkPolicy", "BANP", "Allow", List.of("v1alpha1"));

    public static final String GROUP = "policy.networking.k8s.io";

    private final String kind;
    private final String shortName;
    private final String allowWord;
    private final List<String> versions;

    ClusterPolicyKind(String kind, String shortName, String allowWord, List<String> versions) {
        this.kind = kind;
        this.shortName = shortName;
        this.allowWord = allowWord;
        this.versions = versions;
    }

    public String kind() {
        return kind;
    }

    public String shortName() {
        return shortName;
    }

    public String allowWord() {
        return allowWord;
    }

    /** The versions the guard reads, preferred first. */
    public List<String> versions() {
        return versions;
    }

    /** The lower-case plural of the resource, as in RBAC rules and webhook rules: {@code clusternetworkpolicies}. */
    public String plural() {
        String lower = kind.toLowerCase(java.util.Locale.ROOT);
        return lower.substring(0, lower.length() - 1) + "ies";
    }

    public static java.util.Optional<ClusterPolicyKind> ofKind(String kind) {
        for (ClusterPolicyKind candidate : values()) {
            if (candidate.kind.equals(kind)) {
                return java.util.Optional.of(candidate);
            }
        }
        return java.util.Optional.empty();
    }
}

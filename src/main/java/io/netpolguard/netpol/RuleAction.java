package io.netpolguard.netpol;

/** What a cluster-wide rule does with the traffic it matches. Allow (v1alpha1) is read as ACCEPT. */
public enum RuleAction {
    /** Allowed; no later rule of this tier or NetworkPolicy is looked at (for this side). */
    ACCEPT,
    /** Dropped; nothing later is looked at. */
    DENY,
    /** The rest of this tier is skipped; the next tier decides. */
    PASS
}

package io.netpolguard.netpol;

/**
 * Where a side of a connection is decided, in the order the network-policy-api documents: the Admin
 * tier, then NetworkPolicy, then the Baseline tier, then Kubernetes' default (allowed).
 */
public enum Tier {
    ADMIN("Admin"), NETWORK_POLICY("NetworkPolicy"), BASELINE("Baseline"), DEFAULT("default");

    private final String display;

    Tier(String display) {
        this.display = display;
    }

    public String display() {
        return display;
    }
}

package io.netpolguard.netpol;

/** A NetworkPolicy the engine cannot understand; the message names the policy and the field. */
public class InvalidPolicyException extends IllegalArgumentException {
    private final String policyId;

    public InvalidPolicyException(String policyId, String problem) {
        super("NetworkPolicy " + policyId + ": " + problem);
        this.policyId = policyId;
    }

    public String policyId() {
        return policyId;
    }
}

package io.netpolguard.netpol;

/** A NetworkPolicy the engine cannot understand; the message names the policy and the field. */
public class InvalidPolicyException extends IllegalArgumentException {
    private final String policyId;
    private final String problem;

    public InvalidPolicyException(String policyId, String problem) {
        super("NetworkPolicy " + policyId + ": " + problem);
        this.policyId = policyId;
        this.problem = problem;
    }

    /** The problem without the policy's name: {@code spec.egress[0].ports[0].port: ...}. */
    public String problem() {
        return problem;
    }

    public String policyId() {
        return policyId;
    }
}

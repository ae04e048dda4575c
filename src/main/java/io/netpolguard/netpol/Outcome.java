package io.netpolguard.netpol;

/** Three-valued result: UNDETERMINED when the answer depends on an address that is not known. */
public enum Outcome {
    ALLOWED, UNDETERMINED, BLOCKED;

    /** The best of two alternatives (rules and peers are ORed). */
    public Outcome or(Outcome other) {
        return ordinal() <= other.ordinal() ? this : other;
    }

    /** The worst of two requirements (egress and ingress are ANDed). */
    public Outcome and(Outcome other) {
        return ordinal() >= other.ordinal() ? this : other;
    }
}

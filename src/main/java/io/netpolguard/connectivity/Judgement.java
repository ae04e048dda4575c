package io.netpolguard.connectivity;

/** The ports on which connections between two classes (or a class and an address piece) are allowed, or undecided. */
record Judgement(PortSet allowed, PortSet unverifiable) {
    static final Judgement NONE = new Judgement(PortSet.EMPTY, PortSet.EMPTY);

    boolean isEmpty() {
        return allowed.isEmpty() && unverifiable.isEmpty();
    }
}

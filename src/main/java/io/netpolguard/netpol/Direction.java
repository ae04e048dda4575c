package io.netpolguard.netpol;

/** Which side of a connection a policy rule governs. */
public enum Direction {
    INGRESS("ingress"), EGRESS("egress");

    private final String field;

    Direction(String field) {
        this.field = field;
    }

    /** The spec field name: {@code ingress} or {@code egress}. */
    public String field() {
        return field;
    }
}

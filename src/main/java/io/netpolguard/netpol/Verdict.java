package io.netpolguard.netpol;

/**
 * The answer for one connection: the outcome of each side and, on demand, an explanation a person
 * can act on. The explanation is built lazily so that evaluating stays cheap.
 */
public final class Verdict {
    private final Connection connection;
    private final SideVerdict egress;
    private final SideVerdict ingress;
    private final NamespaceDirectory namespaces;
    private final boolean toItself;
    private String explanation;

    Verdict(Connection connection, SideVerdict egress, SideVerdict ingress, NamespaceDirectory namespaces) {
        this(connection, egress, ingress, namespaces, false);
    }

    private Verdict(Connection connection, SideVerdict egress, SideVerdict ingress, NamespaceDirectory namespaces,
            boolean toItself) {
        this.connection = connection;
        this.egress = egress;
        this.ingress = ingress;
        this.namespaces = namespaces;
        this.toItself = toItself;
    }

    static Verdict toItself(Connection connection, NamespaceDirectory namespaces) {
        return new Verdict(connection, SideVerdict.notIsolated(Direction.EGRESS, connection.source()),
                SideVerdict.notIsolated(Direction.INGRESS, connection.destination()), namespaces, true);
    }

    public Connection connection() {
        return connection;
    }

    public Outcome outcome() {
        return egress.outcome().and(ingress.outcome());
    }

    /**
     * The outcome of the policies the guard reads alone: BLOCKED when they block the connection even if a policy it does
     * not evaluate or may not list makes {@link #outcome()} UNDETERMINED.
     */
    public Outcome judgedOutcome() {
        return egress.judged().and(ingress.judged());
    }

    public boolean allowed() {
        return outcome() == Outcome.ALLOWED;
    }

    public SideVerdict egress() {
        return egress;
    }

    public SideVerdict ingress() {
        return ingress;
    }

    public SideVerdict side(Direction direction) {
        return direction == Direction.INGRESS ? ingress : egress;
    }

    public boolean isToItself() {
        return toItself;
    }

    /** A multi-line explanation: one line per side, and for a side that does not allow, one line per rule looked at. */
    public String explanation() {
        if (explanation == null) {
            explanation = toItself
                    ? "allowed: a pod may always connect to itself"
                    : Explainer.explain(this, namespaces);
        }
        return explanation;
    }

    /** One line saying why the connection is not allowed (blocked or undetermined); null when it is allowed. */
    public String reason() {
        return Explainer.reason(this);
    }

    @Override
    public String toString() {
        return connection.describe() + ": " + outcome();
    }
}

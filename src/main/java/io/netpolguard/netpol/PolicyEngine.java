package io.netpolguard.netpol;

import java.util.List;

/**
 * Answers "is this new connection allowed?" with the semantics of networking.k8s.io/v1:
 * allowed iff the source is not egress-isolated or some egress rule of a policy selecting it allows
 * the connection, and the destination is not ingress-isolated or some ingress rule allows it.
 * Policies are a union: no order, no deny rules.
 */
public final class PolicyEngine {
    private final PolicySet policies;
    private final NamespaceDirectory namespaces;

    public PolicyEngine(PolicySet policies, NamespaceDirectory namespaces) {
        this.policies = policies;
        this.namespaces = namespaces;
    }

    public PolicySet policies() {
        return policies;
    }

    public NamespaceDirectory namespaces() {
        return namespaces;
    }

    public Verdict evaluate(Connection connection) {
        if (connection.source() instanceof PodEndpoint source && source.samePodAs(connection.destination())) {
            return Verdict.toItself(connection, namespaces);
        }
        SideVerdict egress = side(Direction.EGRESS, connection.source(), connection.destination(), connection);
        SideVerdict ingress = side(Direction.INGRESS, connection.destination(), connection.source(), connection);
        return new Verdict(connection, egress, ingress, namespaces);
    }

    /**
     * The verdict of a connection after only the policies of {@code namespace} changed, from its verdict
     * before: a side whose pod is in another namespace (or that is not a pod) keeps its verdict, because
     * the policies it depends on are the same; a side on a pod of {@code namespace} is judged again. Equal
     * to {@link #evaluate} of the same connection.
     */
    public Verdict evaluateAfterChangeIn(String namespace, Verdict before) {
        Connection connection = before.connection();
        if (before.isToItself()) {
            return Verdict.toItself(connection, namespaces);
        }
        SideVerdict egress = inNamespace(connection.source(), namespace)
                ? side(Direction.EGRESS, connection.source(), connection.destination(), connection) : before.egress();
        SideVerdict ingress = inNamespace(connection.destination(), namespace)
                ? side(Direction.INGRESS, connection.destination(), connection.source(), connection) : before.ingress();
        return new Verdict(connection, egress, ingress, namespaces);
    }

    private static boolean inNamespace(Endpoint endpoint, String namespace) {
        return endpoint instanceof PodEndpoint pod && pod.namespace().equals(namespace);
    }

    private SideVerdict side(Direction direction, Endpoint subject, Endpoint peer, Connection connection) {
        if (!(subject instanceof PodEndpoint pod) || pod.hostNetwork()) {
            return SideVerdict.notIsolated(direction, subject);
        }
        List<CompiledPolicy> isolating = policies.in(pod.namespace()).select(pod.labels()).isolating(direction);
        if (isolating.isEmpty()) {
            return SideVerdict.notIsolated(direction, subject);
        }
        Outcome best = Outcome.BLOCKED;
        for (CompiledPolicy policy : isolating) {
            for (Rule rule : policy.rules(direction)) {
                Outcome outcome = rule.allows(peer, connection.destination(), connection.port(), connection.protocol(),
                        namespaces);
                if (outcome == Outcome.ALLOWED) {
                    return new SideVerdict(direction, subject, isolating, Outcome.ALLOWED, policy, rule);
                }
                best = best.or(outcome);
            }
        }
        return new SideVerdict(direction, subject, isolating, best, null, null);
    }
}

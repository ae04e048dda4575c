package io.netpolguard.netpol;

import java.util.ArrayList;
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
    private final List<Cidr> unknownAddress;

    /** An engine for a cluster whose address families are not known: an unknown address may be IPv4 or IPv6. */
    public PolicyEngine(PolicySet policies, NamespaceDirectory namespaces) {
        this(policies, namespaces, List.of(Cidr.wholeFamily(true), Cidr.wholeFamily(false)));
    }

    /**
     * @param unknownAddress where an address that is not known (an unresolved host, a pod template) may be: the
     *     whole of each IP family the cluster's pods use
     */
    public PolicyEngine(PolicySet policies, NamespaceDirectory namespaces, List<Cidr> unknownAddress) {
        this.policies = policies;
        this.namespaces = namespaces;
        this.unknownAddress = List.copyOf(unknownAddress);
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
        List<Cidr> ranges = rangesOf(peer);
        Outcome best = Outcome.BLOCKED;
        List<CompiledPolicy> undecidedPolicies = new ArrayList<>();
        List<Rule> undecidedRules = new ArrayList<>();
        for (CompiledPolicy policy : isolating) {
            for (Rule rule : policy.rules(direction)) {
                Outcome outcome = rule.allows(peer, ranges, connection.destination(), connection.port(),
                        connection.protocol(), namespaces);
                if (outcome == Outcome.ALLOWED) {
                    return new SideVerdict(direction, subject, isolating, Outcome.ALLOWED, policy, rule, ranges, List.of());
                }
                if (outcome == Outcome.UNDETERMINED) {
                    undecidedPolicies.add(policy);
                    undecidedRules.add(rule);
                }
                best = best.or(outcome);
            }
        }
        if (best == Outcome.BLOCKED || ranges.size() == 1) {
            return new SideVerdict(direction, subject, isolating, best, null, null, ranges, List.of());
        }
        return eachRange(direction, subject, peer, connection, isolating, ranges, undecidedPolicies, undecidedRules);
    }

    /**
     * The peer may use any of several addresses or ranges, and no rule allows all of them: each must be allowed,
     * possibly by different rules. Only the rules that matched some of them are looked at again.
     */
    private SideVerdict eachRange(Direction direction, Endpoint subject, Endpoint peer, Connection connection,
            List<CompiledPolicy> isolating, List<Cidr> ranges, List<CompiledPolicy> policiesToTry, List<Rule> rulesToTry) {
        Outcome overall = Outcome.ALLOWED;
        CompiledPolicy allowingPolicy = null;
        Rule allowingRule = null;
        List<Cidr> leftOut = new ArrayList<>();
        boolean allBlocked = true;
        for (Cidr range : ranges) {
            Outcome forRange = Outcome.BLOCKED;
            for (int i = 0; i < rulesToTry.size() && forRange != Outcome.ALLOWED; i++) {
                Outcome outcome = rulesToTry.get(i).allows(peer, List.of(range), connection.destination(),
                        connection.port(), connection.protocol(), namespaces);
                if (outcome == Outcome.ALLOWED && allowingRule == null) {
                    allowingPolicy = policiesToTry.get(i);
                    allowingRule = rulesToTry.get(i);
                }
                forRange = forRange.or(outcome);
            }
            if (forRange != Outcome.ALLOWED) {
                leftOut.add(range);
            }
            allBlocked &= forRange == Outcome.BLOCKED;
            overall = overall.and(forRange);
        }
        if (ranges == unknownAddress && overall == Outcome.BLOCKED && !allBlocked) {
            // an address that is not known need not be in every family: not blocked in one of them is not blocked
            overall = Outcome.UNDETERMINED;
            leftOut.clear();
        }
        boolean allowed = overall == Outcome.ALLOWED;
        return new SideVerdict(direction, subject, isolating, overall, allowed ? allowingPolicy : null,
                allowed ? allowingRule : null, ranges,
                leftOut.size() < ranges.size() && ranges != unknownAddress ? leftOut : List.of());
    }

    /** Where the peer's address may be: its addresses and ranges, or anywhere in the cluster's families. */
    private List<Cidr> rangesOf(Endpoint peer) {
        List<Cidr> ranges = new ArrayList<>(peer.addresses().size() + 1);
        peer.addresses().forEach(address -> ranges.add(Cidr.ofAddress(address)));
        if (peer instanceof ExternalEndpoint external) {
            ranges.addAll(external.ranges());
        }
        return ranges.isEmpty() ? unknownAddress : ranges;
    }
}

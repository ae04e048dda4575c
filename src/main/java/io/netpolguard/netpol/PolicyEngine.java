package io.netpolguard.netpol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Answers "is this new connection allowed?": allowed iff the egress side of the source and the ingress side of
 * the destination both allow it. Each side is decided in tiers, as the network-policy-api documents: the Admin
 * tier's cluster-wide rules in priority and rule order (Accept, Deny, or Pass to the next tier), then
 * networking.k8s.io/v1 NetworkPolicy (which decides for a pod it isolates: a union of allow rules), then the
 * Baseline tier, then Kubernetes' default: allowed. Policies of kinds the guard does not evaluate make a side
 * they may apply to UNDETERMINED.
 */
public final class PolicyEngine {
    private final PolicySet policies;
    private final NamespaceDirectory namespaces;
    private final List<Cidr> unknownAddress;
    private final ClusterPolicies clusterPolicies;
    private final List<UnevaluatedPolicy> unevaluated;
    private final PeerClasses peerClasses;
    private volatile PeerRanges lastRanges;
    private LastSide lastSide;

    /** An engine for a cluster whose address families are not known: an unknown address may be IPv4 or IPv6. */
    public PolicyEngine(PolicySet policies, NamespaceDirectory namespaces) {
        this(policies, namespaces, List.of(Cidr.wholeFamily(true), Cidr.wholeFamily(false)));
    }

    /**
     * @param unknownAddress where an address that is not known (an unresolved host, a pod template) may be: the
     *     whole of each IP family the cluster's pods use
     */
    public PolicyEngine(PolicySet policies, NamespaceDirectory namespaces, List<Cidr> unknownAddress) {
        this(policies, namespaces, unknownAddress, ClusterPolicies.NONE, List.of());
    }

    /**
     * @param clusterPolicies the Admin and Baseline tiers
     * @param unevaluated policies of kinds the guard does not evaluate
     */
    public PolicyEngine(PolicySet policies, NamespaceDirectory namespaces, List<Cidr> unknownAddress,
            ClusterPolicies clusterPolicies, List<UnevaluatedPolicy> unevaluated) {
        this(policies, namespaces, unknownAddress, clusterPolicies, unevaluated, null);
    }

    /** @param shared decisions an engine of a related snapshot made ({@link #decisionMemory()}), or null */
    public PolicyEngine(PolicySet policies, NamespaceDirectory namespaces, List<Cidr> unknownAddress,
            ClusterPolicies clusterPolicies, List<UnevaluatedPolicy> unevaluated, DecisionMemory shared) {
        this.policies = policies;
        this.namespaces = namespaces;
        this.unknownAddress = List.copyOf(unknownAddress);
        this.clusterPolicies = clusterPolicies;
        this.unevaluated = List.copyOf(unevaluated);
        this.peerClasses = new PeerClasses(namespaces, this.unknownAddress, shared);
    }

    /** The decisions this engine shares with the engines of snapshots made from its own. */
    public DecisionMemory decisionMemory() {
        return peerClasses.memory();
    }

    public ClusterPolicies clusterPolicies() {
        return clusterPolicies;
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

    /**
     * When the {@code direction} side of pods with {@code labels} in {@code namespace} decides every peer that is a pod
     * of another namespace (not in the host network) by that namespace, the port and the protocol alone, provided
     * the peer's addresses are known and outside the ranges returned: the ipBlock ranges of the isolating
     * NetworkPolicies' rules (empty when they have none, or when no policy isolates these pods). Such peers share one
     * outcome of this side, whatever their labels. Null when the side tells them apart by more: pod labels, port
     * names, or a cluster-wide policy.
     */
    public List<Cidr> podPeersByNamespaceOutside(String namespace, LabelSet labels, Direction direction) {
        if (!clusterPolicies.isEmpty()) {
            return null;
        }
        List<CompiledPolicy> isolating = policies.in(namespace).select(labels).isolating(direction);
        return isolating.isEmpty() ? List.of() : peerClasses.podsByNamespaceOutside(isolating, direction);
    }

    /**
     * Where the connections to {@code destination} from the pods of {@code namespace} not in the host network share
     * one outcome (on the same port and protocol): NetworkPolicies alone decide and every policy isolating the
     * namespace's egress selects all its pods, so the egress rules look at the destination, the port and the protocol,
     * never at the source pod; and the destination's ingress side looks at no source pod's labels either: it is not a
     * pod, or a pod of another namespace that NetworkPolicy does not isolate for ingress, or whose isolating rules look
     * at the source's namespace and, through ipBlocks, at its address. Returns those ipBlocks' ranges: the pods with
     * known addresses, every one outside them, share one outcome (all pods when the list is empty); null when the pods
     * cannot be judged alike.
     */
    public List<Cidr> alikeOutside(String namespace, Endpoint destination) {
        if (!networkPolicyOnly() || policies.in(namespace).isolatingAlike(Direction.EGRESS) == null) {
            return null;
        }
        if (!(destination instanceof PodEndpoint pod) || pod.hostNetwork()) {
            return List.of();
        }
        if (pod.namespace().equals(namespace)) { // a pod may connect to itself
            return null;
        }
        List<CompiledPolicy> ingress = policies.in(pod.namespace()).select(pod.labels()).isolating(Direction.INGRESS);
        return ingress.isEmpty() ? List.of() : peerClasses.podsByNamespaceOutside(ingress, Direction.INGRESS);
    }

    /**
     * Where {@link #podPeersByNamespaceOutside} holds for the {@code direction} side of pods with {@code labels} in
     * {@code namespace}: the labels of a peer namespace that side looks at, for any peer namespace. Peers (pods of other
     * namespaces, not in the host network, with known addresses outside the ranges given there) of namespaces with
     * equal labels here share one outcome of that side on a port and protocol.
     */
    public java.util.function.Function<String, LabelSet> peerNamespaceClasses(String namespace, LabelSet labels,
            Direction direction) {
        List<CompiledPolicy> isolating = policies.in(namespace).select(labels).isolating(direction);
        return isolating.isEmpty() ? peer -> LabelSet.EMPTY : peerClasses.namespaceClasses(isolating, direction);
    }

    /** The outcome of {@code connection}: {@code evaluate(connection).outcome()}, without a verdict to explain it. */
    public Outcome outcome(Connection connection) {
        return sideOutcome(Direction.EGRESS, connection).and(sideOutcome(Direction.INGRESS, connection));
    }

    /**
     * The outcome of the {@code direction} side of {@code connection}: {@code evaluate(connection).side(direction)
     * .outcome()}, without a verdict to explain it.
     */
    public Outcome sideOutcome(Direction direction, Connection connection) {
        Endpoint subject = direction == Direction.EGRESS ? connection.source() : connection.destination();
        Endpoint peer = direction == Direction.EGRESS ? connection.destination() : connection.source();
        if (connection.source() instanceof PodEndpoint source && source.samePodAs(connection.destination())) {
            return Outcome.ALLOWED;
        }
        boolean networkPolicyOnly = networkPolicyOnly();
        if (!(subject instanceof PodEndpoint pod) || pod.hostNetwork()) {
            // NetworkPolicy selects no such side: only a cluster-wide or unevaluated policy could decide it
            return networkPolicyOnly ? Outcome.ALLOWED : side(direction, subject, peer, connection).outcome();
        }
        if (!networkPolicyOnly) {
            return side(direction, subject, peer, connection).outcome();
        }
        NamespacePolicies inNamespace = policies.in(pod.namespace());
        List<CompiledPolicy> alike = inNamespace.isolatingAlike(direction);
        List<CompiledPolicy> isolating = alike != null ? alike : inNamespace.select(pod.labels()).isolating(direction);
        if (isolating.isEmpty()) {
            return Outcome.ALLOWED;
        }
        LastSide last = lastSide;
        if (last != null && last.isolating == isolating && last.direction == direction && last.peer == peer
                && last.destination == connection.destination() && last.port == connection.port()
                && last.protocol == connection.protocol()) {
            return last.outcome;
        }
        boolean toOutside = alike != null && direction == Direction.EGRESS
                && !(peer instanceof PodEndpoint peerPod && !peerPod.hostNetwork());
        OutsideKey outsideKey = toOutside
                ? new OutsideKey(inNamespace.alikeEgressToOutside(), peer, connection.port(), connection.protocol()) : null;
        Outcome shared = toOutside ? outsideOutcomes.get(outsideKey) : null;
        Outcome outcome = shared != null ? shared : peerClasses.decide(isolating, direction, pod, peer,
                () -> rangesOf(peer), connection, () -> decide(direction, peer, connection, isolating, rangesOf(peer)))
                .outcome();
        if (toOutside && shared == null) {
            if (outsideOutcomes.size() >= OUTSIDE_LIMIT) {
                outsideOutcomes.clear();
            }
            outsideOutcomes.put(outsideKey, outcome);
        }
        lastSide = new LastSide(isolating, direction, peer, connection.destination(), connection.port(),
                connection.protocol(), outcome);
        return outcome;
    }

    /**
     * The last side decided by {@link #sideOutcome}: what its outcome depends on (the isolating policies, which are of
     * the subject's namespace, the peer, the destination for its named ports, the port and protocol) by identity. The
     * connections of a flow come in runs from one namespace to one peer (the monitored apps to the tenant), and pods
     * that are isolated alike need no look at their labels: such a run is decided once. Immutable, so threads may
     * race on the field.
     */
    private record LastSide(List<CompiledPolicy> isolating, Direction direction, Endpoint peer, Endpoint destination,
            int port, Protocol protocol, Outcome outcome) {
    }

    /**
     * Egress outcomes of namespaces whose pods are isolated alike toward a peer that is not a selectable pod: equal for
     * every namespace whose isolating rules have the same shape ({@link OutsideRules}), so the apps of hundreds of
     * namespaces sending to the tenant are judged once per shape. The peer (for egress also the destination, whose
     * declared ports named ports resolve against) by value, not identity: an engine that lives on (the cluster's, not a
     * request's projection) is asked about the peers each request derives anew, and keys by identity would pile up
     * there until the bound.
     */
    private record OutsideKey(Object shape, Endpoint peer, int port, Protocol protocol) {
        @Override
        public boolean equals(Object other) {
            return other instanceof OutsideKey o && o.shape == shape && o.port == port && o.protocol == protocol
                    && (o.peer == peer || o.peer.equals(peer));
        }

        @Override
        public int hashCode() {
            return (System.identityHashCode(shape) * 31 + peer.hashCode()) * 31 + port;
        }
    }

    private static final int OUTSIDE_LIMIT = 10_000;
    private final Map<OutsideKey, Outcome> outsideOutcomes = new java.util.concurrent.ConcurrentHashMap<>();

    /** Whether NetworkPolicies alone decide: no cluster-wide policy, no policy of a kind the guard does not evaluate. */
    private boolean networkPolicyOnly() {
        return clusterPolicies.isEmpty() && unevaluated.isEmpty();
    }

    private static boolean inNamespace(Endpoint endpoint, String namespace) {
        return endpoint instanceof PodEndpoint pod && pod.namespace().equals(namespace);
    }

    private SideVerdict side(Direction direction, Endpoint subject, Endpoint peer, Connection connection) {
        SideVerdict decided = tiered(direction, subject, peer, connection);
        if (unevaluated.isEmpty()) {
            return decided;
        }
        List<String> applying = new ArrayList<>();
        boolean canAllow = false;
        for (UnevaluatedPolicy policy : unevaluated) {
            if (policy.mayApplyTo(subject, direction)) {
                applying.add(policy.describe());
                canAllow |= policy.canAllow();
            }
        }
        if (applying.isEmpty()) {
            return decided;
        }
        // a policy that can only cut a flow leaves a blocked side blocked
        Outcome outcome = decided.outcome() == Outcome.BLOCKED && !canAllow ? Outcome.BLOCKED : Outcome.UNDETERMINED;
        return decided.withUnevaluated(applying, outcome);
    }

    private SideVerdict tiered(Direction direction, Endpoint subject, Endpoint peer, Connection connection) {
        if (clusterPolicies.isEmpty() || !(subject instanceof PodEndpoint pod) || pod.hostNetwork()) {
            return networkPolicySide(direction, subject, peer, connection, null);
        }
        ClusterPolicies.Selection selection = clusterPolicies.select(pod, namespaces.labelsOf(pod.namespace()));
        if (selection.isEmpty(direction)) {
            return networkPolicySide(direction, subject, peer, connection, null);
        }
        List<Cidr> ranges = rangesOf(peer);
        if (ranges.size() == 1) {
            return new TierWalk(direction, pod, peer, connection, ranges, selection).decide();
        }
        // each address must be allowed, and each may be decided by a different rule or tier
        List<SideVerdict> perRange = new ArrayList<>(ranges.size());
        Outcome overall = Outcome.ALLOWED;
        boolean allBlocked = true;
        for (Cidr range : ranges) {
            SideVerdict verdict = new TierWalk(direction, pod, peer, connection, List.of(range), selection).decide();
            perRange.add(verdict);
            overall = overall.and(verdict.outcome());
            allBlocked &= verdict.outcome() == Outcome.BLOCKED;
        }
        if (ranges == unknownAddress && overall == Outcome.BLOCKED && !allBlocked) {
            overall = Outcome.UNDETERMINED;
        }
        List<Cidr> leftOut = new ArrayList<>();
        SideVerdict representative = null;
        for (int i = 0; i < ranges.size(); i++) {
            SideVerdict verdict = perRange.get(i);
            if (verdict.outcome() != Outcome.ALLOWED) {
                leftOut.add(ranges.get(i));
            }
            if (representative == null && (verdict.outcome() == overall
                    || overall == Outcome.UNDETERMINED && verdict.outcome() != Outcome.ALLOWED)) {
                representative = verdict;
            }
        }
        boolean someAllowed = leftOut.size() < ranges.size();
        return (representative == null ? perRange.get(0) : representative).withRanges(overall, ranges,
                someAllowed && ranges != unknownAddress && overall != Outcome.ALLOWED ? leftOut : List.of());
    }

    /**
     * One side through the tiers, for one range of peer addresses: the Admin rules in order, then NetworkPolicy
     * when it isolates the pod, then the Baseline rules, then the default. A rule that may or may not match gives
     * the outcome of both possibilities when they agree, else UNDETERMINED.
     */
    private final class TierWalk {
        private final Direction direction;
        private final PodEndpoint pod;
        private final Endpoint peer;
        private final Connection connection;
        private final List<Cidr> ranges;
        private final List<ClusterPolicy> admin;
        private final List<ClusterPolicy> baseline;
        private SideVerdict belowAdmin;

        TierWalk(Direction direction, PodEndpoint pod, Endpoint peer, Connection connection, List<Cidr> ranges,
                ClusterPolicies.Selection selection) {
            this.direction = direction;
            this.pod = pod;
            this.peer = peer;
            this.connection = connection;
            this.ranges = ranges;
            this.admin = selection.admin(direction);
            this.baseline = selection.baseline(direction);
        }

        SideVerdict decide() {
            return walk(admin, 0, 0, true);
        }

        /** From rule {@code ruleIndex} of policy {@code policyIndex} of a tier on. */
        private SideVerdict walk(List<ClusterPolicy> tier, int policyIndex, int ruleIndex, boolean isAdmin) {
            for (int p = policyIndex; p < tier.size(); p++) {
                ClusterPolicy policy = tier.get(p);
                List<ClusterRule> rules = policy.rules(direction);
                for (int r = p == policyIndex ? ruleIndex : 0; r < rules.size(); r++) {
                    ClusterRule rule = rules.get(r);
                    Outcome match = rule.matches(peer, ranges, connection.destination(), connection.port(),
                            connection.protocol(), namespaces);
                    if (match == Outcome.BLOCKED) {
                        continue;
                    }
                    SideVerdict applied = apply(policy, rule, isAdmin, match == Outcome.UNDETERMINED);
                    if (match == Outcome.ALLOWED) {
                        SideVerdict tie = tie(tier, p, rule, applied, isAdmin);
                        return tie != null ? tie : applied;
                    }
                    SideVerdict otherwise = walk(tier, p, r + 1, isAdmin);
                    if (otherwise.outcome() == applied.outcome()) {
                        return otherwise;
                    }
                    return plain(ClusterDecision.byRule(policy, rule, true), Outcome.UNDETERMINED);
                }
            }
            return isAdmin ? belowAdmin() : plain(ClusterDecision.byTier(Tier.DEFAULT), Outcome.ALLOWED);
        }

        /**
         * The API lets an implementation apply policies of one tier and priority in any order: when a later policy of
         * the same priority also has a rule for this traffic, with another outcome, the side is UNDETERMINED.
         */
        private SideVerdict tie(List<ClusterPolicy> tier, int policyIndex, ClusterRule rule, SideVerdict applied,
                boolean isAdmin) {
            ClusterPolicy policy = tier.get(policyIndex);
            for (int q = policyIndex + 1; q < tier.size() && tier.get(q).priority() == policy.priority(); q++) {
                ClusterPolicy other = tier.get(q);
                for (ClusterRule otherRule : other.rules(direction)) {
                    Outcome match = otherRule.matches(peer, ranges, connection.destination(), connection.port(),
                            connection.protocol(), namespaces);
                    if (match == Outcome.BLOCKED) {
                        continue;
                    }
                    SideVerdict alternative = apply(other, otherRule, isAdmin, match == Outcome.UNDETERMINED);
                    if (alternative.outcome() != applied.outcome()) {
                        return plain(ClusterDecision.tied(policy, rule, other.describe(otherRule)), Outcome.UNDETERMINED);
                    }
                    break;
                }
            }
            return null;
        }

        private SideVerdict apply(ClusterPolicy policy, ClusterRule rule, boolean isAdmin, boolean mayMatch) {
            if (rule.action() == null) {
                return plain(ClusterDecision.byRule(policy, rule, true), Outcome.UNDETERMINED);
            }
            return switch (rule.action()) {
                case ACCEPT -> plain(ClusterDecision.byRule(policy, rule, mayMatch), Outcome.ALLOWED);
                case DENY -> plain(ClusterDecision.byRule(policy, rule, mayMatch), Outcome.BLOCKED);
                case PASS -> {
                    SideVerdict next = isAdmin ? belowAdmin() : plain(ClusterDecision.byTier(Tier.DEFAULT), Outcome.ALLOWED);
                    yield next.withCluster(next.cluster().after(policy.describe(rule)), next.outcome());
                }
            };
        }

        /** NetworkPolicy decides for a pod it isolates; otherwise the Baseline tier does. */
        private SideVerdict belowAdmin() {
            if (belowAdmin == null) {
                SideVerdict networkPolicy = networkPolicySide(direction, pod, peer, connection, ranges);
                belowAdmin = networkPolicy.isolated()
                        ? networkPolicy.withCluster(ClusterDecision.byTier(Tier.NETWORK_POLICY), networkPolicy.outcome())
                        : walk(baseline, 0, 0, false);
            }
            return belowAdmin;
        }

        private SideVerdict plain(ClusterDecision decision, Outcome outcome) {
            return new SideVerdict(direction, pod, policies.in(pod.namespace()).select(pod.labels()).isolating(direction),
                    outcome, null, null, ranges, List.of(), decision, List.of(), null);
        }
    }

    /** The NetworkPolicy tier alone; {@code givenRanges} null means the peer's own ranges. */
    private SideVerdict networkPolicySide(Direction direction, Endpoint subject, Endpoint peer, Connection connection,
            List<Cidr> givenRanges) {
        if (!(subject instanceof PodEndpoint pod) || pod.hostNetwork()) {
            return SideVerdict.notIsolated(direction, subject);
        }
        List<CompiledPolicy> isolating = policies.in(pod.namespace()).select(pod.labels()).isolating(direction);
        if (isolating.isEmpty()) {
            return SideVerdict.notIsolated(direction, subject);
        }
        List<Cidr> ranges = givenRanges != null ? givenRanges : rangesOf(peer);
        PeerClasses.Decision decision = givenRanges != null
                ? decide(direction, peer, connection, isolating, ranges)
                : peerClasses.decide(isolating, direction, pod, peer, () -> ranges, connection,
                        () -> decide(direction, peer, connection, isolating, ranges));
        return new SideVerdict(direction, subject, isolating, decision.outcome(), decision.allowingPolicy(),
                decision.allowingRule(), ranges, decision.leftOut());
    }

    /** What the rules of the isolating policies say about the peer: a union of allow rules. */
    private PeerClasses.Decision decide(Direction direction, Endpoint peer, Connection connection,
            List<CompiledPolicy> isolating, List<Cidr> ranges) {
        Outcome best = Outcome.BLOCKED;
        List<CompiledPolicy> undecidedPolicies = new ArrayList<>();
        List<Rule> undecidedRules = new ArrayList<>();
        for (CompiledPolicy policy : isolating) {
            for (Rule rule : policy.rules(direction)) {
                Outcome outcome = rule.allows(peer, ranges, connection.destination(), connection.port(),
                        connection.protocol(), namespaces);
                if (outcome == Outcome.ALLOWED) {
                    return new PeerClasses.Decision(Outcome.ALLOWED, policy, rule, List.of());
                }
                if (outcome == Outcome.UNDETERMINED) {
                    undecidedPolicies.add(policy);
                    undecidedRules.add(rule);
                }
                best = best.or(outcome);
            }
        }
        if (best == Outcome.BLOCKED || ranges.size() == 1) {
            return new PeerClasses.Decision(best, null, null, List.of());
        }
        return eachRange(peer, connection, ranges, undecidedPolicies, undecidedRules);
    }

    /**
     * The peer may use any of several addresses or ranges, and no rule allows all of them: each must be allowed,
     * possibly by different rules. Only the rules that matched some of them are looked at again.
     */
    private PeerClasses.Decision eachRange(Endpoint peer, Connection connection, List<Cidr> ranges,
            List<CompiledPolicy> policiesToTry, List<Rule> rulesToTry) {
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
        return new PeerClasses.Decision(overall, allowed ? allowingPolicy : null, allowed ? allowingRule : null,
                leftOut.size() < ranges.size() && ranges != unknownAddress ? List.copyOf(leftOut) : List.of());
    }

    /** Where the peer's address may be: its addresses and ranges, or anywhere in the cluster's families. */
    private List<Cidr> rangesOf(Endpoint peer) {
        if (!(peer instanceof ExternalEndpoint) && peer.addresses().size() <= 1) { // most pods: no copying to do
            return peer.addresses().isEmpty() ? unknownAddress : List.of(Cidr.ofAddress(peer.addresses().get(0)));
        }
        // the same host comes back with every app's connection to it: its ranges are made once in a row
        PeerRanges last = lastRanges;
        if (last != null && last.peer() == peer) {
            return last.ranges();
        }
        List<Cidr> ranges = rangesOfEach(peer);
        lastRanges = new PeerRanges(peer, ranges);
        return ranges;
    }

    /** The ranges last made for a peer of several addresses or ranges. */
    private record PeerRanges(Endpoint peer, List<Cidr> ranges) {
    }

    private List<Cidr> rangesOfEach(Endpoint peer) {
        List<Cidr> ranges = new ArrayList<>(peer.addresses().size() + 1);
        peer.addresses().forEach(address -> ranges.add(Cidr.ofAddress(address)));
        if (peer instanceof ExternalEndpoint external) {
            ranges.addAll(external.ranges());
        }
        return ranges.isEmpty() ? unknownAddress : List.copyOf(ranges);
    }
}

package io.netpolguard.property;

import io.netpolguard.property.EngineCase.ContainerPort;
import io.netpolguard.property.EngineCase.Pod;
import io.netpolguard.property.EngineCase.Probe;
import io.netpolguard.property.PolicyModel.ClusterKind;
import io.netpolguard.property.PolicyModel.ClusterPeer;
import io.netpolguard.property.PolicyModel.ClusterPolicy;
import io.netpolguard.property.PolicyModel.ClusterPort;
import io.netpolguard.property.PolicyModel.ClusterRule;
import io.netpolguard.property.PolicyModel.Expr;
import io.netpolguard.property.PolicyModel.Peer;
import io.netpolguard.property.PolicyModel.Policy;
import io.netpolguard.property.PolicyModel.Port;
import io.netpolguard.property.PolicyModel.Rule;
import io.netpolguard.property.PolicyModel.Sel;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deliberately simple evaluator written from the Kubernetes API documentation
 * (concepts/services-networking/network-policies) and the doc comments of the network-policy-api types
 * (ClusterNetworkPolicy v1alpha2, AdminNetworkPolicy and BaselineAdminNetworkPolicy v1alpha1), independent of the
 * engine's code. Each side of a connection (the source's egress, the destination's ingress) is decided, for each
 * address the peer may use, by the first of:
 * <ol>
 * <li>the Admin tier: the ClusterNetworkPolicies with {@code tier: Admin} and the AdminNetworkPolicies whose subject
 * selects the pod, lower priority first, each one's rules of that direction in the order written; the first rule
 * that matches decides: Accept/Allow allows, Deny denies, Pass skips the rest of the tier;</li>
 * <li>NetworkPolicy, when a NetworkPolicy isolates the pod for that direction: it always decides for such a pod
 * (allowed when some rule allows);</li>
 * <li>the Baseline tier: ClusterNetworkPolicies with {@code tier: Baseline} and the BaselineAdminNetworkPolicy, the
 * same way (Pass goes to the default);</li>
 * <li>the default: allowed.</li>
 * </ol>
 * NetworkPolicy:
 * <ul>
 * <li>a pod is isolated for a direction when some policy of its namespace selects it (podSelector) and has that
 * direction in policyTypes (absent policyTypes: Ingress always, Egress when it has egress rules);</li>
 * <li>an isolated side allows a connection when some rule of some such policy allows it (a union);</li>
 * <li>a rule allows it when a port entry matches (none: every port) and a peer matches (none: every peer);
 * podSelector alone: pods of the policy's namespace; namespaceSelector alone: every pod of the selected
 * namespaces (namespaces carry {@code kubernetes.io/metadata.name}); both: pods matching both; ipBlock: the
 * address is in cidr and in no except;</li>
 * <li>a port entry: its protocol (absent: TCP) and the port, a range port..endPort, every port when absent, or a
 * name looked up in the destination pod's container ports of that protocol.</li>
 * </ul>
 * Cluster-wide policies:
 * <ul>
 * <li>a policy has no isolation effect: a direction without rules is not affected;</li>
 * <li>subject {@code namespaces}: every pod of the selected namespaces; {@code pods}: pods matching both
 * selectors; host-network pods are never subjects;</li>
 * <li>a rule matches when one of its peers matches and one of its ports does (none: every port);</li>
 * <li>peers {@code namespaces} and {@code pods} as for the subject, never a host-network pod; {@code networks}: the
 * address is in one of the CIDRs (pod addresses too);</li>
 * <li>ports: a number or a range start..end of a protocol (v1alpha1: TCP when left out), or a named port: the
 * destination pod declares a container port of that name with the connection's protocol and port.</li>
 * </ul>
 * Priorities: "If two (or more) policies in the same tier with the same priority could match a connection, then
 * the implementation can apply any of the matching policies": the evaluator walks every order the priorities
 * permit and answers with every result ({@link #answers}). The v1alpha1 and v1alpha2 kinds share the tiers; the
 * BaselineAdminNetworkPolicy has no priority, so its place among Baseline ClusterNetworkPolicies is any.
 * <p>
 * Also: host-network pods are outside policy (never selected, never matched by pod or namespace selectors, only by
 * ipBlocks and networks on their address); a pod may always connect to itself; the peer may use each of its
 * addresses (dual-stack pods): every one must be allowed. Defined only for known addresses: no unresolved hosts or
 * address ranges (those the engine answers with UNDETERMINED), nor nodes or domain-name peers, none of which
 * {@link EngineGen} generates.
 */
public final class ReferenceEvaluator {
    /** Where a side was decided, for one address and one order of the tiers' policies. */
    public enum DecidedBy {
        ADMIN_ALLOW, ADMIN_DENY, NETWORK_POLICY_AFTER_PASS, NETWORK_POLICY, BASELINE_ALLOW, BASELINE_DENY,
        DEFAULT_AFTER_PASS, DEFAULT
    }

    private final EngineCase cluster;
    private final Map<DecidedBy, Integer> decidedBy = new EnumMap<>(DecidedBy.class);

    public ReferenceEvaluator(EngineCase cluster) {
        this.cluster = cluster;
    }

    /** How often each tier decided a side (an address, an order), over every probe asked so far. */
    public Map<DecidedBy, Integer> decidedBy() {
        return decidedBy;
    }

    /**
     * Whether the connection is allowed: one answer, or both when the order of same-priority policies decides
     * (then the documentation does not say).
     */
    public Set<Boolean> answers(Probe probe) {
        Pod from = cluster.pod(probe.from());
        Pod to = cluster.pod(probe.to());
        if (from != null && from == to) {
            return Set.of(true);
        }
        Set<Boolean> egress = side(from, false, probe.to(), probe);
        Set<Boolean> ingress = side(to, true, probe.from(), probe);
        Set<Boolean> answers = new HashSet<>();
        for (boolean e : egress) {
            for (boolean i : ingress) {
                answers.add(e && i);
            }
        }
        return answers;
    }

    /** The side's possible answers: allowed when every address of the peer is, denied when one is. */
    private Set<Boolean> side(Pod subject, boolean ingress, String peerRef, Probe probe) {
        if (subject == null || subject.hostNetwork()) {
            return Set.of(true);
        }
        Pod peer = cluster.pod(peerRef);
        List<String> addresses = peer != null ? peer.ips() : List.of(peerRef);
        boolean mayAllow = true;
        boolean mayDeny = false;
        for (String address : addresses) {
            Set<Boolean> forAddress = tiers(subject, ingress, peer, address, probe);
            mayAllow &= forAddress.contains(true);
            mayDeny |= forAddress.contains(false);
        }
        Set<Boolean> answers = new HashSet<>();
        if (mayAllow) {
            answers.add(true);
        }
        if (mayDeny) {
            answers.add(false);
        }
        return answers;
    }

    /** One side for one address of the peer, through the tiers, in every order the priorities permit. */
    private Set<Boolean> tiers(Pod subject, boolean ingress, Pod peer, String address, Probe probe) {
        Set<Boolean> answers = new HashSet<>();
        for (List<ClusterPolicy> order : orders(applying(subject, ingress, true))) {
            String action = firstMatch(order, ingress, peer, address, probe);
            if (isAllow(action)) {
                answers.add(decided(DecidedBy.ADMIN_ALLOW, true));
            } else if ("Deny".equals(action)) {
                answers.add(decided(DecidedBy.ADMIN_DENY, false));
            } else {
                answers.addAll(belowAdmin(subject, ingress, peer, address, probe, action != null));
            }
        }
        return answers;
    }

    private Set<Boolean> belowAdmin(Pod subject, boolean ingress, Pod peer, String address, Probe probe,
            boolean passed) {
        List<Policy> isolating = isolating(subject, ingress);
        if (!isolating.isEmpty()) {
            return Set.of(decided(passed ? DecidedBy.NETWORK_POLICY_AFTER_PASS : DecidedBy.NETWORK_POLICY,
                    networkPolicyAllows(isolating, ingress, peer, address, probe)));
        }
        Set<Boolean> answers = new HashSet<>();
        for (List<ClusterPolicy> order : orders(applying(subject, ingress, false))) {
            String action = firstMatch(order, ingress, peer, address, probe);
            if (isAllow(action)) {
                answers.add(decided(DecidedBy.BASELINE_ALLOW, true));
            } else if ("Deny".equals(action)) {
                answers.add(decided(DecidedBy.BASELINE_DENY, false));
            } else {
                answers.add(decided(action == null ? DecidedBy.DEFAULT : DecidedBy.DEFAULT_AFTER_PASS, true));
            }
        }
        return answers;
    }

    private boolean decided(DecidedBy by, boolean allowed) {
        decidedBy.merge(by, 1, Integer::sum);
        return allowed;
    }

    private static boolean isAllow(String action) {
        return "Accept".equals(action) || "Allow".equals(action);
    }

    /** The cluster-wide policies of a tier whose subject is the pod and that have rules for the direction. */
    private List<ClusterPolicy> applying(Pod subject, boolean ingress, boolean admin) {
        List<ClusterPolicy> applying = new ArrayList<>();
        for (ClusterPolicy policy : cluster.clusterPolicies()) {
            boolean adminTier = policy.kind() == ClusterKind.ANP
                    || policy.kind() == ClusterKind.CNP && policy.tier().equals("Admin");
            if (adminTier != admin || (ingress ? policy.ingress() : policy.egress()).isEmpty()) {
                continue;
            }
            if (matches(policy.subjectNamespaces(), namespaceLabels(subject.namespace()))
                    && (policy.subjectPods() == null || matches(policy.subjectPods(), subject.labels()))) {
                applying.add(policy);
            }
        }
        return applying;
    }

    /**
     * Every order of {@code policies} in which a lower priority comes before a higher one; policies of the same
     * priority, and one without a priority, may come in any order.
     */
    static List<List<ClusterPolicy>> orders(List<ClusterPolicy> policies) {
        List<List<ClusterPolicy>> orders = new ArrayList<>();
        orders(new ArrayList<>(), new ArrayList<>(policies), orders);
        return orders;
    }

    private static void orders(List<ClusterPolicy> prefix, List<ClusterPolicy> rest, List<List<ClusterPolicy>> out) {
        if (rest.isEmpty()) {
            out.add(List.copyOf(prefix));
            return;
        }
        for (ClusterPolicy next : rest) {
            boolean mayComeNext = next.priority() == null || rest.stream()
                    .noneMatch(other -> other.priority() != null && other.priority() < next.priority());
            if (mayComeNext) {
                List<ClusterPolicy> fewer = new ArrayList<>(rest);
                fewer.remove(next);
                prefix.add(next);
                orders(prefix, fewer, out);
                prefix.remove(prefix.size() - 1);
            }
        }
    }

    /** The action of the first rule that matches, policy by policy and rule by rule; null when none does. */
    private String firstMatch(List<ClusterPolicy> order, boolean ingress, Pod peer, String address, Probe probe) {
        for (ClusterPolicy policy : order) {
            for (ClusterRule rule : ingress ? policy.ingress() : policy.egress()) {
                if (clusterPortsMatch(rule, probe) && clusterPeersMatch(rule, peer, address)) {
                    return rule.action();
                }
            }
        }
        return null;
    }

    private boolean clusterPortsMatch(ClusterRule rule, Probe probe) {
        if (rule.ports().isEmpty()) {
            return true;
        }
        for (ClusterPort port : rule.ports()) {
            if (port.name() != null) {
                if (declares(cluster.pod(probe.to()), port.name(), probe.protocol(), probe.port())) {
                    return true;
                }
                continue;
            }
            String protocol = port.protocol() == null ? "TCP" : port.protocol();
            int end = port.end() == null ? port.number() : port.end();
            if (protocol.equals(probe.protocol()) && probe.port() >= port.number() && probe.port() <= end) {
                return true;
            }
        }
        return false;
    }

    private boolean clusterPeersMatch(ClusterRule rule, Pod peer, String address) {
        for (ClusterPeer candidate : rule.peers()) {
            if (candidate.isNetworks()) {
                if (candidate.networks().stream().anyMatch(cidr -> inCidr(address, cidr))) {
                    return true;
                }
                continue;
            }
            if (peer != null && !peer.hostNetwork() && matches(candidate.namespaces(), namespaceLabels(peer.namespace()))
                    && (candidate.pods() == null || matches(candidate.pods(), peer.labels()))) {
                return true;
            }
        }
        return false;
    }

    /** The NetworkPolicies of the pod's namespace that select it and isolate it for the direction. */
    private List<Policy> isolating(Pod subject, boolean ingress) {
        return cluster.policies().stream()
                .filter(p -> p.namespace().equals(subject.namespace()) && matches(p.podSelector(), subject.labels()))
                .filter(p -> ingress ? p.isolatesIngress() : p.isolatesEgress())
                .toList();
    }

    private boolean networkPolicyAllows(List<Policy> isolating, boolean ingress, Pod peer, String address,
            Probe probe) {
        for (Policy policy : isolating) {
            for (Rule rule : ingress ? policy.ingress() : policy.egress()) {
                if (portsMatch(rule, probe) && peersMatch(rule, policy.namespace(), peer, address)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean portsMatch(Rule rule, Probe probe) {
        if (rule.ports().isEmpty()) {
            return true;
        }
        Pod destination = cluster.pod(probe.to());
        for (Port port : rule.ports()) {
            String protocol = port.protocol() == null ? "TCP" : port.protocol();
            if (!protocol.equals(probe.protocol())) {
                continue;
            }
            if (port.number() == null && port.name() == null) {
                return true;
            }
            if (port.number() != null) {
                int end = port.endPort() == null ? port.number() : port.endPort();
                if (probe.port() >= port.number() && probe.port() <= end) {
                    return true;
                }
                continue;
            }
            if (declares(destination, port.name(), protocol, probe.port())) {
                return true;
            }
        }
        return false;
    }

    /** Whether the pod declares a container port of that name, protocol and number. */
    private static boolean declares(Pod pod, String name, String protocol, int number) {
        if (pod == null) {
            return false;
        }
        for (ContainerPort declared : pod.ports()) {
            if (declared.name().equals(name) && declared.protocol().equals(protocol) && declared.number() == number) {
                return true;
            }
        }
        return false;
    }

    private boolean peersMatch(Rule rule, String policyNamespace, Pod peer, String address) {
        if (rule.peers().isEmpty()) {
            return true;
        }
        for (Peer candidate : rule.peers()) {
            if (candidate.cidr() != null) {
                if (inCidr(address, candidate.cidr()) && candidate.except().stream().noneMatch(e -> inCidr(address, e))) {
                    return true;
                }
                continue;
            }
            if (peer == null || peer.hostNetwork()) {
                continue;
            }
            boolean namespaceMatches = candidate.namespaces() == null ? peer.namespace().equals(policyNamespace)
                    : matches(candidate.namespaces(), namespaceLabels(peer.namespace()));
            boolean podMatches = candidate.pods() == null || matches(candidate.pods(), peer.labels());
            if (namespaceMatches && podMatches) {
                return true;
            }
        }
        return false;
    }

    private Map<String, String> namespaceLabels(String namespace) {
        Map<String, String> labels = new HashMap<>(cluster.namespaces().getOrDefault(namespace, Map.of()));
        labels.put("kubernetes.io/metadata.name", namespace);
        return labels;
    }

    static boolean matches(Sel selector, Map<String, String> labels) {
        for (Map.Entry<String, String> entry : selector.labels().entrySet()) {
            if (!entry.getValue().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        for (Expr expr : selector.exprs()) {
            String value = labels.get(expr.key());
            boolean ok = switch (expr.operator()) {
                case "In" -> value != null && expr.values().contains(value);
                case "NotIn" -> value == null || !expr.values().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new IllegalArgumentException(expr.operator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean inCidr(String address, String cidr) {
        byte[] ip = bytes(address);
        int slash = cidr.indexOf('/');
        byte[] network = bytes(cidr.substring(0, slash));
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        if (ip.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((ip[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}

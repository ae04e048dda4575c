package io.netpolguard.property;

import io.netpolguard.property.EngineCase.ContainerPort;
import io.netpolguard.property.EngineCase.Pod;
import io.netpolguard.property.EngineCase.Probe;
import io.netpolguard.property.PolicyModel.Expr;
import io.netpolguard.property.PolicyModel.Peer;
import io.netpolguard.property.PolicyModel.Policy;
import io.netpolguard.property.PolicyModel.Port;
import io.netpolguard.property.PolicyModel.Rule;
import io.netpolguard.property.PolicyModel.Sel;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately simple NetworkPolicy evaluator written from the Kubernetes API documentation
 * (concepts/services-networking/network-policies), independent of the engine's code:
 * <ul>
 * <li>a pod is isolated for a direction when some policy of its namespace selects it (podSelector) and has that
 * direction in policyTypes (absent policyTypes: Ingress always, Egress when it has egress rules);</li>
 * <li>an isolated side allows a connection when some rule of some such policy allows it (a union); the connection
 * is allowed when the source's egress side and the destination's ingress side both allow it;</li>
 * <li>a rule allows it when a port entry matches (none: every port) and a peer matches (none: every peer);
 * podSelector alone: pods of the policy's namespace; namespaceSelector alone: every pod of the selected
 * namespaces (namespaces carry {@code kubernetes.io/metadata.name}); both: pods matching both; ipBlock: the
 * address is in cidr and in no except;</li>
 * <li>a port entry: its protocol (absent: TCP) and the port, a range port..endPort, every port when absent, or a
 * name looked up in the destination pod's container ports of that protocol;</li>
 * <li>host-network pods are outside policy: never selected, never matched by pod or namespace selectors, only by
 * ipBlocks on their address; a pod may always connect to itself;</li>
 * <li>the peer may use each of its addresses (dual-stack pods): every one must be allowed.</li>
 * </ul>
 * Defined only for known addresses: no unresolved hosts or address ranges (those the engine answers with
 * UNDETERMINED), which {@link EngineGen} never generates.
 */
public final class ReferenceEvaluator {
    private final EngineCase cluster;

    public ReferenceEvaluator(EngineCase cluster) {
        this.cluster = cluster;
    }

    public boolean allowed(Probe probe) {
        Pod from = cluster.pod(probe.from());
        Pod to = cluster.pod(probe.to());
        if (from != null && from == to) {
            return true;
        }
        return sideAllows(from, "egress", probe.to(), probe) && sideAllows(to, "ingress", probe.from(), probe);
    }

    private boolean sideAllows(Pod subject, String direction, String peerRef, Probe probe) {
        if (subject == null || subject.hostNetwork()) {
            return true;
        }
        List<Policy> isolating = cluster.policies().stream()
                .filter(p -> p.namespace().equals(subject.namespace()) && matches(p.podSelector(), subject.labels()))
                .filter(p -> direction.equals("ingress") ? p.isolatesIngress() : p.isolatesEgress())
                .toList();
        if (isolating.isEmpty()) {
            return true;
        }
        Pod peer = cluster.pod(peerRef);
        List<String> addresses = peer != null ? peer.ips() : List.of(peerRef);
        for (String address : addresses) {
            boolean allowed = false;
            for (Policy policy : isolating) {
                for (Rule rule : direction.equals("ingress") ? policy.ingress() : policy.egress()) {
                    allowed |= portsMatch(rule, probe) && peersMatch(rule, policy.namespace(), peer, address);
                }
            }
            if (!allowed) {
                return false;
            }
        }
        return true;
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
            if (destination != null) {
                for (ContainerPort declared : destination.ports()) {
                    if (declared.name().equals(port.name()) && declared.protocol().equals(protocol)
                            && declared.number() == probe.port()) {
                        return true;
                    }
                }
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

package io.netpolguard.netpol;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.util.ArrayList;
import java.util.List;

/** Turns a fabric8 NetworkPolicy into a {@link CompiledPolicy}, rejecting what the API server would reject. */
public final class PolicyCompiler {

    private PolicyCompiler() {
    }

    /**
     * @throws InvalidPolicyException when the policy cannot be understood (bad selector, CIDR, port)
     */
    public static CompiledPolicy compile(NetworkPolicy policy) {
        String namespace = policy.getMetadata() == null || policy.getMetadata().getNamespace() == null
                ? "default" : policy.getMetadata().getNamespace();
        String name = policy.getMetadata() == null ? null : policy.getMetadata().getName();
        if (name == null || name.isBlank()) {
            throw new InvalidPolicyException(namespace + "/<unnamed>", "metadata.name is missing");
        }
        String id = namespace + "/" + name;
        NetworkPolicySpec spec = policy.getSpec();
        if (spec == null) {
            throw new InvalidPolicyException(id, "spec is missing");
        }
        try {
            List<String> types = spec.getPolicyTypes() == null ? List.of() : spec.getPolicyTypes();
            boolean ingress;
            boolean egress;
            if (types.isEmpty()) {
                ingress = true;
                egress = spec.getEgress() != null && !spec.getEgress().isEmpty();
            } else {
                for (String type : types) {
                    if (!"Ingress".equals(type) && !"Egress".equals(type)) {
                        throw new IllegalArgumentException("policyTypes has '" + type + "' (expected Ingress or Egress)");
                    }
                }
                ingress = types.contains("Ingress");
                egress = types.contains("Egress");
            }
            return new CompiledPolicy(namespace, name, Selector.compile(spec.getPodSelector()), ingress, egress,
                    ingressRules(spec.getIngress(), namespace), egressRules(spec.getEgress(), namespace));
        } catch (IllegalArgumentException e) {
            throw new InvalidPolicyException(id, e.getMessage());
        }
    }

    private static List<Rule> ingressRules(List<NetworkPolicyIngressRule> rules, String namespace) {
        List<Rule> compiled = new ArrayList<>();
        if (rules != null) {
            for (int i = 0; i < rules.size(); i++) {
                NetworkPolicyIngressRule rule = rules.get(i);
                compiled.add(new Rule(Direction.INGRESS, i, peers(rule.getFrom(), namespace, "ingress[" + i + "].from"),
                        ports(rule.getPorts(), "ingress[" + i + "].ports")));
            }
        }
        return compiled;
    }

    private static List<Rule> egressRules(List<NetworkPolicyEgressRule> rules, String namespace) {
        List<Rule> compiled = new ArrayList<>();
        if (rules != null) {
            for (int i = 0; i < rules.size(); i++) {
                NetworkPolicyEgressRule rule = rules.get(i);
                compiled.add(new Rule(Direction.EGRESS, i, peers(rule.getTo(), namespace, "egress[" + i + "].to"),
                        ports(rule.getPorts(), "egress[" + i + "].ports")));
            }
        }
        return compiled;
    }

    private static List<Peer> peers(List<NetworkPolicyPeer> peers, String namespace, String path) {
        List<Peer> compiled = new ArrayList<>();
        if (peers == null) {
            return compiled;
        }
        for (int i = 0; i < peers.size(); i++) {
            NetworkPolicyPeer peer = peers.get(i);
            String where = path + "[" + i + "]";
            IPBlock block = peer.getIpBlock();
            boolean hasSelector = peer.getPodSelector() != null || peer.getNamespaceSelector() != null;
            if (block != null && hasSelector) {
                throw new IllegalArgumentException(where + " combines ipBlock with a selector, which the API forbids");
            }
            if (block != null) {
                compiled.add(ipBlock(block, where));
            } else if (hasSelector) {
                compiled.add(new Peer.Pods(
                        peer.getPodSelector() == null ? null : Selector.compile(peer.getPodSelector()),
                        peer.getNamespaceSelector() == null ? null : Selector.compile(peer.getNamespaceSelector()),
                        namespace));
            } else {
                throw new IllegalArgumentException(where + " is empty (it needs podSelector, namespaceSelector or ipBlock)");
            }
        }
        return compiled;
    }

    private static Peer ipBlock(IPBlock block, String where) {
        Cidr cidr;
        try {
            cidr = Cidr.parse(block.getCidr());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ".ipBlock.cidr: " + e.getMessage());
        }
        List<Cidr> except = new ArrayList<>();
        if (block.getExcept() != null) {
            for (String text : block.getExcept()) {
                try {
                    except.add(Cidr.parse(text));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ".ipBlock.except: " + e.getMessage());
                }
            }
        }
        return new Peer.IpBlock(cidr, except);
    }

    private static List<PortMatch> ports(List<NetworkPolicyPort> ports, String path) {
        List<PortMatch> compiled = new ArrayList<>();
        if (ports == null) {
            return compiled;
        }
        for (int i = 0; i < ports.size(); i++) {
            NetworkPolicyPort port = ports.get(i);
            String where = path + "[" + i + "]";
            Protocol protocol;
            try {
                protocol = Protocol.parse(port.getProtocol());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
            IntOrString value = port.getPort();
            Integer endPort = port.getEndPort();
            if (value == null || value.getIntVal() == null && value.getStrVal() == null) {
                if (endPort != null) {
                    throw new IllegalArgumentException(where + " has endPort without port");
                }
                compiled.add(PortMatch.allPorts(protocol));
            } else if (value.getIntVal() != null) {
                int from = value.getIntVal();
                int to = endPort == null ? from : endPort;
                if (from < 1 || from > 65535 || to < from || to > 65535) {
                    throw new IllegalArgumentException(where + " has port range " + from + "-" + to + ", outside 1..65535");
                }
                compiled.add(PortMatch.range(protocol, from, to));
            } else {
                String text = value.getStrVal();
                if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
                    throw new IllegalArgumentException(where + " has port \"" + text + "\" as a string; write it as a number");
                }
                if (endPort != null) {
                    throw new IllegalArgumentException(where + " has endPort with the named port '" + text + "'");
                }
                compiled.add(PortMatch.named(protocol, text));
            }
        }
        return compiled;
    }
}

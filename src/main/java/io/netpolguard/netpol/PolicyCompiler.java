package io.netpolguard.netpol;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns a fabric8 NetworkPolicy into a {@link CompiledPolicy}, rejecting what the API server would reject
 * (k8s.io/kubernetes pkg/apis/networking/validation). Messages name the field: {@code spec.egress[0].to[1].ipBlock.cidr}.
 */
public final class PolicyCompiler {
    /** IANA_SVC_NAME, as the API server checks port names: lower case letters, digits and '-', at least one letter. */
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

    private PolicyCompiler() {
    }

    /**
     * @throws InvalidPolicyException when the API server would reject the policy or the guard cannot understand it
     */
    public static CompiledPolicy compile(NetworkPolicy policy) {
        return compile(policy, false);
    }

    /**
     * A policy the API server holds (the live cluster): it exists, so what the guard cannot read is unknown, not
     * absent. Its podSelector and policyTypes still isolate; each rule that cannot be read could allow anything
     * ({@link Rule#unreadable()}), and {@link CompiledPolicy#problems()} says why. Only a policy without a name
     * throws.
     */
    public static CompiledPolicy compileAsStored(NetworkPolicy policy) {
        return compile(policy, true);
    }

    private static CompiledPolicy compile(NetworkPolicy policy, boolean stored) {
        String namespace = policy.getMetadata() == null || policy.getMetadata().getNamespace() == null
                ? "default" : policy.getMetadata().getNamespace();
        String name = policy.getMetadata() == null ? null : policy.getMetadata().getName();
        if (name == null || name.isBlank()) {
            throw new InvalidPolicyException(namespace + "/<unnamed>", "metadata.name is missing");
        }
        String id = namespace + "/" + name;
        NetworkPolicySpec spec = policy.getSpec() == null ? new NetworkPolicySpec() : policy.getSpec();
        Selector podSelector;
        boolean ingress;
        boolean egress;
        try {
            podSelector = field("spec.podSelector", () -> Selector.compile(spec.getPodSelector()));
            List<String> types = spec.getPolicyTypes() == null ? List.of() : spec.getPolicyTypes();
            for (int i = 0; i < types.size(); i++) {
                if (!"Ingress".equals(types.get(i)) && !"Egress".equals(types.get(i))) {
                    throw new IllegalArgumentException("spec.policyTypes[" + i + "]: '" + types.get(i)
                            + "' is not Ingress or Egress");
                }
            }
            ingress = types.isEmpty() || types.contains("Ingress");
            egress = types.isEmpty() ? spec.getEgress() != null && !spec.getEgress().isEmpty() : types.contains("Egress");
        } catch (IllegalArgumentException e) {
            if (!stored) {
                throw new InvalidPolicyException(id, e.getMessage());
            }
            // which pods it isolates, and how, is unknown: assume every pod of its namespace, both ways
            String problem = e.getMessage() + "; taken to isolate every pod of namespace " + namespace
                    + " with rules that cannot be read";
            return new CompiledPolicy(namespace, name, Selector.EVERYTHING, true, true,
                    List.of(Rule.unreadable(Direction.INGRESS, 0, e.getMessage())),
                    List.of(Rule.unreadable(Direction.EGRESS, 0, e.getMessage())), List.of(problem));
        }
        List<String> problems = new ArrayList<>();
        List<Rule> ingressRules = rules(Direction.INGRESS, spec.getIngress() == null ? List.of() : spec.getIngress(),
                r -> r.getFrom(), r -> r.getPorts(), namespace, id, stored, problems);
        List<Rule> egressRules = rules(Direction.EGRESS, spec.getEgress() == null ? List.of() : spec.getEgress(),
                r -> r.getTo(), r -> r.getPorts(), namespace, id, stored, problems);
        return new CompiledPolicy(namespace, name, podSelector, ingress, egress, ingressRules, egressRules, problems);
    }

    private static <R> List<Rule> rules(Direction direction, List<R> rules, Function<R, List<NetworkPolicyPeer>> peers,
            Function<R, List<NetworkPolicyPort>> ports, String namespace, String id, boolean stored, List<String> problems) {
        List<Rule> compiled = new ArrayList<>();
        String peerField = direction == Direction.INGRESS ? "from" : "to";
        for (int i = 0; i < rules.size(); i++) {
            String path = "spec." + direction.field() + "[" + i + "]";
            // a null in a list is read as the API server decodes it: an empty rule, peer or port
            R rule = rules.get(i);
            try {
                compiled.add(new Rule(direction, i, peers(rule == null ? null : peers.apply(rule), namespace,
                        path + "." + peerField), ports(rule == null ? null : ports.apply(rule), path + ".ports")));
            } catch (IllegalArgumentException e) {
                if (!stored) {
                    throw new InvalidPolicyException(id, e.getMessage());
                }
                problems.add(e.getMessage());
                compiled.add(Rule.unreadable(direction, i, e.getMessage()));
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
            NetworkPolicyPeer peer = peers.get(i) == null ? new NetworkPolicyPeer() : peers.get(i);
            String where = path + "[" + i + "]";
            IPBlock block = peer.getIpBlock();
            boolean hasSelector = peer.getPodSelector() != null || peer.getNamespaceSelector() != null;
            if (block != null && hasSelector) {
                throw new IllegalArgumentException(where + ": ipBlock may not be combined with podSelector or "
                        + "namespaceSelector");
            }
            if (block != null) {
                compiled.add(ipBlock(block, where + ".ipBlock"));
            } else if (hasSelector) {
                compiled.add(new Peer.Pods(
                        peer.getPodSelector() == null ? null
                                : field(where + ".podSelector", () -> Selector.compile(peer.getPodSelector())),
                        peer.getNamespaceSelector() == null ? null
                                : field(where + ".namespaceSelector", () -> Selector.compile(peer.getNamespaceSelector())),
                        namespace));
            } else {
                throw new IllegalArgumentException(where + ": is empty (it needs podSelector, namespaceSelector or ipBlock)");
            }
        }
        return compiled;
    }

    private static Peer ipBlock(IPBlock block, String where) {
        Cidr cidr = field(where + ".cidr", () -> Cidr.parse(block.getCidr()));
        List<Cidr> except = new ArrayList<>();
        List<String> excepts = block.getExcept() == null ? List.of() : block.getExcept();
        for (int i = 0; i < excepts.size(); i++) {
            String text = excepts.get(i);
            String path = where + ".except[" + i + "]";
            Cidr excluded = field(path, () -> Cidr.parse(text));
            if (!cidr.covers(excluded) || excluded.prefixLength() <= cidr.prefixLength()) {
                throw new IllegalArgumentException(path + ": " + text + " is not a strict subset of cidr " + cidr);
            }
            except.add(excluded);
        }
        return new Peer.IpBlock(cidr, except);
    }

    private static List<PortMatch> ports(List<NetworkPolicyPort> ports, String path) {
        List<PortMatch> compiled = new ArrayList<>();
        if (ports == null) {
            return compiled;
        }
        for (int i = 0; i < ports.size(); i++) {
            compiled.add(port(ports.get(i) == null ? new NetworkPolicyPort() : ports.get(i), path + "[" + i + "]"));
        }
        return compiled;
    }

    private static PortMatch port(NetworkPolicyPort port, String where) {
        String protocolText = port.getProtocol();
        if (protocolText != null && !List.of("TCP", "UDP", "SCTP").contains(protocolText)) {
            throw new IllegalArgumentException(where + ".protocol: '" + protocolText + "' is not TCP, UDP or SCTP");
        }
        Protocol protocol = Protocol.parse(protocolText);
        IntOrString value = port.getPort();
        Integer endPort = port.getEndPort();
        boolean numeric = value != null && value.getIntVal() != null;
        if (endPort != null) {
            if (value == null || value.getIntVal() == null && value.getStrVal() == null) {
                throw new IllegalArgumentException(where + ".port: is required when endPort is given");
            }
            if (!numeric) {
                throw new IllegalArgumentException(where + ".endPort: is not allowed with the named port '"
                        + value.getStrVal() + "'");
            }
            if (endPort < 1 || endPort > 65535) {
                throw new IllegalArgumentException(where + ".endPort: " + endPort + " is not a port number (1-65535)");
            }
        }
        if (value == null || value.getIntVal() == null && value.getStrVal() == null) {
            return PortMatch.allPorts(protocol);
        }
        if (numeric) {
            int from = value.getIntVal();
            if (from < 1 || from > 65535) {
                throw new IllegalArgumentException(where + ".port: " + from + " is not a port number (1-65535)");
            }
            int to = endPort == null ? from : endPort;
            if (to < from) {
                throw new IllegalArgumentException(where + ".endPort: " + to + " is below port " + from
                        + " (it must be greater than or equal to port)");
            }
            return PortMatch.range(protocol, from, to);
        }
        String name = value.getStrVal();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(where + ".port: \"" + name + "\" is a number written as a string; "
                    + "write it without quotes");
        }
        if (name.length() > 15 || !PORT_NAME.matcher(name).matches() || name.contains("--")
                || name.chars().noneMatch(Character::isLetter)) {
            throw new IllegalArgumentException(where + ".port: '" + name + "' is not a valid port name (at most 15 "
                    + "lower case letters, digits and '-', with a letter, not starting or ending with '-', no '--')");
        }
        return PortMatch.named(protocol, name);
    }

    /** Runs {@code read}, prefixing a problem with the field it is about. */
    private static <T> T field(String path, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage());
        }
    }
}

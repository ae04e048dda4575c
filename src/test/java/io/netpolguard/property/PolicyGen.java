package io.netpolguard.property;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates valid NetworkPolicies and cluster-wide policies (what the API server and the CRDs' validation accept)
 * over a small {@link Universe} of labels, CIDRs and ports, so that selectors, blocks and ports often hit the
 * generated pods.
 */
public final class PolicyGen {
    private static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");

    /**
     * @param podLabels label key to its possible values, for pods
     * @param namespaceLabels label key to its possible values, for namespaces ({@code kubernetes.io/metadata.name} too)
     * @param blocks a CIDR to the CIDRs that may be its excepts (strict subsets)
     */
    public record Universe(Map<String, List<String>> podLabels, Map<String, List<String>> namespaceLabels,
            Map<String, List<String>> blocks, List<Integer> ports, List<String> portNames) {
    }

    private final Universe universe;
    private final Random random;

    public PolicyGen(Universe universe, Random random) {
        this.universe = universe;
        this.random = random;
    }

    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    public int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    public <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    public <T> T pick(Map<String, List<T>> map, String key) {
        return pick(map.get(key));
    }

    public Policy policy(String namespace, String name) {
        Sel podSelector = selector(universe.podLabels(), 0.3);
        List<String> types = switch (random.nextInt(4)) {
            case 0 -> List.of();
            case 1 -> List.of("Ingress");
            case 2 -> List.of("Egress");
            default -> List.of("Ingress", "Egress");
        };
        return new Policy(namespace, name, podSelector, types, rules(), rules());
    }

    private List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        int count = chance(0.25) ? 0 : between(1, 3);
        for (int i = 0; i < count; i++) {
            rules.add(rule());
        }
        return rules;
    }

    public Rule rule() {
        List<Peer> peers = new ArrayList<>();
        int peerCount = chance(0.15) ? 0 : between(1, 3);
        for (int i = 0; i < peerCount; i++) {
            peers.add(peer());
        }
        List<Port> ports = new ArrayList<>();
        int portCount = chance(0.3) ? 0 : between(1, 3);
        for (int i = 0; i < portCount; i++) {
            ports.add(port());
        }
        return new Rule(peers, ports);
    }

    public Peer peer() {
        return switch (random.nextInt(4)) {
            case 0 -> new Peer(selector(universe.podLabels(), 0.2), null, null, null);
            case 1 -> new Peer(null, selector(universe.namespaceLabels(), 0.2), null, null);
            case 2 -> new Peer(selector(universe.podLabels(), 0.2), selector(universe.namespaceLabels(), 0.2), null, null);
            default -> block();
        };
    }

    private Peer block() {
        String cidr = pick(new ArrayList<>(universe.blocks().keySet()));
        List<String> candidates = universe.blocks().get(cidr);
        List<String> except = new ArrayList<>();
        if (!candidates.isEmpty() && chance(0.4)) {
            except.add(pick(candidates));
            if (chance(0.3)) {
                String second = pick(candidates);
                if (!except.contains(second)) {
                    except.add(second);
                }
            }
        }
        return Peer.block(cidr, except);
    }

    public Port port() {
        String protocol = chance(0.3) ? null : pick(PROTOCOLS);
        return switch (random.nextInt(4)) {
            case 0 -> new Port(protocol, null, null, null);
            case 1 -> new Port(protocol, null, pick(universe.portNames()), null);
            case 2 -> {
                int from = pick(universe.ports());
                yield new Port(protocol, from, null, from + between(0, 3) * between(0, 200));
            }
            default -> new Port(protocol, pick(universe.ports()), null, null);
        };
    }

    /**
     * A cluster-wide policy of {@code kind} ({@code tier} Admin or Baseline for a ClusterNetworkPolicy; a
     * BaselineAdminNetworkPolicy has no priority, give null): a subject by namespaces or by pods, up to three
     * ingress and three egress rules (a direction may have none) with the kind's actions.
     */
    public ClusterPolicy clusterPolicy(ClusterKind kind, String name, String tier, Integer priority) {
        Sel namespaces = selector(universe.namespaceLabels(), 0.3);
        Sel pods = chance(0.4) ? selector(universe.podLabels(), 0.3) : null;
        List<String> actions = kind == ClusterKind.BANP ? List.of(kind.allowWord, "Deny")
                : List.of(kind.allowWord, "Deny", "Pass");
        return new ClusterPolicy(kind, name, tier, priority, namespaces, pods, clusterRules(kind, actions, false),
                clusterRules(kind, actions, true));
    }

    private List<ClusterRule> clusterRules(ClusterKind kind, List<String> actions, boolean egress) {
        List<ClusterRule> rules = new ArrayList<>();
        int count = chance(0.3) ? 0 : between(1, 3);
        for (int i = 0; i < count; i++) {
            rules.add(clusterRule(kind, pick(actions), egress));
        }
        return rules;
    }

    /**
     * One rule: one to three peers (ingress: namespaces or pods; egress also networks), no ports or one or two.
     * A named port is left out of an egress rule with a networks peer, which the CRDs' validation rejects.
     */
    public ClusterRule clusterRule(ClusterKind kind, String action, boolean egress) {
        List<ClusterPeer> peers = new ArrayList<>();
        int peerCount = between(1, 3);
        for (int i = 0; i < peerCount; i++) {
            peers.add(switch (random.nextInt(egress ? 4 : 2)) {
                case 0 -> new ClusterPeer(selector(universe.namespaceLabels(), 0.3), null, null);
                case 1 -> new ClusterPeer(selector(universe.namespaceLabels(), 0.4), selector(universe.podLabels(), 0.2),
                        null);
                default -> new ClusterPeer(null, null, networks());
            });
        }
        boolean namedAllowed = peers.stream().noneMatch(ClusterPeer::isNetworks);
        List<ClusterPort> ports = new ArrayList<>();
        int portCount = chance(0.35) ? 0 : between(1, 2);
        for (int i = 0; i < portCount; i++) {
            ports.add(clusterPort(kind, namedAllowed));
        }
        return new ClusterRule(action, peers, ports);
    }

    /** One or two CIDRs of the universe (blocks and their excepts: all masked, as ClusterNetworkPolicy requires). */
    private List<String> networks() {
        LinkedHashSet<String> all = new LinkedHashSet<>(universe.blocks().keySet());
        universe.blocks().values().forEach(all::addAll);
        List<String> cidrs = new ArrayList<>(all);
        List<String> chosen = new ArrayList<>();
        chosen.add(pick(cidrs));
        if (chance(0.3)) {
            String second = pick(cidrs);
            if (!chosen.contains(second)) {
                chosen.add(second);
            }
        }
        return chosen;
    }

    /**
     * A port number, a range (start below end, as both API versions require), or a named port; the protocol is
     * left out only in v1alpha1 (where it defaults to TCP).
     */
    public ClusterPort clusterPort(ClusterKind kind, boolean namedAllowed) {
        String protocol = kind != ClusterKind.CNP && chance(0.25) ? null : pick(PROTOCOLS);
        return switch (random.nextInt(namedAllowed ? 3 : 2)) {
            case 0 -> new ClusterPort(protocol, pick(universe.ports()), null, null);
            case 1 -> {
                int start = pick(universe.ports());
                yield new ClusterPort(protocol, start, start + pick(List.of(1, 2, 9, 200, 1000)), null);
            }
            default -> new ClusterPort(null, null, null, pick(universe.portNames()));
        };
    }

    /** An empty selector with probability {@code empty}, else one or two labels and sometimes an expression. */
    public Sel selector(Map<String, List<String>> labels, double empty) {
        if (chance(empty)) {
            return Sel.ALL;
        }
        List<String> keys = new ArrayList<>(labels.keySet());
        Map<String, String> match = new HashMap<>();
        List<Expr> exprs = new ArrayList<>();
        int count = between(1, 2);
        for (int i = 0; i < count; i++) {
            String key = pick(keys);
            if (chance(0.7)) {
                match.put(key, pick(labels, key));
            } else {
                exprs.add(expression(key, labels.get(key)));
            }
        }
        return new Sel(match, exprs);
    }

    private Expr expression(String key, List<String> values) {
        return switch (random.nextInt(4)) {
            case 0 -> new Expr(key, "In", values(values));
            case 1 -> new Expr(key, "NotIn", values(values));
            case 2 -> new Expr(key, "Exists", List.of());
            default -> new Expr(key, "DoesNotExist", List.of());
        };
    }

    private List<String> values(List<String> values) {
        List<String> chosen = new ArrayList<>();
        int count = between(1, Math.min(2, values.size()));
        while (chosen.size() < count) {
            String value = pick(values);
            if (!chosen.contains(value)) {
                chosen.add(value);
            }
        }
        return chosen;
    }

    /** Labels drawn from {@code labels}: each key present with probability {@code p}. */
    public Map<String, String> labels(Map<String, List<String>> labels, double p) {
        Map<String, String> out = new HashMap<>();
        labels.forEach((key, values) -> {
            if (chance(p)) {
                out.put(key, pick(values));
            }
        });
        return out;
    }
}

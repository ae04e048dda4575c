package io.netpolguard.property;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netpolguard.cluster.Manifests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * NetworkPolicies and the cluster-wide policies of the network-policy-api as plain data, as generators make them
 * and a reader of the API documentation sees them, with their manifests ({@link Policy#manifest()},
 * {@link ClusterPolicy#manifest()}) for the code under test. Every list may shrink element by element.
 */
public final class PolicyModel {

    private PolicyModel() {
    }

    /** A label selector requirement: In, NotIn (with values), Exists, DoesNotExist. */
    public record Expr(String key, String operator, List<String> values) {
        @Override
        public String toString() {
            return key + " " + operator + (values.isEmpty() ? "" : " " + values);
        }
    }

    /** matchLabels and matchExpressions; both empty: {@code {}}, every object. */
    public record Sel(Map<String, String> labels, List<Expr> exprs) {
        public static final Sel ALL = new Sel(Map.of(), List.of());

        public Sel {
            labels = new TreeMap<>(labels);
            exprs = List.copyOf(exprs);
        }

        ObjectNode json() {
            ObjectNode node = Manifests.JSON.createObjectNode();
            if (!labels.isEmpty()) {
                ObjectNode match = node.putObject("matchLabels");
                labels.forEach(match::put);
            }
            if (!exprs.isEmpty()) {
                ArrayNode array = node.putArray("matchExpressions");
                for (Expr expr : exprs) {
                    ObjectNode e = array.addObject().put("key", expr.key()).put("operator", expr.operator());
                    if (!expr.values().isEmpty()) {
                        expr.values().forEach(e.putArray("values")::add);
                    }
                }
            }
            return node;
        }

        List<Sel> shrinks() {
            List<Sel> out = new ArrayList<>();
            for (String key : labels.keySet()) {
                Map<String, String> fewer = new TreeMap<>(labels);
                fewer.remove(key);
                out.add(new Sel(fewer, exprs));
            }
            without(exprs).forEach(e -> out.add(new Sel(labels, e)));
            return out;
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            labels.forEach((k, v) -> parts.add(k + "=" + v));
            exprs.forEach(e -> parts.add(e.toString()));
            return "{" + String.join(", ", parts) + "}";
        }
    }

    /** One {@code from}/{@code to} entry: pods and/or namespaces (null: absent), or an ipBlock. */
    public record Peer(Sel pods, Sel namespaces, String cidr, List<String> except) {
        public Peer {
            except = except == null ? List.of() : List.copyOf(except);
        }

        static Peer block(String cidr, List<String> except) {
            return new Peer(null, null, cidr, except);
        }

        ObjectNode json() {
            ObjectNode node = Manifests.JSON.createObjectNode();
            if (cidr != null) {
                ObjectNode block = node.putObject("ipBlock").put("cidr", cidr);
                if (!except.isEmpty()) {
                    except.forEach(block.putArray("except")::add);
                }
                return node;
            }
            if (pods != null) {
                node.set("podSelector", pods.json());
            }
            if (namespaces != null) {
                node.set("namespaceSelector", namespaces.json());
            }
            return node;
        }

        List<Peer> shrinks() {
            List<Peer> out = new ArrayList<>();
            if (cidr != null) {
                without(except).forEach(e -> out.add(block(cidr, e)));
                return out;
            }
            if (pods != null && namespaces != null) {
                out.add(new Peer(pods, null, null, null));
                out.add(new Peer(null, namespaces, null, null));
            }
            if (pods != null) {
                pods.shrinks().forEach(s -> out.add(new Peer(s, namespaces, null, null)));
            }
            if (namespaces != null) {
                namespaces.shrinks().forEach(s -> out.add(new Peer(pods, s, null, null)));
            }
            return out;
        }

        @Override
        public String toString() {
            if (cidr != null) {
                return "ipBlock " + cidr + (except.isEmpty() ? "" : " except " + except);
            }
            return (pods == null ? "" : "pods " + pods) + (pods != null && namespaces != null ? " " : "")
                    + (namespaces == null ? "" : "namespaces " + namespaces);
        }
    }

    /** A {@code ports} entry: protocol (null: TCP), port number or name (both null: every port), endPort. */
    public record Port(String protocol, Integer number, String name, Integer endPort) {
        ObjectNode json() {
            ObjectNode node = Manifests.JSON.createObjectNode();
            if (protocol != null) {
                node.put("protocol", protocol);
            }
            if (number != null) {
                node.put("port", number);
            } else if (name != null) {
                node.put("port", name);
            }
            if (endPort != null) {
                node.put("endPort", endPort);
            }
            return node;
        }

        @Override
        public String toString() {
            String port = number != null ? number + (endPort != null ? "-" + endPort : "") : name != null ? name : "*";
            return (protocol == null ? "(TCP)" : protocol) + "/" + port;
        }
    }

    /** One ingress or egress rule; empty peers: every peer, empty ports: every port. */
    public record Rule(List<Peer> peers, List<Port> ports) {
        public Rule {
            peers = List.copyOf(peers);
            ports = List.copyOf(ports);
        }

        ObjectNode json(String peerField) {
            ObjectNode node = Manifests.JSON.createObjectNode();
            if (!peers.isEmpty()) {
                peers.forEach(p -> node.withArray(peerField).add(p.json()));
            }
            if (!ports.isEmpty()) {
                ports.forEach(p -> node.withArray("ports").add(p.json()));
            }
            return node;
        }

        List<Rule> shrinks() {
            List<Rule> out = new ArrayList<>();
            without(peers).stream().filter(p -> !p.isEmpty()).forEach(p -> out.add(new Rule(p, ports)));
            without(ports).stream().filter(p -> !p.isEmpty()).forEach(p -> out.add(new Rule(peers, p)));
            each(peers, Peer::shrinks).forEach(p -> out.add(new Rule(p, ports)));
            return out;
        }

        @Override
        public String toString() {
            return "{peers " + (peers.isEmpty() ? "any" : peers) + ", ports " + (ports.isEmpty() ? "any" : ports) + "}";
        }
    }

    /** A NetworkPolicy; {@code types} empty: policyTypes absent (Ingress, plus Egress when there are egress rules). */
    public record Policy(String namespace, String name, Sel podSelector, List<String> types, List<Rule> ingress,
            List<Rule> egress) {
        public Policy {
            types = List.copyOf(types);
            ingress = List.copyOf(ingress);
            egress = List.copyOf(egress);
        }

        public boolean isolatesIngress() {
            return types.isEmpty() || types.contains("Ingress");
        }

        public boolean isolatesEgress() {
            return types.isEmpty() ? !egress.isEmpty() : types.contains("Egress");
        }

        public ObjectNode manifest() {
            ObjectNode node = Manifests.JSON.createObjectNode();
            node.put("apiVersion", "networking.k8s.io/v1").put("kind", "NetworkPolicy");
            node.putObject("metadata").put("name", name).put("namespace", namespace);
            ObjectNode spec = node.putObject("spec");
            spec.set("podSelector", podSelector.json());
            if (!types.isEmpty()) {
                types.forEach(spec.putArray("policyTypes")::add);
            }
            if (!ingress.isEmpty()) {
                ingress.forEach(r -> spec.withArray("ingress").add(r.json("from")));
            }
            if (!egress.isEmpty()) {
                egress.forEach(r -> spec.withArray("egress").add(r.json("to")));
            }
            return node;
        }

        public List<Policy> shrinks() {
            List<Policy> out = new ArrayList<>();
            without(ingress).forEach(r -> out.add(new Policy(namespace, name, podSelector, types, r, egress)));
            without(egress).forEach(r -> out.add(new Policy(namespace, name, podSelector, types, ingress, r)));
            each(ingress, Rule::shrinks).forEach(r -> out.add(new Policy(namespace, name, podSelector, types, r, egress)));
            each(egress, Rule::shrinks).forEach(r -> out.add(new Policy(namespace, name, podSelector, types, ingress, r)));
            podSelector.shrinks().forEach(s -> out.add(new Policy(namespace, name, s, types, ingress, egress)));
            return out;
        }

        @Override
        public String toString() {
            return namespace + "/" + name + " podSelector " + podSelector + " types " + (types.isEmpty() ? "(absent)" : types)
                    + " ingress " + ingress + " egress " + egress;
        }
    }

    /** The cluster-wide kinds of the network-policy-api: ClusterNetworkPolicy (v1alpha2) and the v1alpha1 pair. */
    public enum ClusterKind {
        CNP("ClusterNetworkPolicy", "policy.networking.k8s.io/v1alpha2", "Accept"),
        ANP("AdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", "Allow"),
        BANP("BaselineAdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", "Allow");

        public final String kind;
        public final String apiVersion;
        /** How the kind spells its allow action. */
        public final String allowWord;

        ClusterKind(String kind, String apiVersion, String allowWord) {
            this.kind = kind;
            this.apiVersion = apiVersion;
            this.allowWord = allowWord;
        }
    }

    /**
     * A cluster-wide peer: {@code namespaces} alone (every pod of the selected namespaces), {@code pods} (a
     * namespaceSelector and a podSelector), or {@code networks} (CIDRs; egress only).
     */
    public record ClusterPeer(Sel namespaces, Sel pods, List<String> networks) {
        public ClusterPeer {
            networks = networks == null ? List.of() : List.copyOf(networks);
        }

        public boolean isNetworks() {
            return !networks.isEmpty();
        }

        ObjectNode json() {
            ObjectNode node = Manifests.JSON.createObjectNode();
            if (isNetworks()) {
                networks.forEach(node.putArray("networks")::add);
            } else if (pods == null) {
                node.set("namespaces", namespaces.json());
            } else {
                ObjectNode selected = node.putObject("pods");
                selected.set("namespaceSelector", namespaces.json());
                selected.set("podSelector", pods.json());
            }
            return node;
        }

        List<ClusterPeer> shrinks() {
            List<ClusterPeer> out = new ArrayList<>();
            if (isNetworks()) {
                without(networks).stream().filter(n -> !n.isEmpty()).forEach(n -> out.add(new ClusterPeer(null, null, n)));
                return out;
            }
            if (pods != null) {
                out.add(new ClusterPeer(namespaces, null, null));
                pods.shrinks().forEach(s -> out.add(new ClusterPeer(namespaces, s, null)));
            }
            namespaces.shrinks().forEach(s -> out.add(new ClusterPeer(s, pods, null)));
            return out;
        }

        @Override
        public String toString() {
            if (isNetworks()) {
                return "networks " + networks;
            }
            return pods == null ? "namespaces " + namespaces : "pods " + pods + " in namespaces " + namespaces;
        }
    }

    /**
     * A cluster-wide port entry: {@code name} (a named port, any protocol), or a protocol (null: left out, which
     * v1alpha1 defaults to TCP; ClusterNetworkPolicy always names it) with a number, or a range number..end.
     */
    public record ClusterPort(String protocol, Integer number, Integer end, String name) {
        ObjectNode json(ClusterKind kind) {
            ObjectNode node = Manifests.JSON.createObjectNode();
            if (kind == ClusterKind.CNP) {
                if (name != null) {
                    node.put("destinationNamedPort", name);
                    return node;
                }
                ObjectNode port = node.putObject(protocol.toLowerCase(java.util.Locale.ROOT)).putObject("destinationPort");
                if (end == null) {
                    port.put("number", number);
                } else {
                    port.putObject("range").put("start", number).put("end", end);
                }
                return node;
            }
            if (name != null) {
                node.put("namedPort", name);
                return node;
            }
            ObjectNode port = end == null ? node.putObject("portNumber").put("port", number)
                    : node.putObject("portRange").put("start", number).put("end", end);
            if (protocol != null) {
                port.put("protocol", protocol);
            }
            return node;
        }

        @Override
        public String toString() {
            if (name != null) {
                return "named " + name;
            }
            return (protocol == null ? "(TCP)" : protocol) + "/" + number + (end == null ? "" : "-" + end);
        }
    }

    /** A cluster-wide rule: an action word as the manifest spells it, peers (at least one), ports (none: every port). */
    public record ClusterRule(String action, List<ClusterPeer> peers, List<ClusterPort> ports) {
        public ClusterRule {
            peers = List.copyOf(peers);
            ports = List.copyOf(ports);
        }

        ObjectNode json(ClusterKind kind, String peerField) {
            ObjectNode node = Manifests.JSON.createObjectNode().put("action", action);
            peers.forEach(p -> node.withArray(peerField).add(p.json()));
            if (!ports.isEmpty()) {
                ports.forEach(p -> node.withArray(kind == ClusterKind.CNP ? "protocols" : "ports").add(p.json(kind)));
            }
            return node;
        }

        List<ClusterRule> shrinks() {
            List<ClusterRule> out = new ArrayList<>();
            without(peers).stream().filter(p -> !p.isEmpty()).forEach(p -> out.add(new ClusterRule(action, p, ports)));
            without(ports).forEach(p -> out.add(new ClusterRule(action, peers, p)));
            each(peers, ClusterPeer::shrinks).forEach(p -> out.add(new ClusterRule(action, p, ports)));
            return out;
        }

        @Override
        public String toString() {
            return "{" + action + " peers " + peers + ", ports " + (ports.isEmpty() ? "any" : ports) + "}";
        }
    }

    /**
     * A ClusterNetworkPolicy ({@code tier} Admin or Baseline), AdminNetworkPolicy ({@code tier} Admin) or
     * BaselineAdminNetworkPolicy ({@code tier} Baseline, no priority: {@code priority} null). The subject is
     * {@code subjectNamespaces} alone (the {@code namespaces} subject) or, when {@code subjectPods} is not null,
     * both (the {@code pods} subject).
     */
    public record ClusterPolicy(ClusterKind kind, String name, String tier, Integer priority, Sel subjectNamespaces,
            Sel subjectPods, List<ClusterRule> ingress, List<ClusterRule> egress) {
        public ClusterPolicy {
            ingress = List.copyOf(ingress);
            egress = List.copyOf(egress);
        }

        public ObjectNode manifest() {
            ObjectNode node = Manifests.JSON.createObjectNode();
            node.put("apiVersion", kind.apiVersion).put("kind", kind.kind);
            node.putObject("metadata").put("name", name);
            ObjectNode spec = node.putObject("spec");
            if (kind == ClusterKind.CNP) {
                spec.put("tier", tier);
            }
            if (priority != null) {
                spec.put("priority", priority);
            }
            ObjectNode subject = spec.putObject("subject");
            if (subjectPods == null) {
                subject.set("namespaces", subjectNamespaces.json());
            } else {
                ObjectNode pods = subject.putObject("pods");
                pods.set("namespaceSelector", subjectNamespaces.json());
                pods.set("podSelector", subjectPods.json());
            }
            if (!ingress.isEmpty()) {
                ingress.forEach(r -> spec.withArray("ingress").add(r.json(kind, "from")));
            }
            if (!egress.isEmpty()) {
                egress.forEach(r -> spec.withArray("egress").add(r.json(kind, "to")));
            }
            return node;
        }

        public List<ClusterPolicy> shrinks() {
            List<ClusterPolicy> out = new ArrayList<>();
            without(ingress).forEach(r -> out.add(with(r, egress)));
            without(egress).forEach(r -> out.add(with(ingress, r)));
            each(ingress, ClusterRule::shrinks).forEach(r -> out.add(with(r, egress)));
            each(egress, ClusterRule::shrinks).forEach(r -> out.add(with(ingress, r)));
            if (subjectPods != null) {
                out.add(new ClusterPolicy(kind, name, tier, priority, subjectNamespaces, null, ingress, egress));
                subjectPods.shrinks().forEach(s -> out.add(new ClusterPolicy(kind, name, tier, priority,
                        subjectNamespaces, s, ingress, egress)));
            }
            subjectNamespaces.shrinks().forEach(s -> out.add(new ClusterPolicy(kind, name, tier, priority, s,
                    subjectPods, ingress, egress)));
            return out;
        }

        private ClusterPolicy with(List<ClusterRule> newIngress, List<ClusterRule> newEgress) {
            return new ClusterPolicy(kind, name, tier, priority, subjectNamespaces, subjectPods, newIngress, newEgress);
        }

        @Override
        public String toString() {
            return kind + " " + name + " tier " + tier + (priority == null ? "" : " priority " + priority) + " subject "
                    + (subjectPods == null ? "namespaces " + subjectNamespaces
                            : "pods " + subjectPods + " in namespaces " + subjectNamespaces)
                    + " ingress " + ingress + " egress " + egress;
        }
    }

    /** {@code list} without one element, for each element. */
    public static <T> List<List<T>> without(List<T> list) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            List<T> fewer = new ArrayList<>(list);
            fewer.remove(i);
            out.add(List.copyOf(fewer));
        }
        return out;
    }

    /** {@code list} with one element replaced by one of its shrinks, for each element and shrink. */
    public static <T> List<List<T>> each(List<T> list, Function<T, List<T>> shrinks) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            for (T smaller : shrinks.apply(list.get(i))) {
                List<T> changed = new ArrayList<>(list);
                changed.set(i, smaller);
                out.add(List.copyOf(changed));
            }
        }
        return out;
    }
}

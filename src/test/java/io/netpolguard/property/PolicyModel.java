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
 * NetworkPolicies as plain data, as generators make them and a reader of the API documentation sees them, with
 * their manifests ({@link Policy#manifest()}) for the code under test. Every list may shrink element by element.
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

package io.netpolguard.netpol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a ClusterNetworkPolicy (v1alpha2, v1beta1), AdminNetworkPolicy or BaselineAdminNetworkPolicy (v1alpha1)
 * into a {@link ClusterPolicy}. These objects exist in the cluster, so what cannot be read is unknown, not absent:
 * a rule that cannot be read may match ({@link ClusterRule#unreadable()}), and a subject that cannot be read may be
 * any pod. Messages name the field: {@code spec.egress[0].to[1].networks[0]}.
 */
public final class ClusterPolicyCompiler {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private ClusterPolicyCompiler() {
    }

    /** The kind of a manifest or admission object when it is one of the cluster-wide kinds this reads. */
    public static Optional<ClusterPolicyKind> kindOf(String apiVersion, String kind) {
        return ClusterPolicyKind.ofKind(kind)
                .filter(k -> apiVersion != null && apiVersion.startsWith(ClusterPolicyKind.GROUP + "/"));
    }

    /** @throws InvalidPolicyException only when the object has no name */
    public static ClusterPolicy compile(ClusterPolicyKind kind, JsonNode object) {
        String name = object.path("metadata").path("name").asText("");
        if (name.isBlank()) {
            throw new InvalidPolicyException(kind.kind() + "/<unnamed>", "metadata.name is missing");
        }
        JsonNode spec = object.path("spec");
        List<String> problems = new ArrayList<>();
        Tier tier = tier(kind, spec, problems);
        int priority = priority(kind, spec, problems);
        Selector namespaces;
        Selector pods;
        try {
            JsonNode subject = spec.path("subject");
            JsonNode[] chosen = exactlyOne(subject, "spec.subject", List.of("namespaces", "pods"));
            if (chosen[0] != null) {
                namespaces = selector(chosen[0], "spec.subject.namespaces");
                pods = null;
            } else {
                namespaces = selector(chosen[1].path("namespaceSelector"), "spec.subject.pods.namespaceSelector");
                pods = selector(chosen[1].path("podSelector"), "spec.subject.pods.podSelector");
            }
        } catch (IllegalArgumentException e) {
            String problem = e.getMessage() + "; taken to apply to every pod, with rules that cannot be read";
            problems.add(problem);
            return new ClusterPolicy(kind, name, tier, priority, Selector.EVERYTHING, null,
                    unreadableRules(kind, Direction.INGRESS, spec.path("ingress"), e.getMessage()),
                    unreadableRules(kind, Direction.EGRESS, spec.path("egress"), e.getMessage()), problems);
        }
        List<ClusterRule> ingress = rules(kind, Direction.INGRESS, spec.path("ingress"), problems);
        List<ClusterRule> egress = rules(kind, Direction.EGRESS, spec.path("egress"), problems);
        return new ClusterPolicy(kind, name, tier, priority, namespaces, pods, ingress, egress, problems);
    }

    private static Tier tier(ClusterPolicyKind kind, JsonNode spec, List<String> problems) {
        return switch (kind) {
            case ADMIN_NETWORK_POLICY -> Tier.ADMIN;
            case BASELINE_ADMIN_NETWORK_POLICY -> Tier.BASELINE;
            case CLUSTER_NETWORK_POLICY -> {
                String text = spec.path("tier").asText("");
                if (text.equals("Baseline")) {
                    yield Tier.BASELINE;
                }
                if (!text.equals("Admin")) {
                    // the stricter reading: an Admin rule overrides NetworkPolicy
                    problems.add("spec.tier: '" + text + "' is not Admin or Baseline; read as Admin");
                }
                yield Tier.ADMIN;
            }
        };
    }

    private static int priority(ClusterPolicyKind kind, JsonNode spec, List<String> problems) {
        if (kind == ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY) {
            return 0;
        }
        JsonNode priority = spec.path("priority");
        if (!priority.canConvertToInt() || !priority.isIntegralNumber() || priority.asInt() < 0 || priority.asInt() > 1000) {
            problems.add("spec.priority: '" + priority.asText("") + "' is not a number from 0 to 1000; read as 0");
            return 0;
        }
        return priority.asInt();
    }

    private static List<ClusterRule> rules(ClusterPolicyKind kind, Direction direction, JsonNode rules,
            List<String> problems) {
        List<ClusterRule> compiled = new ArrayList<>();
        if (!rules.isArray()) {
            String problem = notAList(rules, "spec." + direction.field());
            if (problem == null) {
                return compiled;
            }
            problems.add(problem);
            compiled.add(ClusterRule.unreadable(direction, 0, "", null, problem));
            return compiled;
        }
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            String path = "spec." + direction.field() + "[" + i + "]";
            String name = rule.path("name").asText("");
            RuleAction action = action(kind, rule.path("action").asText(""));
            try {
                if (action == null) {
                    throw new IllegalArgumentException(path + ".action: '" + rule.path("action").asText("")
                            + "' is not one of " + String.join(", ", actionWords(kind)));
                }
                String peerField = direction == Direction.INGRESS ? "from" : "to";
                List<Peer> peers = peers(rule.path(peerField), path + "." + peerField, direction);
                List<PortMatch> ports = kind == ClusterPolicyKind.CLUSTER_NETWORK_POLICY
                        ? protocols(rule.path("protocols"), path + ".protocols")
                        : ports(rule.path("ports"), path + ".ports");
                compiled.add(new ClusterRule(direction, i, name, action, peers, ports, null));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                compiled.add(ClusterRule.unreadable(direction, i, name, action, e.getMessage()));
            }
        }
        return compiled;
    }

    private static List<ClusterRule> unreadableRules(ClusterPolicyKind kind, Direction direction, JsonNode rules,
            String problem) {
        List<ClusterRule> compiled = new ArrayList<>();
        if (!rules.isArray()) {
            if (notAList(rules, "spec." + direction.field()) != null) {
                compiled.add(ClusterRule.unreadable(direction, 0, "", null, problem));
            }
            return compiled;
        }
        for (int i = 0; i < rules.size(); i++) {
            compiled.add(ClusterRule.unreadable(direction, i, rules.get(i).path("name").asText(""),
                    action(kind, rules.get(i).path("action").asText("")), problem));
        }
        return compiled;
    }

    private static RuleAction action(ClusterPolicyKind kind, String text) {
        if (text.equals(kind.allowWord())) {
            return RuleAction.ACCEPT;
        }
        if (text.equals("Deny")) {
            return RuleAction.DENY;
        }
        if (text.equals("Pass") && kind != ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY) {
            return RuleAction.PASS;
        }
        return null;
    }

    private static List<String> actionWords(ClusterPolicyKind kind) {
        return kind == ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY ? List.of(kind.allowWord(), "Deny")
                : List.of(kind.allowWord(), "Deny", "Pass");
    }

    private static List<Peer> peers(JsonNode peers, String path, Direction direction) {
        if (!peers.isArray() || peers.isEmpty()) {
            throw new IllegalArgumentException(path + ": needs at least one peer");
        }
        List<String> fields = direction == Direction.INGRESS ? List.of("namespaces", "pods")
                : List.of("namespaces", "pods", "nodes", "networks", "domainNames");
        List<Peer> compiled = new ArrayList<>();
        for (int i = 0; i < peers.size(); i++) {
            String where = path + "[" + i + "]";
            JsonNode[] chosen = exactlyOne(peers.get(i), where, fields);
            if (chosen[0] != null) {
                compiled.add(new Peer.Pods(null, selector(chosen[0], where + ".namespaces"), null));
            } else if (chosen[1] != null) {
                compiled.add(new Peer.Pods(selector(chosen[1].path("podSelector"), where + ".pods.podSelector"),
                        selector(chosen[1].path("namespaceSelector"), where + ".pods.namespaceSelector"), null));
            } else if (chosen[2] != null) {
                compiled.add(new Peer.Nodes(selector(chosen[2], where + ".nodes")));
            } else if (chosen[3] != null) {
                compiled.addAll(networks(chosen[3], where + ".networks"));
            } else {
                compiled.add(new Peer.DomainNames(texts(chosen[4], where + ".domainNames")));
            }
        }
        return compiled;
    }

    private static List<Peer> networks(JsonNode networks, String where) {
        List<String> texts = texts(networks, where);
        List<Peer> compiled = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            try {
                compiled.add(new Peer.IpBlock(Cidr.parse(texts.get(i)), List.of()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "[" + i + "]: " + e.getMessage());
            }
        }
        return compiled;
    }

    private static List<String> texts(JsonNode list, String where) {
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException(where + ": needs at least one entry");
        }
        List<String> texts = new ArrayList<>();
        list.forEach(item -> texts.add(item.asText("")));
        return texts;
    }

    /** ClusterNetworkPolicy: each entry one of tcp, udp, sctp (a port, a range, or every port) or a named port. */
    private static List<PortMatch> protocols(JsonNode protocols, String path) {
        List<PortMatch> compiled = new ArrayList<>();
        requireList(protocols, path);
        for (int i = 0; i < protocols.size(); i++) {
            String where = path + "[" + i + "]";
            JsonNode[] chosen = exactlyOne(protocols.get(i), where, List.of("tcp", "udp", "sctp", "destinationNamedPort"));
            if (chosen[3] != null) {
                compiled.add(PortMatch.namedAnyProtocol(portName(chosen[3].asText(""), where + ".destinationNamedPort")));
                continue;
            }
            Protocol protocol = chosen[0] != null ? Protocol.TCP : chosen[1] != null ? Protocol.UDP : Protocol.SCTP;
            JsonNode match = chosen[0] != null ? chosen[0] : chosen[1] != null ? chosen[1] : chosen[2];
            String field = where + "." + protocol.name().toLowerCase(java.util.Locale.ROOT) + ".destinationPort";
            JsonNode port = match.path("destinationPort");
            if (port.isMissingNode() || port.isNull()) {
                compiled.add(PortMatch.allPorts(protocol));
            } else if (port.has("range")) {
                compiled.add(range(protocol, port.path("range"), field + ".range"));
            } else {
                int number = number(port.path("number"), field + ".number");
                compiled.add(PortMatch.range(protocol, number, number));
            }
        }
        return compiled;
    }

    /** v1alpha1: each entry one of portNumber, portRange (protocol TCP unless given) or namedPort. */
    private static List<PortMatch> ports(JsonNode ports, String path) {
        List<PortMatch> compiled = new ArrayList<>();
        requireList(ports, path);
        for (int i = 0; i < ports.size(); i++) {
            String where = path + "[" + i + "]";
            JsonNode[] chosen = exactlyOne(ports.get(i), where, List.of("portNumber", "portRange", "namedPort"));
            if (chosen[2] != null) {
                compiled.add(PortMatch.namedAnyProtocol(portName(chosen[2].asText(""), where + ".namedPort")));
            } else if (chosen[1] != null) {
                compiled.add(range(protocol(chosen[1].path("protocol"), where + ".portRange.protocol"), chosen[1],
                        where + ".portRange"));
            } else {
                int number = number(chosen[0].path("port"), where + ".portNumber.port");
                Protocol protocol = protocol(chosen[0].path("protocol"), where + ".portNumber.protocol");
                compiled.add(PortMatch.range(protocol, number, number));
            }
        }
        return compiled;
    }

    /** Null when the field is a list, absent or null; else the problem. */
    private static String notAList(JsonNode node, String where) {
        return node.isArray() || node.isMissingNode() || node.isNull() ? null : where + ": is not a list";
    }

    private static void requireList(JsonNode node, String where) {
        String problem = notAList(node, where);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    private static PortMatch range(Protocol protocol, JsonNode range, String where) {
        int start = number(range.path("start"), where + ".start");
        int end = number(range.path("end"), where + ".end");
        if (start > end) {
            throw new IllegalArgumentException(where + ": start " + start + " is above end " + end);
        }
        return PortMatch.range(protocol, start, end);
    }

    private static Protocol protocol(JsonNode protocol, String where) {
        String text = protocol.asText("TCP");
        if (!List.of("TCP", "UDP", "SCTP").contains(text)) {
            throw new IllegalArgumentException(where + ": '" + text + "' is not TCP, UDP or SCTP");
        }
        return Protocol.parse(text);
    }

    private static int number(JsonNode number, String where) {
        if (!number.isIntegralNumber() || number.asInt() < 1 || number.asInt() > 65535) {
            throw new IllegalArgumentException(where + ": '" + number.asText("") + "' is not a port number (1-65535)");
        }
        return number.asInt();
    }

    private static String portName(String name, String where) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException(where + ": is empty");
        }
        return name;
    }

    /** The entry of {@code fields} that is set, at its index; anything else set, or nothing, cannot be read. */
    private static JsonNode[] exactlyOne(JsonNode object, String where, List<String> fields) {
        if (!object.isObject()) {
            throw new IllegalArgumentException(where + ": is not an object");
        }
        JsonNode[] chosen = new JsonNode[fields.size()];
        List<String> set = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isNull()) {
                continue;
            }
            set.add(field.getKey());
            int index = fields.indexOf(field.getKey());
            if (index < 0) {
                throw new IllegalArgumentException(where + ": '" + field.getKey() + "' is not one of "
                        + String.join(", ", fields) + " (a newer API version?)");
            }
            chosen[index] = field.getValue();
        }
        if (set.size() != 1) {
            throw new IllegalArgumentException(where + ": needs exactly one of " + String.join(", ", fields)
                    + (set.isEmpty() ? "" : ", has " + String.join(", ", set)));
        }
        return chosen;
    }

    private static Selector selector(JsonNode selector, String where) {
        if (selector.isMissingNode() || selector.isNull()) {
            return Selector.EVERYTHING;
        }
        try {
            return Selector.compile(JSON.treeToValue(selector, LabelSelector.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": is not a label selector");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }
}

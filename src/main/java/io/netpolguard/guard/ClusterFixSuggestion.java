package io.netpolguard.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netpolguard.dynatrace.Component;
import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.FlowEnd;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.ClusterDecision;
import io.netpolguard.netpol.ClusterPolicyKind;
import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.ExternalEndpoint;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.RuleAction;
import io.netpolguard.netpol.SideVerdict;
import io.netpolguard.netpol.Tier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * For a flow a cluster-wide rule denies, no NetworkPolicy helps: the fix is a rule the cluster admin adds to the
 * denying policy just before the denying rule, narrowed to the flow's peer and ports. Accept (Allow) settles the
 * side; Pass hands it to NetworkPolicy (Admin tier only).
 */
final class ClusterFixSuggestion {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClusterFixSuggestion() {
    }

    static List<String> lines(RequiredFlow flow, FlowConnection connection, SideVerdict side) {
        ClusterDecision decision = side.cluster();
        ClusterPolicyKind kind = decision.policy().kind();
        Direction direction = side.direction();
        FlowEnd peer = direction == Direction.EGRESS ? connection.destination() : connection.source();
        List<String> lines = new ArrayList<>();
        String tier = decision.tier() == Tier.ADMIN ? "the Admin tier, before any NetworkPolicy"
                : "the Baseline tier, with no NetworkPolicy isolating the pod";
        lines.add("  fix: " + decision.describe() + " denies it in " + tier + "; a NetworkPolicy "
                + (decision.tier() == Tier.ADMIN ? "cannot allow it." : "selecting the pod would take the decision, "
                + "but would also isolate it."));
        Object peers = peers(kind, direction, peer);
        if (peers == null) {
            lines.add("    no " + direction.field() + " rule of a " + kind.kind() + " can name " + peer.endpoint().displayName()
                    + " (ingress peers are pods and namespaces only); narrow or remove " + decision.describe());
            return lines;
        }
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("name", "allow-" + flow.id().replace("->", "-to-"));
        rule.put("action", decision.policy().actionWord(RuleAction.ACCEPT));
        rule.put(direction == Direction.EGRESS ? "to" : "from", peers);
        rule.put(kind == ClusterPolicyKind.CLUSTER_NETWORK_POLICY ? "protocols" : "ports", ports(kind, flow, connection));
        lines.add("    the cluster admin can add this rule to " + decision.policy().id() + " spec." + direction.field()
                + ", just before " + decision.rule().path() + (decision.tier() == Tier.ADMIN
                        ? " (or the same rule with action Pass, to let NetworkPolicy decide)" : "") + ":");
        try {
            lines.add("    " + JSON.writeValueAsString(rule));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return lines;
    }

    /** Peers naming the flow's other end, or null when the direction's peers cannot name it. */
    private static Object peers(ClusterPolicyKind kind, Direction direction, FlowEnd end) {
        if (end.endpoint() instanceof PodEndpoint pod && !pod.hostNetwork()) {
            Map<String, Object> pods = new LinkedHashMap<>();
            pods.put("namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", pod.namespace())));
            pods.put("podSelector", Component.MONITORED_APPS.id().equals(end.role()) || end.selector().isEmpty()
                    ? Map.of() : Map.of("matchLabels", new java.util.TreeMap<>(end.selector()))); // same order every run
            return List.of(Map.of("pods", pods));
        }
        if (direction == Direction.INGRESS) {
            return null;
        }
        List<String> networks = new ArrayList<>();
        // exactly the addresses, as the fewest networks that hold them (a DaemonSet's thousand nodes are a handful)
        Cidr.coveringExactly(end.endpoint().addresses()).forEach(cidr -> networks.add(cidr.notation()));
        if (end.endpoint() instanceof ExternalEndpoint external) {
            external.ranges().forEach(range -> networks.add(range.toString()));
            if (networks.isEmpty()) {
                return kind == ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY
                        ? List.of(Map.of("networks", List.of("<address of " + external.host() + ">/32")))
                        : List.of(Map.of("domainNames", List.of(external.host())));
            }
        }
        if (networks.isEmpty()) {
            networks.add("<node address>/32");
        }
        return List.of(Map.of("networks", networks));
    }

    private static List<Map<String, Object>> ports(ClusterPolicyKind kind, RequiredFlow flow, FlowConnection connection) {
        Set<String> seen = new LinkedHashSet<>();
        List<Map<String, Object>> ports = new ArrayList<>();
        for (FlowConnection other : flow.connections()) {
            if (!other.source().endpoint().equals(connection.source().endpoint())
                    || !other.destination().endpoint().equals(connection.destination().endpoint())) {
                continue;
            }
            String protocol = other.connection().protocol().name();
            int port = other.connection().port();
            if (!seen.add(protocol + "/" + port)) {
                continue;
            }
            if (kind == ClusterPolicyKind.CLUSTER_NETWORK_POLICY) {
                ports.add(Map.of(protocol.toLowerCase(java.util.Locale.ROOT), Map.of("destinationPort", Map.of("number", port))));
            } else {
                Map<String, Object> number = new LinkedHashMap<>();
                number.put("protocol", protocol);
                number.put("port", port);
                ports.add(Map.of("portNumber", number));
            }
        }
        return ports;
    }
}

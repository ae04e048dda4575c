package io.netpolguard.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.netpolguard.dynatrace.Component;
import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.FlowEnd;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.ExternalEndpoint;
import io.netpolguard.netpol.PodEndpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The smallest NetworkPolicy that would allow a blocked flow on one side: egress from the source's
 * pods, or ingress to the destination's pods, for the flow's ports only.
 */
final class FixSuggestion {
    private static final YAMLMapper YAML = YAMLMapper.builder(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .disable(SerializationFeature.INDENT_OUTPUT).build();
    private static final ObjectMapper ONE_LINE = new ObjectMapper();

    private FixSuggestion() {
    }

    /** How a suggested policy is printed. */
    enum Style {
        /** Block YAML, for reading in a terminal. */
        YAML,
        /** One line of JSON (valid YAML too, for {@code kubectl apply -f -}), for long admission messages. */
        ONE_LINE
    }

    /** A policy allowing the flow from {@code source} to {@code destination} on {@code direction}'s side. */
    static String policy(RequiredFlow flow, Direction direction, FlowEnd source, FlowEnd destination, Style style) {
        FlowEnd subject = direction == Direction.EGRESS ? source : destination;
        return write("allow-" + flow.id().replace("->", "-to-") + "-" + direction.field(), direction,
                ((PodEndpoint) subject.endpoint()).namespace(), selector(List.of(subject.selector())),
                peers(direction == Direction.EGRESS ? destination : source), ports(flow, source, destination), style);
    }

    /**
     * One policy allowing several flows blocked for one reason: their pods (one namespace) to or from the same peer,
     * on every port any of them needs. The pod selector keeps the labels the pods share and lists the values of the
     * keys they all have with different values.
     */
    static String policy(List<FlowResult> flows, List<FlowConnection> connections, Direction direction, Style style) {
        FlowConnection first = connections.get(0);
        FlowEnd peer = direction == Direction.EGRESS ? first.destination() : first.source();
        List<Map<String, String>> selectors = new ArrayList<>();
        List<Map<String, Object>> ports = new ArrayList<>();
        for (int i = 0; i < flows.size(); i++) {
            FlowConnection connection = connections.get(i);
            selectors.add((direction == Direction.EGRESS ? connection.source() : connection.destination()).selector());
            ports(flows.get(i).flow(), connection.source(), connection.destination()).stream()
                    .filter(p -> !ports.contains(p)).forEach(ports::add);
        }
        FlowEnd subject = direction == Direction.EGRESS ? first.source() : first.destination();
        String name = direction == Direction.EGRESS ? "allow-egress-to-" + peer.role() : "allow-ingress-from-" + peer.role();
        return write(name, direction, ((PodEndpoint) subject.endpoint()).namespace(), selector(selectors), peers(peer),
                ports, style);
    }

    private static String write(String name, Direction direction, String namespace, Map<String, Object> podSelector,
            List<Map<String, Object>> peers, List<Map<String, Object>> ports, Style style) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put(direction == Direction.EGRESS ? "to" : "from", peers);
        rule.put("ports", ports);

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("podSelector", podSelector);
        spec.put("policyTypes", List.of(direction == Direction.EGRESS ? "Egress" : "Ingress"));
        spec.put(direction.field(), List.of(rule));

        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("apiVersion", "networking.k8s.io/v1");
        policy.put("kind", "NetworkPolicy");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("namespace", namespace);
        policy.put("metadata", metadata);
        policy.put("spec", spec);
        try {
            return style == Style.YAML ? YAML.writeValueAsString(policy).stripTrailing()
                    : ONE_LINE.writeValueAsString(policy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** matchLabels for what every selector shares, matchExpressions In for keys all have with different values. */
    private static Map<String, Object> selector(List<Map<String, String>> selectors) {
        Map<String, String> shared = new TreeMap<>(selectors.get(0));
        Map<String, Set<String>> differing = new TreeMap<>();
        for (String key : selectors.get(0).keySet()) {
            Set<String> values = new TreeSet<>();
            boolean everywhere = true;
            for (Map<String, String> selector : selectors) {
                everywhere &= selector.containsKey(key);
                if (selector.containsKey(key)) {
                    values.add(selector.get(key));
                }
            }
            if (!everywhere || values.size() > 1) {
                shared.remove(key);
            }
            if (everywhere && values.size() > 1) {
                differing.put(key, values);
            }
        }
        Map<String, Object> selector = new LinkedHashMap<>();
        if (!shared.isEmpty()) {
            selector.put("matchLabels", shared);
        }
        if (!differing.isEmpty()) {
            List<Map<String, Object>> expressions = new ArrayList<>();
            differing.forEach((key, values) -> {
                Map<String, Object> expression = new LinkedHashMap<>();
                expression.put("key", key);
                expression.put("operator", "In");
                expression.put("values", List.copyOf(values));
                expressions.add(expression);
            });
            selector.put("matchExpressions", expressions);
        }
        return selector;
    }

    /** Selectors for pods; an ipBlock per address for hosts and host-network pods, which selectors never match. */
    private static List<Map<String, Object>> peers(FlowEnd end) {
        if (end.endpoint() instanceof PodEndpoint pod && pod.hostNetwork()) {
            if (pod.addresses().isEmpty()) {
                return List.of(Map.of("ipBlock", Map.of("cidr", "<node address>/32")));
            }
            // the nodes' addresses as the fewest networks that hold exactly them: a DaemonSet on a thousand nodes
            return Cidr.coveringExactly(pod.addresses()).stream().map(FixSuggestion::ipBlock).toList();
        }
        if (end.endpoint() instanceof PodEndpoint pod) {
            Map<String, Object> peer = new LinkedHashMap<>();
            peer.put("namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", pod.namespace())));
            if (!Component.MONITORED_APPS.id().equals(end.role()) && !end.selector().isEmpty()) {
                peer.put("podSelector", Map.of("matchLabels", new TreeMap<>(end.selector()))); // same order every run
            }
            return List.of(peer);
        }
        ExternalEndpoint external = (ExternalEndpoint) end.endpoint();
        if (external.unresolved()) {
            return List.of(Map.of("ipBlock", Map.of("cidr", "<address of " + external.host() + ">/32")));
        }
        // every address and range the connection may use, or the fix would leave some of them blocked
        List<Map<String, Object>> peers = new ArrayList<>();
        Cidr.coveringExactly(external.addresses()).forEach(cidr -> peers.add(ipBlock(cidr)));
        external.ranges().forEach(range -> peers.add(Map.of("ipBlock", Map.of("cidr", range.toString()))));
        return peers;
    }

    private static Map<String, Object> ipBlock(Cidr cidr) {
        return Map.of("ipBlock", Map.of("cidr", cidr.notation()));
    }

    private static List<Map<String, Object>> ports(RequiredFlow flow, FlowEnd source, FlowEnd destination) {
        Set<String> seen = new LinkedHashSet<>();
        List<Map<String, Object>> ports = new ArrayList<>();
        flow.connections().stream()
                .filter(c -> c.source().endpoint().equals(source.endpoint())
                        && c.destination().endpoint().equals(destination.endpoint()))
                .forEach(c -> {
                    if (seen.add(c.connection().protocol() + "/" + c.connection().port())) {
                        Map<String, Object> port = new LinkedHashMap<>();
                        port.put("protocol", c.connection().protocol().name());
                        port.put("port", c.connection().port());
                        ports.add(port);
                    }
                });
        return ports;
    }
}

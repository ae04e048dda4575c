package io.netpolguard.dynatrace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The flows the Dynatrace Operator needs, loaded from {@code flows.yaml} (data, not code). */
public final class FlowCatalogue {
    private static final String RESOURCE = "/io/netpolguard/dynatrace/flows.yaml";
    private static final Pattern FIXED_PORT = Pattern.compile("(TCP|UDP|SCTP)/\\d{1,5}");
    private static final Set<String> SYMBOLIC_PORTS = Set.of("peer", "webhook-port", "guard-port", "telemetry-protocols",
            "app-ports");
    /** What {@link RequiredFlows#facts} and {@link RequiredFlows#edgeConnectFacts} can say; docs/flows.md explains each. */
    static final Set<String> FACTS = Set.of("csi", "activegate", "injection", "code-modules-image",
            "host-oneagent", "extensions", "prometheus", "sql-executor", "otel-collector", "telemetry-ingest", "kspm",
            "log-monitoring", "metadata-enrichment", "otlp-exporter", "in-cluster-proxy", "kubernetes-automation",
            "provisioner", "default-image");

    private final List<FlowDefinition> flows;

    private FlowCatalogue(List<FlowDefinition> flows) {
        this.flows = List.copyOf(flows);
    }

    public static FlowCatalogue standard() {
        try (InputStream in = FlowCatalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("flow catalogue " + RESOURCE + " is missing from the build");
            }
            return parse(new YAMLMapper().readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read flow catalogue " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** Parses and validates a catalogue; every problem names the flow. */
    public static FlowCatalogue parse(JsonNode root) {
        List<FlowDefinition> flows = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode node : root.path("flows")) {
            String id = node.path("id").asText("");
            String from = node.path("from").asText("");
            String to = node.path("to").asText("");
            String where = "flow '" + id + "'";
            if (!ids.add(id)) {
                throw new IllegalArgumentException(where + " is listed twice");
            }
            if (!id.equals(from + "->" + to)) {
                throw new IllegalArgumentException(where + " must be named " + from + "->" + to);
            }
            requireEnd(from, where);
            requireEnd(to, where);
            List<String> ports = new ArrayList<>();
            for (JsonNode port : node.path("ports")) {
                String value = port.asText();
                if (!FIXED_PORT.matcher(value).matches() && !SYMBOLIC_PORTS.contains(value)) {
                    throw new IllegalArgumentException(where + " has port '" + value + "'");
                }
                ports.add(value);
            }
            if (ports.isEmpty()) {
                throw new IllegalArgumentException(where + " has no ports");
            }
            List<Set<String>> when = new ArrayList<>();
            for (JsonNode alternative : node.path("when")) {
                Set<String> facts = new LinkedHashSet<>();
                for (JsonNode fact : alternative) {
                    String value = fact.asText();
                    String bare = value.startsWith("!") ? value.substring(1) : value;
                    if (!FACTS.contains(bare) && !(bare.startsWith("capability:")
                            && DynaKubeReader.CAPABILITIES.contains(bare.substring("capability:".length())))) {
                        throw new IllegalArgumentException(where + " has unknown fact '" + value + "'");
                    }
                    facts.add(value);
                }
                when.add(Set.copyOf(facts));
            }
            FlowDefinition.Scope scope;
            try {
                scope = FlowDefinition.Scope.valueOf(node.path("scope").asText("").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + " has scope '" + node.path("scope").asText() + "'");
            }
            Severity severity;
            try {
                severity = Severity.parse(node.path("severity").asText(""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + " has " + e.getMessage());
            }
            flows.add(new FlowDefinition(id, from, to, List.copyOf(ports), scope, List.copyOf(when), severity));
        }
        return new FlowCatalogue(flows);
    }

    private static void requireEnd(String end, String where) {
        if (Component.byId(end) == null && PeerKind.byId(end) == null) {
            throw new IllegalArgumentException(where + " has unknown end '" + end + "'");
        }
    }

    public List<FlowDefinition> flows() {
        return flows;
    }

    public Optional<FlowDefinition> flow(String id) {
        return flows.stream().filter(f -> f.id().equals(id)).findFirst();
    }
}

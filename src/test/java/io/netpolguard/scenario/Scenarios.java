package io.netpolguard.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.netpolguard.dynatrace.FlowCatalogue;
import io.netpolguard.dynatrace.HostResolver;
import io.netpolguard.dynatrace.Severity;
import io.netpolguard.guard.GuardSettings;
import io.netpolguard.guard.Mode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds and loads the scenarios under {@code src/test/resources/scenarios} (see its README.md). A
 * scenario is a directory with a {@code scenario.yaml}; directories whose name starts with {@code _}
 * hold shared base clusters and are not scenarios.
 */
public final class Scenarios {
    public static final String RESOURCE_ROOT = "scenarios";
    private static final Set<String> KEYS = Set.of("description", "clusters", "hosts", "settings", "allowed", "decision",
            "blockedFlows", "warningsStartWith", "messageContains", "exemption", "exemptedBy", "check");
    private static final Set<String> SETTINGS_KEYS = Set.of("mode", "dynakubeMode", "edgeconnectMode", "flows");
    private static final Set<String> FLOW_KEYS = Set.of("mode", "severity");
    private static final YAMLMapper YAML = new YAMLMapper();

    private Scenarios() {
    }

    /** The scenarios directory (on the test class path, else in the source tree). */
    public static Path root() {
        URL url = Scenarios.class.getClassLoader().getResource(RESOURCE_ROOT);
        if (url != null && "file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        Path source = Path.of("src/test/resources", RESOURCE_ROOT);
        if (Files.isDirectory(source)) {
            return source;
        }
        throw new IllegalStateException("no scenarios directory on the class path or at " + source.toAbsolutePath());
    }

    /** Every scenario, sorted by name. */
    public static List<Scenario> all() {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("_"))
                    .sorted().map(Scenarios::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Scenario named(String name) {
        return load(root().resolve(name));
    }

    /** Loads one scenario directory; every mistake in the fixture fails with the scenario's name. */
    public static Scenario load(Path directory) {
        String name = directory.getFileName().toString();
        try {
            return parse(directory, name);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("scenario " + name + ": " + e.getMessage(), e);
        }
    }

    private static Scenario parse(Path directory, String name) {
        Path file = directory.resolve("scenario.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no scenario.yaml");
        }
        if (!Files.isRegularFile(directory.resolve(Scenario.REQUEST_FILE))) {
            throw new IllegalArgumentException("no " + Scenario.REQUEST_FILE);
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("scenario.yaml: " + e.getMessage());
        }
        requireKeys(root, KEYS, "scenario.yaml");
        String description = root.path("description").asText("");
        if (description.isBlank() || description.contains("\n")) {
            throw new IllegalArgumentException("description must be one line");
        }

        List<Path> clusters = new ArrayList<>();
        for (JsonNode entry : root.path("clusters")) {
            Path base = root().resolve(entry.asText()).normalize();
            if (!Files.isDirectory(base)) {
                throw new IllegalArgumentException("clusters: " + entry.asText() + " is not a directory under " + root());
            }
            clusters.add(base);
        }
        Path own = directory.resolve("cluster");
        if (Files.isDirectory(own)) {
            clusters.add(own);
        }
        if (clusters.isEmpty()) {
            throw new IllegalArgumentException("neither clusters: nor a cluster/ directory");
        }

        Map<String, List<InetAddress>> hosts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("hosts").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            String value = entry.getValue().isArray() ? String.join(",", strings(entry.getValue()))
                    : entry.getValue().asText();
            var mapping = HostResolver.parseHostMapping(entry.getKey() + "=" + value);
            hosts.put(mapping.getKey(), mapping.getValue());
        }

        if (!root.path("allowed").isBoolean()) {
            throw new IllegalArgumentException("allowed must be true or false");
        }
        Map<String, String> check = new LinkedHashMap<>();
        root.path("check").fields().forEachRemaining(e -> check.put(e.getKey(), e.getValue().asText()));
        Expectation expectation = new Expectation(root.path("allowed").asBoolean(), root.path("decision").asText(""),
                strings(root.path("blockedFlows")), strings(root.path("warningsStartWith")),
                strings(root.path("messageContains")), root.hasNonNull("exemption") ? root.get("exemption").asText() : null,
                root.hasNonNull("exemptedBy") ? root.get("exemptedBy").asText() : null, check);
        return new Scenario(name, directory, description, List.copyOf(clusters), Map.copyOf(hosts),
                settings(root.path("settings")), expectation);
    }

    /** {@code settings:} as GuardSettings; flow ids must exist in the catalogue. */
    static GuardSettings settings(JsonNode node) {
        GuardSettings defaults = GuardSettings.defaults();
        if (node.isMissingNode() || node.isNull()) {
            return defaults;
        }
        requireKeys(node, SETTINGS_KEYS, "settings");
        Map<String, Mode> modes = new HashMap<>();
        Map<String, Severity> severities = new HashMap<>();
        FlowCatalogue catalogue = FlowCatalogue.standard();
        node.path("flows").fields().forEachRemaining(entry -> {
            if (catalogue.flow(entry.getKey()).isEmpty()) {
                throw new IllegalArgumentException("settings.flows: no flow has the id " + entry.getKey());
            }
            requireKeys(entry.getValue(), FLOW_KEYS, "settings.flows." + entry.getKey());
            if (entry.getValue().hasNonNull("mode")) {
                modes.put(entry.getKey(), Mode.parse(entry.getValue().get("mode").asText()));
            }
            if (entry.getValue().hasNonNull("severity")) {
                severities.put(entry.getKey(), Severity.parse(entry.getValue().get("severity").asText()));
            }
        });
        return new GuardSettings(mode(node, "mode", defaults.mode()), modes, severities,
                mode(node, "dynakubeMode", defaults.dynaKubeMode()), mode(node, "edgeconnectMode", defaults.edgeConnectMode()));
    }

    private static Mode mode(JsonNode node, String field, Mode fallback) {
        return node.hasNonNull(field) ? Mode.parse(node.get(field).asText()) : fallback;
    }

    private static void requireKeys(JsonNode node, Set<String> allowed, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be a map");
        }
        node.fieldNames().forEachRemaining(key -> {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(where + ": unknown key '" + key + "' (known: "
                        + allowed.stream().sorted().toList() + ")");
            }
        });
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        node.forEach(v -> values.add(v.asText()));
        return values;
    }
}

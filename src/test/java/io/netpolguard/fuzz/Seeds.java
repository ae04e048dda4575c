package io.netpolguard.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.scenario.Scenarios;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The valid inputs the fuzzers start from: the AdmissionReview requests of the scenarios and webhook fixtures, and
 * the manifests of the scenarios, the conformance fixtures, the manifest-reading fixtures and the operator samples.
 * Also the dictionary the mutations draw on: every field name and string value found in them.
 */
public final class Seeds {
    /** A seed: where it came from and its parsed content. */
    public record Seed(String name, JsonNode node) {
    }

    private static List<Seed> reviews;
    private static List<Seed> manifestFiles;
    private static List<Seed> objects;
    private static List<String> fieldNames;
    private static final java.util.Map<Set<String>, List<Seed>> byKind = new java.util.HashMap<>();
    private static List<String> strings;

    private Seeds() {
    }

    /** src/test/resources as on the test class path. */
    public static Path resources() {
        return Scenarios.root().getParent();
    }

    /** Every AdmissionReview fixture. */
    public static synchronized List<Seed> reviews() {
        if (reviews == null) {
            List<Seed> found = new ArrayList<>();
            for (Path file : files(resources().resolve("scenarios"), p -> p.getFileName().toString().equals("request.json"))) {
                found.add(new Seed(resources().relativize(file).toString(), json(file)));
            }
            for (Path file : files(resources().resolve("webhook"), p -> p.toString().endsWith(".json"))) {
                found.add(new Seed(resources().relativize(file).toString(), json(file)));
            }
            reviews = List.copyOf(found);
        }
        return reviews;
    }

    /** Every manifest file, as an array of its documents. */
    public static synchronized List<Seed> manifestFiles() {
        if (manifestFiles == null) {
            List<Seed> found = new ArrayList<>();
            for (String root : List.of("scenarios", "manifests", "operator-samples", "conformance")) {
                for (Path file : Manifests.files(List.of(resources().resolve(root)))) {
                    if (file.getFileName().toString().equals("request.json")) {
                        continue;
                    }
                    ArrayNode documents = JsonNodeFactory.instance.arrayNode();
                    try {
                        Manifests.read(file).forEach(d -> documents.add(d.node()));
                    } catch (RuntimeException e) {
                        continue; // a fixture that is broken on purpose
                    }
                    if (!documents.isEmpty()) {
                        found.add(new Seed(resources().relativize(file).toString(), documents));
                    }
                }
            }
            manifestFiles = List.copyOf(found);
        }
        return manifestFiles;
    }

    /** Every Kubernetes object in the manifests and in the reviews' object and oldObject. */
    public static synchronized List<Seed> objects() {
        if (objects == null) {
            List<Seed> found = new ArrayList<>();
            for (Seed file : manifestFiles()) {
                for (int i = 0; i < file.node().size(); i++) {
                    found.add(new Seed(file.name() + " #" + (i + 1), file.node().get(i)));
                }
            }
            for (Seed review : reviews()) {
                for (String field : List.of("object", "oldObject")) {
                    JsonNode object = review.node().path("request").path(field);
                    if (object.isObject()) {
                        found.add(new Seed(review.name() + " request." + field, object));
                    }
                }
            }
            objects = List.copyOf(found);
        }
        return objects;
    }

    /** The objects of the given kinds. */
    public static synchronized List<Seed> objects(String... kinds) {
        Set<String> wanted = Set.of(kinds);
        return byKind.computeIfAbsent(wanted, k -> {
            List<Seed> found = objects().stream().filter(s -> wanted.contains(s.node().path("kind").asText())).toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("no seed of kind " + wanted);
            }
            return found;
        });
    }

    /** Every field name in the seeds, sorted. */
    public static synchronized List<String> fieldNames() {
        if (fieldNames == null) {
            dictionary();
        }
        return fieldNames;
    }

    /** Every string value in the seeds, sorted. */
    public static synchronized List<String> strings() {
        if (strings == null) {
            dictionary();
        }
        return strings;
    }

    private static void dictionary() {
        Set<String> names = new TreeSet<>();
        Set<String> values = new TreeSet<>();
        List<JsonNode> roots = new ArrayList<>();
        reviews().forEach(s -> roots.add(s.node()));
        manifestFiles().forEach(s -> roots.add(s.node()));
        for (JsonNode root : roots) {
            collect(root, names, values);
        }
        fieldNames = List.copyOf(names);
        strings = List.copyOf(values);
    }

    private static void collect(JsonNode node, Set<String> names, Set<String> values) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(names::add);
        }
        if (node.isTextual() && node.asText().length() <= 200) {
            values.add(node.asText());
        }
        node.forEach(child -> collect(child, names, values));
    }

    private static JsonNode json(Path file) {
        try {
            return Manifests.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> files(Path root, Predicate<Path> wanted) {
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> files = new ArrayList<>(walk.filter(Files::isRegularFile).filter(wanted).sorted().toList());
            return Collections.unmodifiableList(new ArrayList<>(new LinkedHashSet<>(files)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

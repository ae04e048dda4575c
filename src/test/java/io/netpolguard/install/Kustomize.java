package io.netpolguard.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Just enough of kustomize to render {@code k8s/base} without a kustomize binary: {@code resources}
 * (files and directories with their own kustomization, recursively), {@code components}, and the two
 * transformations the base relies on, {@code namespace} and {@code labels}. Any other kustomization
 * field fails the rendering, so a base that starts to rely on more is noticed instead of being
 * rendered wrongly. Every file a kustomization lists must exist.
 */
final class Kustomize {
    static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "namespace", "labels", "resources",
            "components");
    /** Kinds without a namespace (the ones this project uses or could plausibly use). */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "CustomResourceDefinition",
            "ClusterIssuer", "PriorityClass", "StorageClass", "PersistentVolume", "APIService",
            "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
    private static final Set<String> POD_TEMPLATE_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet",
            "ReplicaSet", "Job");

    private Kustomize() {
    }

    /** The kustomization file of a directory. */
    static Path kustomizationFile(Path dir) {
        for (String name : List.of("kustomization.yaml", "kustomization.yml", "Kustomization")) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new AssertionError(dir + ": no kustomization.yaml");
    }

    static JsonNode kustomization(Path dir) {
        List<JsonNode> documents = documents(kustomizationFile(dir));
        if (documents.size() != 1) {
            throw new AssertionError(kustomizationFile(dir) + ": expected one document, found " + documents.size());
        }
        return documents.get(0);
    }

    /** Every object the kustomization in {@code dir} renders to. */
    static List<ObjectNode> render(Path dir) {
        JsonNode kustomization = kustomization(dir);
        kustomization.fieldNames().forEachRemaining(field -> {
            if (!SUPPORTED.contains(field)) {
                throw new AssertionError(kustomizationFile(dir) + ": field '" + field
                        + "' is not supported by the test renderer (io.netpolguard.install.Kustomize)");
            }
        });
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode entry : kustomization.path("resources")) {
            Path resource = dir.resolve(entry.asText()).normalize();
            if (Files.isDirectory(resource)) {
                objects.addAll(render(resource));
            } else if (Files.isRegularFile(resource)) {
                documents(resource).forEach(document -> objects.add((ObjectNode) document));
            } else {
                throw new AssertionError(kustomizationFile(dir) + ": resource " + entry.asText() + " does not exist");
            }
        }
        for (JsonNode entry : kustomization.path("components")) {
            Path component = dir.resolve(entry.asText()).normalize();
            if (!Files.isDirectory(component)) {
                throw new AssertionError(kustomizationFile(dir) + ": component " + entry.asText() + " does not exist");
            }
            if (!"Component".equals(kustomization(component).path("kind").asText())) {
                throw new AssertionError(component + ": not a kind: Component");
            }
            objects.addAll(render(component));
        }
        if (kustomization.hasNonNull("namespace")) {
            String namespace = kustomization.get("namespace").asText();
            for (ObjectNode object : objects) {
                if (!CLUSTER_SCOPED.contains(object.path("kind").asText())) {
                    ((ObjectNode) object.get("metadata")).put("namespace", namespace);
                }
            }
        }
        for (JsonNode labels : kustomization.path("labels")) {
            if (labels.path("includeSelectors").asBoolean(false)) {
                throw new AssertionError(kustomizationFile(dir) + ": labels with includeSelectors are not supported");
            }
            boolean templates = labels.path("includeTemplates").asBoolean(false);
            for (ObjectNode object : objects) {
                addLabels(child(object, "metadata"), labels.path("pairs"));
                if (templates && POD_TEMPLATE_KINDS.contains(object.path("kind").asText())) {
                    addLabels(child(child(child(object, "spec"), "template"), "metadata"), labels.path("pairs"));
                }
            }
        }
        return objects;
    }

    private static ObjectNode child(ObjectNode parent, String name) {
        JsonNode child = parent.get(name);
        return child instanceof ObjectNode object ? object : parent.putObject(name);
    }

    private static void addLabels(ObjectNode metadata, JsonNode pairs) {
        ObjectNode labels = child(metadata, "labels");
        for (Map.Entry<String, JsonNode> pair : pairs.properties()) {
            labels.put(pair.getKey(), pair.getValue().asText());
        }
    }

    /** The non-empty YAML documents of a file. */
    static List<JsonNode> documents(Path file) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    if (!document.isObject()) {
                        throw new AssertionError(file + ": a document is not an object");
                    }
                    documents.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        return documents;
    }

    /** The one object of this kind and name. */
    static ObjectNode find(List<ObjectNode> objects, String kind, String name) {
        List<ObjectNode> found = objects.stream()
                .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.path("metadata").path("name").asText()))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " " + name + ", found " + found.size());
        }
        return found.get(0);
    }

    static List<ObjectNode> ofKind(List<ObjectNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }
}

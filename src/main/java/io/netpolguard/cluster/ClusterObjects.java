package io.netpolguard.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The objects of a cluster by identity (API group, kind, namespace, name), each with where it was read: manifest files
 * or the API server ({@code stored}). Applying manifests on top works as {@code kubectl apply} would: an object with the
 * identity of one already there replaces it, a new one is added; an object annotated {@value #DELETE_ANNOTATION}
 * {@code "true"} removes the object of its identity instead.
 */
public final class ClusterObjects {
    public static final String DELETE_ANNOTATION = "netpol-guard.io/delete";
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "Node", "ClusterNetworkPolicy",
            "AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "CiliumClusterwideNetworkPolicy", "GlobalNetworkPolicy");

    /** One object: its document (node, origin, file and line) and whether the API server holds it. */
    public record Entry(Manifests.Document document, boolean stored) {
        public String group() {
            String apiVersion = document.node().path("apiVersion").asText("");
            return apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        }

        public String kind() {
            return document.node().path("kind").asText("");
        }

        public String namespace() {
            return namespaceOf(document.node());
        }

        public String name() {
            return document.node().path("metadata").path("name").asText("");
        }
    }

    private final Map<String, Entry> objects = new LinkedHashMap<>();
    /** Policy kinds (as explanations name them) whose objects could not be listed, with the resource RBAC forbids. */
    private final Map<String, String> unlistedKinds = new TreeMap<>();

    /** Every object of the manifest files and directories, in the order {@link Manifests#files} finds them. */
    public static ClusterObjects read(List<Path> roots) {
        ClusterObjects objects = new ClusterObjects();
        for (Path file : Manifests.files(roots)) {
            Manifests.read(file).forEach(document -> objects.put(new Entry(document, false)));
        }
        return objects;
    }

    /** Adds an object, replacing the one with the same identity. */
    public void put(Entry entry) {
        String identity = identity(entry.document().node());
        objects.remove(identity);
        objects.put(identity, entry);
    }

    /**
     * Notes a policy kind whose objects could not be listed ({@code resource}, as RBAC names it, is forbidden): any of
     * them may apply anywhere, so the snapshot calls every flow it could decide unverifiable. Manifests applied on top
     * do not change that.
     */
    public void unlisted(String kindLabel, String resource) {
        unlistedKinds.put(kindLabel, resource);
    }

    public Collection<Entry> all() {
        return List.copyOf(objects.values());
    }

    /**
     * These objects with {@code changes} applied on top. Deleting an object that is not there is bad input, as
     * {@code kubectl delete} of it would fail.
     */
    public ClusterObjects apply(ClusterObjects changes) {
        ClusterObjects result = new ClusterObjects();
        result.objects.putAll(objects);
        result.unlistedKinds.putAll(unlistedKinds);
        for (Entry change : changes.objects.values()) {
            JsonNode node = change.document().node();
            if ("true".equals(node.path("metadata").path("annotations").path(DELETE_ANNOTATION).asText())) {
                if (result.objects.remove(identity(node)) == null) {
                    throw new ManifestException(change.document().origin() + ": " + change.kind() + " " + qualified(change)
                            + " is annotated " + DELETE_ANNOTATION + " but is not in the cluster it is applied to");
                }
            } else {
                result.put(change);
            }
        }
        return result;
    }

    /** The object of this API group, kind, namespace (ignored for cluster-scoped kinds) and name. */
    public Optional<Entry> find(String group, String kind, String namespace, String name) {
        boolean clusterScoped = CLUSTER_SCOPED.contains(kind);
        return objects.values().stream().filter(e -> e.group().equals(group) && e.kind().equals(kind) && e.name().equals(name)
                && (clusterScoped || e.namespace().equals(namespace))).findFirst();
    }

    public ClusterSnapshot snapshot(Consumer<String> skipped) {
        SnapshotBuilder builder = new SnapshotBuilder(skipped);
        for (Entry entry : objects.values()) {
            if (entry.stored()) {
                builder.addStored(entry.document().node(), entry.document().origin());
            } else {
                builder.add(entry.document().node(), entry.document().origin());
            }
        }
        unlistedKinds.forEach(builder::addUnlisted);
        return builder.build();
    }

    private static String qualified(Entry entry) {
        return entry.namespace().isEmpty() ? entry.name() : entry.namespace() + "/" + entry.name();
    }

    /** {@code group/kind/namespace/name}; a namespaced object without a namespace is in {@code default}. */
    static String identity(JsonNode node) {
        String apiVersion = node.path("apiVersion").asText("");
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return group + "/" + node.path("kind").asText("") + "/" + namespaceOf(node) + "/"
                + node.path("metadata").path("name").asText("");
    }

    private static String namespaceOf(JsonNode node) {
        if (CLUSTER_SCOPED.contains(node.path("kind").asText(""))) {
            return "";
        }
        String namespace = node.path("metadata").path("namespace").asText("");
        return namespace.isEmpty() ? "default" : namespace;
    }
}

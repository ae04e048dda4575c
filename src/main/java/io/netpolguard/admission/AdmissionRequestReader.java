package io.netpolguard.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.Manifests;
import java.io.IOException;
import io.netpolguard.netpol.ClusterPolicyKind;
import java.util.Objects;
import java.util.Optional;

/** Reads an admission.k8s.io/v1 AdmissionReview into an {@link AdmissionRequest}. */
public final class AdmissionRequestReader {

    private AdmissionRequestReader() {
    }

    public static AdmissionRequest read(byte[] body) {
        JsonNode root;
        try {
            root = Manifests.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadAdmissionReviewException("body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadAdmissionReviewException("body cannot be read: " + e.getMessage());
        }
        return read(root);
    }

    public static AdmissionRequest read(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new BadAdmissionReviewException("body is not a JSON object");
        }
        String kind = root.path("kind").asText("");
        String apiVersion = root.path("apiVersion").asText("");
        if (!"AdmissionReview".equals(kind) || !"admission.k8s.io/v1".equals(apiVersion)) {
            throw new BadAdmissionReviewException("expected apiVersion admission.k8s.io/v1 and kind AdmissionReview, got "
                    + (apiVersion.isEmpty() ? "no apiVersion" : apiVersion) + " " + (kind.isEmpty() ? "and no kind" : kind));
        }
        JsonNode request = root.get("request");
        if (request == null || !request.isObject()) {
            throw new BadAdmissionReviewException("AdmissionReview has no request");
        }
        String uid = request.path("uid").asText("");
        if (uid.isBlank()) {
            throw new BadAdmissionReviewException("AdmissionReview request has no uid");
        }
        JsonNode gvk = request.path("kind");
        String group = gvk.path("group").asText("");
        String objectKind = gvk.path("kind").asText("");
        String operation = request.path("operation").asText("");
        String namespace = request.path("namespace").asText("");
        String name = request.path("name").asText("");
        JsonNode object = request.get("object");
        JsonNode oldObject = request.get("oldObject");
        if (name.isEmpty()) {
            JsonNode named = present(object) ? object : oldObject;
            name = present(named) ? named.path("metadata").path("name").asText("") : "";
        }
        boolean dryRun = request.path("dryRun").asBoolean(false);
        String user = request.path("userInfo").path("username").asText("");
        AdmissionRequest skipped = new AdmissionRequest(uid, objectKind, operation, namespace, name, dryRun, null, null, null,
                user);
        Change.Operation op;
        try {
            op = Change.Operation.valueOf(operation);
        } catch (IllegalArgumentException e) {
            return skip(skipped, "operation " + operation + " is not checked");
        }
        try {
            if ("networking.k8s.io".equals(group) && "NetworkPolicy".equals(objectKind)) {
                NetworkPolicy policy = op == Change.Operation.DELETE ? null : convert(object, NetworkPolicy.class, "object");
                NetworkPolicy old = present(oldObject) ? convert(oldObject, NetworkPolicy.class, "oldObject") : null;
                String ns = namespace.isEmpty() ? "default" : namespace;
                return with(skipped, new Change.PolicyChange(op, ns, name, policy, old));
            }
            if (group.isEmpty() && "Namespace".equals(objectKind)) {
                if (op != Change.Operation.UPDATE) {
                    return skip(skipped, "only Namespace UPDATE is checked");
                }
                Namespace updated = convert(object, Namespace.class, "object");
                Namespace old = present(oldObject) ? convert(oldObject, Namespace.class, "oldObject") : null;
                if (old != null && Objects.equals(labels(old), labels(updated))) {
                    return skip(skipped, "the namespace's labels did not change");
                }
                return with(skipped, new Change.NamespaceChange(op, name, updated, old));
            }
            Optional<ClusterPolicyKind> clusterKind = ClusterPolicyKind.ofKind(objectKind)
                    .filter(k -> ClusterPolicyKind.GROUP.equals(group));
            if (clusterKind.isPresent()) {
                GenericKubernetesResource resource = op == Change.Operation.DELETE ? null
                        : convert(object, GenericKubernetesResource.class, "object");
                GenericKubernetesResource old = present(oldObject)
                        ? convert(oldObject, GenericKubernetesResource.class, "oldObject") : null;
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("request.object has no metadata.name");
                }
                if (resource != null && resource.getMetadata().getName() == null) {
                    resource.getMetadata().setName(name);
                }
                return with(skipped, new Change.ClusterPolicyChange(op, clusterKind.get(), name, resource, old));
            }
            if ("dynatrace.com".equals(group) && ("DynaKube".equals(objectKind) || "EdgeConnect".equals(objectKind))) {
                if (op == Change.Operation.DELETE) {
                    return skip(skipped, "deleting a " + objectKind + " removes flows, it cannot block one");
                }
                GenericKubernetesResource resource = convert(object, GenericKubernetesResource.class, "object");
                GenericKubernetesResource old = present(oldObject)
                        ? convert(oldObject, GenericKubernetesResource.class, "oldObject") : null;
                String ns = namespace.isEmpty() ? "default" : namespace;
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("request.object has no metadata.name");
                }
                if (resource.getMetadata().getNamespace() == null) {
                    resource.getMetadata().setNamespace(ns);
                }
                if (resource.getMetadata().getName() == null) {
                    resource.getMetadata().setName(name);
                }
                return with(skipped, new Change.DynatraceChange(op, objectKind, ns, name, resource, old));
            }
        } catch (IllegalArgumentException e) {
            return new AdmissionRequest(uid, objectKind, operation, namespace, name, dryRun, null, null, e.getMessage(),
                    user);
        }
        return skip(skipped, (group.isEmpty() ? "" : group + "/") + objectKind + " is not checked");
    }

    private static Object labels(Namespace namespace) {
        return namespace.getMetadata() == null ? null : namespace.getMetadata().getLabels();
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    private static <T> T convert(JsonNode node, Class<T> type, String field) {
        if (!present(node) || !node.isObject()) {
            throw new IllegalArgumentException("request." + field + " is missing");
        }
        try {
            T value = Manifests.JSON.treeToValue(node, type);
            if (value instanceof io.fabric8.kubernetes.api.model.HasMetadata meta && meta.getMetadata() == null) {
                throw new IllegalArgumentException("request." + field + " has no metadata");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request." + field + " cannot be read as " + type.getSimpleName() + ": "
                    + e.getOriginalMessage());
        }
    }

    private static AdmissionRequest skip(AdmissionRequest request, String reason) {
        return new AdmissionRequest(request.uid(), request.kind(), request.operation(), request.namespace(), request.name(),
                request.dryRun(), null, reason, null, request.user());
    }

    private static AdmissionRequest with(AdmissionRequest request, Change change) {
        return new AdmissionRequest(request.uid(), request.kind(), request.operation(), request.namespace(), request.name(),
                request.dryRun(), change, null, null, request.user());
    }
}

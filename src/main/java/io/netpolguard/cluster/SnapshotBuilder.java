package io.netpolguard.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.netpolguard.netpol.ClusterPolicies;
import io.netpolguard.netpol.ClusterPolicy;
import io.netpolguard.netpol.ClusterPolicyCompiler;
import io.netpolguard.netpol.ClusterPolicyKind;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.UnevaluatedPolicy;
import io.netpolguard.netpol.InvalidPolicyException;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PolicyCompiler;
import io.netpolguard.netpol.PolicySet;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/** Collects Kubernetes objects into a {@link ClusterSnapshot}. Objects of kinds the checks do not use are skipped. */
public final class SnapshotBuilder {
    public static final String DYNATRACE_GROUP = "dynatrace.com";
    private static final Set<String> KINDS = Set.of("Namespace", "Pod", "Deployment", "StatefulSet",
            "DaemonSet", "ReplicaSet", "Job", "CronJob", "NetworkPolicy", "Service", "EndpointSlice", "Endpoints",
            "DynaKube", "EdgeConnect", "Node", "ClusterNetworkPolicy", "AdminNetworkPolicy",
            "BaselineAdminNetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy", "GlobalNetworkPolicy",
            "AuthorizationPolicy", "Sidecar");

    private final Map<String, NamespaceInfo> namespaces = new LinkedHashMap<>();
    private final List<PodEndpoint> pods = new ArrayList<>();
    private final Map<String, CompiledPolicy> policies = new LinkedHashMap<>();
    private final List<Service> services = new ArrayList<>();
    private final List<EndpointSlice> endpointSlices = new ArrayList<>();
    private final List<Endpoints> endpoints = new ArrayList<>();
    private final List<GenericKubernetesResource> dynaKubes = new ArrayList<>();
    private final List<GenericKubernetesResource> edgeConnects = new ArrayList<>();
    private final Set<InetAddress> nodeAddresses = new LinkedHashSet<>();
    private final Set<InetAddress> hostIps = new LinkedHashSet<>();
    private final Map<InetAddress, LabelSet> nodeLabels = new LinkedHashMap<>();
    private final Map<String, ClusterPolicy> clusterPolicies = new LinkedHashMap<>();
    private final List<UnevaluatedPolicy> unevaluated = new ArrayList<>();
    private final Map<String, Owner> owners = new LinkedHashMap<>();
    private final Consumer<String> skipped;

    /** @param skipped told about each object of a kind that is not read (for {@code --verbose}) */
    public SnapshotBuilder(Consumer<String> skipped) {
        this.skipped = skipped;
    }

    public SnapshotBuilder addFiles(List<Path> roots) {
        for (Path file : Manifests.files(roots)) {
            for (Manifests.Document document : Manifests.read(file)) {
                add(document.node(), document.origin());
            }
        }
        return this;
    }

    /** Adds one object given as a parsed document; {@code origin} names where it came from. */
    public SnapshotBuilder add(JsonNode node, String origin) {
        return add(node, origin, false);
    }

    /**
     * Adds an object the API server holds: read as the webhook reads it, so a NetworkPolicy rule that cannot be read
     * is unknown (a problem of the policy) rather than an error, and a Pod whose addresses or ports cannot be read
     * keeps its labels.
     */
    public SnapshotBuilder addStored(JsonNode node, String origin) {
        return add(node, origin, true);
    }

    private SnapshotBuilder add(JsonNode node, String origin, boolean stored) {
        String kind = node.path("kind").asText("");
        String apiVersion = node.path("apiVersion").asText("");
        String name = node.path("metadata").path("name").asText("");
        String label = kind.isEmpty() ? "object" : kind + (name.isEmpty() ? "" : " " + name);
        String where = origin + ": " + label;
        if (kind.isEmpty()) {
            throw new ManifestException(origin + ": object has no kind");
        }
        if (!KINDS.contains(kind)) {
            skipped.accept(where + ": skipped (kind " + kind + " is not used by the checks)");
            return this;
        }
        Optional<UnevaluatedKinds.Kind> unevaluatedKind = UnevaluatedKinds.of(apiVersion, kind);
        if (unevaluatedKind.isPresent()) {
            UnevaluatedKinds.read(unevaluatedKind.get(), node).ifPresent(unevaluated::add);
            return this;
        }
        if (name.isEmpty()) {
            throw new ManifestException(where + ": metadata.name is missing");
        }
        try {
            switch (kind) {
                case "Namespace" -> addNamespace(convert(node, Namespace.class));
                case "Pod" -> addPod(convert(node, Pod.class), stored);
                case "Node" -> addNode(convert(node, Node.class));
                case "Deployment" -> addWorkload(convert(node, Deployment.class), d -> d.getSpec() == null ? null : d.getSpec().getTemplate());
                case "StatefulSet" -> addWorkload(convert(node, StatefulSet.class), s -> s.getSpec() == null ? null : s.getSpec().getTemplate());
                case "DaemonSet" -> addWorkload(convert(node, DaemonSet.class), d -> d.getSpec() == null ? null : d.getSpec().getTemplate());
                case "ReplicaSet" -> addWorkload(convert(node, ReplicaSet.class), r -> r.getSpec() == null ? null : r.getSpec().getTemplate());
                case "Job" -> addWorkload(convert(node, Job.class), j -> j.getSpec() == null ? null : j.getSpec().getTemplate());
                case "CronJob" -> addWorkload(convert(node, CronJob.class), c -> c.getSpec() == null
                        || c.getSpec().getJobTemplate() == null || c.getSpec().getJobTemplate().getSpec() == null
                        ? null : c.getSpec().getJobTemplate().getSpec().getTemplate());
                case "NetworkPolicy" -> {
                    if (apiVersion.startsWith("networking.k8s.io/")) {
                        addPolicy(convert(node, NetworkPolicy.class), stored);
                    } else {
                        skipped.accept(where + ": skipped (apiVersion " + apiVersion + " is not networking.k8s.io)");
                    }
                }
                case "ClusterNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy" ->
                        addClusterPolicy(node, apiVersion, kind, where);
                case "Service" -> services.add(convert(node, Service.class));
                case "EndpointSlice" -> endpointSlices.add(convert(node, EndpointSlice.class));
                case "Endpoints" -> endpoints.add(convert(node, Endpoints.class));
                case "DynaKube" -> addDynatrace(node, apiVersion, dynaKubes, where);
                case "EdgeConnect" -> addDynatrace(node, apiVersion, edgeConnects, where);
                default -> skipped.accept(where + ": skipped (kind " + kind + " is not used by the checks)");
            }
        } catch (ManifestException e) {
            throw e;
        } catch (InvalidPolicyException e) {
            throw new ManifestException(origin + ": NetworkPolicy " + e.policyId() + ": " + e.problem());
        } catch (IllegalArgumentException e) {
            throw new ManifestException(where + ": " + rootMessage(e));
        }
        return this;
    }

    private void addDynatrace(JsonNode node, String apiVersion, List<GenericKubernetesResource> into, String where) {
        if (!apiVersion.startsWith(DYNATRACE_GROUP + "/")) {
            skipped.accept(where + ": skipped (apiVersion " + apiVersion + " is not " + DYNATRACE_GROUP + ")");
            return;
        }
        into.add(convert(node, GenericKubernetesResource.class));
    }

    private void addPod(Pod pod, boolean stored) {
        PodEndpoint endpoint = stored ? PodEndpoints.fromStoredPod(pod) : PodEndpoints.fromPod(pod);
        pods.add(endpoint);
        Owner.of(pod.getMetadata()).ifPresent(o -> owners.put(Owner.key(endpoint.namespace(), "Pod", endpoint.name()), o));
        NodeAddresses.hostIp(pod).ifPresent(hostIps::add);
    }

    private void addNamespace(Namespace namespace) {
        NamespaceInfo info = NamespaceInfo.of(namespace.getMetadata().getName(), namespace.getMetadata().getLabels(),
                namespace.getMetadata().getAnnotations());
        namespaces.put(info.name(), info);
    }

    private <T extends HasMetadata> void addWorkload(T workload, Function<T, PodTemplateSpec> template) {
        PodEndpoint endpoint = PodEndpoints.fromTemplate(workload.getKind(), workload.getMetadata(), template.apply(workload));
        pods.add(endpoint);
        Owner.of(workload.getMetadata()).ifPresent(o -> owners.put(Owner.key(endpoint.namespace(), endpoint.kind(),
                endpoint.name()), o));
    }

    private void addNode(Node node) {
        nodeAddresses.addAll(NodeAddresses.internalIps(node));
        LabelSet labels = NodeAddresses.labels(node);
        NodeAddresses.allIps(node).forEach(address -> nodeLabels.put(address, labels));
    }

    private void addClusterPolicy(JsonNode node, String apiVersion, String kind, String where) {
        Optional<ClusterPolicyKind> clusterKind = ClusterPolicyCompiler.kindOf(apiVersion, kind);
        if (clusterKind.isEmpty()) {
            skipped.accept(where + ": skipped (apiVersion " + apiVersion + " is not " + ClusterPolicyKind.GROUP + ")");
            return;
        }
        ClusterPolicy policy = ClusterPolicyCompiler.compile(clusterKind.get(), node);
        policy.problems().forEach(problem -> skipped.accept(where + ": cannot read " + problem
                + " (judged as possibly matching)"));
        clusterPolicies.put(policy.id(), policy);
    }

    private void addPolicy(NetworkPolicy policy, boolean stored) {
        CompiledPolicy compiled = stored ? PolicyCompiler.compileAsStored(policy) : PolicyCompiler.compile(policy);
        policies.put(compiled.id(), compiled);
    }

    private static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return ManifestFields.MAPPER.treeToValue(node, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot be read as " + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
    }

    private static String rootMessage(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Notes that the objects of a policy kind could not be listed (RBAC forbids listing {@code resource}): the kind is
     * unknown, so every flow it could decide is unverifiable.
     */
    public SnapshotBuilder addUnlisted(String kindLabel, String resource) {
        unevaluated.add(UnevaluatedKinds.unlisted(kindLabel, resource));
        return this;
    }

    public ClusterSnapshot build() {
        Map<String, NamespaceInfo> allNamespaces = new LinkedHashMap<>(namespaces);
        pods.forEach(p -> allNamespaces.computeIfAbsent(p.namespace(), NamespaceInfo::implicit));
        policies.values().forEach(p -> allNamespaces.computeIfAbsent(p.namespace(), NamespaceInfo::implicit));
        return new ClusterSnapshot(allNamespaces, PodIndex.of(pods, owners), PolicySet.of(policies.values()), services, endpointSlices,
                endpoints, dynaKubes, edgeConnects, List.copyOf(nodeAddresses.isEmpty() ? hostIps : nodeAddresses),
                nodeLabels, new ClusterPolicies(clusterPolicies.values()), unevaluated);
    }
}

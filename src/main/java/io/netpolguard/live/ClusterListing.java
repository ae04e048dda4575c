package io.netpolguard.live;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.netpolguard.cluster.ClusterObjects;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.UnevaluatedKinds;
import io.netpolguard.netpol.ClusterPolicyKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The live cluster read once, for a command: the kinds the webhook's informers read (Namespaces, Pods, Services,
 * Nodes, NetworkPolicies, the EndpointSlices of Service default/kubernetes, DynaKubes, EdgeConnects, the
 * network-policy-api kinds, and the Cilium, Calico and Istio kinds it does not evaluate), listed in pages into the
 * objects a snapshot is built from. Custom kinds are found through API discovery, which every authenticated user may
 * read, so reading CustomResourceDefinitions is not needed.
 *
 * <p>A kind the user may not list is a problem of the listing when the verdicts can do without it (Services,
 * EndpointSlices, Nodes, DynaKubes, EdgeConnects: flows that need them become unverifiable or are not found). An
 * optional policy kind (network-policy-api, Cilium, Calico, Istio) the user may not list is a problem too, and unknown,
 * as the webhook counts it: every flow it could decide is unverifiable. Without Namespaces, Pods or NetworkPolicies no
 * verdict could be trusted, so the listing stops there instead.
 */
public final class ClusterListing {
    private static final long PAGE = 500L;

    /** The objects read, what could not be read, and which API server. */
    public record Result(ClusterObjects objects, List<String> problems, String server) {
    }

    /**
     * A custom kind, found through discovery; {@code versions} are preferred when served. {@code policyLabel} names a
     * policy kind as explanations do (unknown when it may not be listed); null for DynaKubes and EdgeConnects.
     */
    private record CustomKind(String group, String kind, String plural, boolean namespaced, List<String> versions,
            String policyLabel) {
    }

    /** What a kind the user may not list means for the verdicts. */
    private enum Need {
        /** Without it no verdict could be trusted: the listing stops. */
        REQUIRED,
        /** A policy kind: unknown, every flow it could decide is unverifiable. */
        POLICY,
        /** Flows that need it are judged without it. */
        HELPFUL
    }

    private final KubernetesClient client;
    private final String server;
    private final ClusterObjects objects = new ClusterObjects();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Set<String>> resourcesByGroupVersion = new HashMap<>();

    private ClusterListing(KubernetesClient client) {
        this.client = client;
        this.server = client.getMasterUrl().toString().replaceAll("/$", "");
    }

    /** Reads the cluster of {@code --kubeconfig}/{@code --context} (see {@link KubeClients#open}). */
    public static Result read(Path kubeconfig, String context) {
        try (KubernetesClient client = KubeClients.open(kubeconfig, context)) {
            return read(client);
        }
    }

    public static Result read(KubernetesClient client) {
        return new ClusterListing(client).readAll();
    }

    private Result readAll() {
        Map<String, APIGroup> groups = new HashMap<>();
        call("API discovery", () -> client.getApiGroups()).getGroups().forEach(g -> groups.put(g.getName(), g));
        list("v1", "Namespace", "namespaces", Need.REQUIRED, o -> client.namespaces().list(o));
        list("v1", "Pod", "pods", Need.REQUIRED, o -> client.pods().inAnyNamespace().list(o));
        list("v1", "Service", "services", Need.HELPFUL, o -> client.services().inAnyNamespace().list(o));
        list("v1", "Node", "nodes", Need.HELPFUL, o -> client.nodes().list(o));
        list("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", Need.REQUIRED,
                o -> client.network().v1().networkPolicies().inAnyNamespace().list(o));
        list("discovery.k8s.io/v1", "EndpointSlice", "endpointslices in namespace default", Need.HELPFUL,
                o -> client.discovery().v1().endpointSlices().inNamespace("default")
                        .withLabel("kubernetes.io/service-name", "kubernetes").list(o));
        for (CustomKind kind : customKinds()) {
            APIGroup group = groups.get(kind.group());
            String version = group == null ? null : servedVersion(group, kind);
            if (version != null) {
                ResourceDefinitionContext context = new ResourceDefinitionContext.Builder().withGroup(kind.group())
                        .withVersion(version).withKind(kind.kind()).withPlural(kind.plural())
                        .withNamespaced(kind.namespaced()).build();
                var resources = client.genericKubernetesResources(context);
                String resource = kind.plural() + "." + kind.group();
                boolean listed = list(kind.group() + "/" + version, kind.kind(), resource,
                        kind.policyLabel() == null ? Need.HELPFUL : Need.POLICY,
                        o -> kind.namespaced() ? resources.inAnyNamespace().list(o) : resources.list(o));
                if (!listed && kind.policyLabel() != null) {
                    objects.unlisted(kind.policyLabel(), resource);
                }
            }
        }
        return new Result(objects, List.copyOf(problems), server);
    }

    private static List<CustomKind> customKinds() {
        List<CustomKind> kinds = new ArrayList<>();
        kinds.add(new CustomKind("dynatrace.com", "DynaKube", "dynakubes", true, List.of(), null));
        kinds.add(new CustomKind("dynatrace.com", "EdgeConnect", "edgeconnects", true, List.of(), null));
        for (ClusterPolicyKind kind : ClusterPolicyKind.values()) {
            kinds.add(new CustomKind(ClusterPolicyKind.GROUP, kind.kind(), kind.plural(), false, kind.versions(),
                    kind.kind()));
        }
        for (UnevaluatedKinds.Kind kind : UnevaluatedKinds.KINDS) {
            kinds.add(new CustomKind(kind.group(), kind.kind(), kind.plural(), kind.namespaced(), List.of(), kind.label()));
        }
        return kinds;
    }

    /** The first of the kind's versions that serves it, else the group's preferred version, else any that does. */
    private String servedVersion(APIGroup group, CustomKind kind) {
        Set<String> candidates = new LinkedHashSet<>();
        List<String> served = group.getVersions().stream().map(GroupVersionForDiscovery::getVersion).toList();
        kind.versions().stream().filter(served::contains).forEach(candidates::add);
        if (group.getPreferredVersion() != null) {
            candidates.add(group.getPreferredVersion().getVersion());
        }
        candidates.addAll(served);
        for (String version : candidates) {
            if (resources(kind.group() + "/" + version).contains(kind.plural())) {
                return version;
            }
        }
        return null;
    }

    private Set<String> resources(String groupVersion) {
        return resourcesByGroupVersion.computeIfAbsent(groupVersion, gv -> {
            var list = call("API discovery of " + gv, () -> client.getApiResources(gv));
            Set<String> names = new LinkedHashSet<>();
            if (list != null) {
                list.getResources().stream().map(APIResource::getName).forEach(names::add);
            }
            return names;
        });
    }

    /**
     * Lists one kind page by page into the objects; a kind the user may not list is a problem, or the end when it is
     * required. False when it could not be listed.
     */
    private boolean list(String apiVersion, String kind, String what, Need need,
            Function<ListOptions, ? extends KubernetesResourceList<?>> lister) {
        String token = null;
        do {
            ListOptions options = new ListOptionsBuilder().withLimit(PAGE).withContinue(token).build();
            KubernetesResourceList<?> page;
            try {
                page = lister.apply(options);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 403 || e.getCode() == 404) {
                    String problem = "cannot list " + what + ": " + statusMessage(e);
                    if (need == Need.REQUIRED && e.getCode() == 403) {
                        throw new UnreadableClusterException(problem + "; without them no flow can be judged");
                    }
                    if (e.getCode() == 403) {
                        // what an unknown policy kind means is the snapshot's problem (Guard#problems)
                        problems.add(need == Need.POLICY ? problem : problem + " (flows that need them are judged "
                                + "without them)");
                    }
                    return e.getCode() != 403;
                }
                throw failure("listing " + what, e);
            }
            for (Object item : page.getItems()) {
                ObjectNode node = Manifests.JSON.valueToTree(item);
                node.put("apiVersion", apiVersion);
                node.put("kind", kind);
                objects.put(new ClusterObjects.Entry(new Manifests.Document(node, server, null, 0), true));
            }
            token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (token != null && !token.isEmpty());
        return true;
    }

    private <T> T call(String what, java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return null;
            }
            throw failure(what, e);
        }
    }

    /** One line: the API server cannot be reached, refused the credentials, or answered with an error. */
    private UnreadableClusterException failure(String what, KubernetesClientException e) {
        if (e.getCode() <= 0) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String cause = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            return new UnreadableClusterException("cannot reach the Kubernetes API server at " + server + ": " + cause);
        }
        if (e.getCode() == 401) {
            return new UnreadableClusterException("the Kubernetes API server at " + server
                    + " did not accept the credentials (401 Unauthorized)");
        }
        return new UnreadableClusterException(what + " at " + server + " failed (HTTP " + e.getCode() + "): "
                + statusMessage(e));
    }

    private static String statusMessage(KubernetesClientException e) {
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
        return message == null ? "no message" : message.lines().findFirst().orElse("");
    }
}

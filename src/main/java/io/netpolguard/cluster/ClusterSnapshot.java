package io.netpolguard.cluster;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.NamespaceDirectory;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.PolicySet;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The world the checks see, immutable. Pods and workload templates are kept as
 * {@link PodEndpoint}s (labels, addresses, ports), not as whole objects. Changes produce new
 * snapshots that share what they do not touch. {@code nodeAddresses} are the InternalIPs of the
 * Nodes (or, lacking Node objects, the pods' host IPs): where kubelets listen and host-network pods
 * connect from.
 */
public record ClusterSnapshot(Map<String, NamespaceInfo> namespaces, PodIndex pods, PolicySet policies,
        List<Service> services, List<EndpointSlice> endpointSlices, List<Endpoints> endpoints,
        List<GenericKubernetesResource> dynaKubes, List<GenericKubernetesResource> edgeConnects,
        List<InetAddress> nodeAddresses) implements NamespaceDirectory {

    public static final ClusterSnapshot EMPTY = new ClusterSnapshot(Map.of(), PodIndex.EMPTY, PolicySet.EMPTY, List.of(),
            List.of(), List.of(), List.of(), List.of(), List.of());

    public ClusterSnapshot {
        namespaces = Map.copyOf(namespaces);
        services = List.copyOf(services);
        endpointSlices = List.copyOf(endpointSlices);
        endpoints = List.copyOf(endpoints);
        dynaKubes = List.copyOf(dynaKubes);
        edgeConnects = List.copyOf(edgeConnects);
        nodeAddresses = List.copyOf(nodeAddresses);
    }

    @Override
    public LabelSet labelsOf(String namespace) {
        NamespaceInfo info = namespaces.get(namespace);
        return info != null ? info.labels() : NamespaceInfo.implicit(namespace).labels();
    }

    public Optional<NamespaceInfo> namespace(String name) {
        return Optional.ofNullable(namespaces.get(name));
    }

    /** The ClusterIP of Service default/kubernetes, if known (for the hint that policies see its endpoints). */
    public InetAddress apiServerClusterIp() {
        return services.stream()
                .filter(s -> "kubernetes".equals(s.getMetadata().getName())
                        && "default".equals(s.getMetadata().getNamespace() == null ? "default" : s.getMetadata().getNamespace()))
                .map(s -> s.getSpec() == null ? null : s.getSpec().getClusterIP())
                .map(ip -> IpAddresses.parse(ip).orElse(null))
                .filter(Objects::nonNull).findFirst().orElse(null);
    }

    public PolicyEngine engine() {
        return new PolicyEngine(policies, this, pods.families());
    }

    /** The Pod (not workload) with this namespace and name. */
    public Optional<PodEndpoint> pod(String namespace, String name) {
        return pods.pod(namespace, name);
    }

    public ClusterSnapshot withPolicies(PolicySet newPolicies) {
        return new ClusterSnapshot(namespaces, pods, newPolicies, services, endpointSlices, endpoints, dynaKubes,
                edgeConnects, nodeAddresses);
    }

    public ClusterSnapshot withNamespaces(Map<String, NamespaceInfo> newNamespaces) {
        return new ClusterSnapshot(newNamespaces, pods, policies, services, endpointSlices, endpoints, dynaKubes,
                edgeConnects, nodeAddresses);
    }

    public ClusterSnapshot withDynatrace(List<GenericKubernetesResource> newDynaKubes,
            List<GenericKubernetesResource> newEdgeConnects) {
        return new ClusterSnapshot(namespaces, pods, policies, services, endpointSlices, endpoints, newDynaKubes,
                newEdgeConnects, nodeAddresses);
    }
}

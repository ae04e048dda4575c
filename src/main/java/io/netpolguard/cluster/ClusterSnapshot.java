package io.netpolguard.cluster;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.ClusterPolicies;
import io.netpolguard.netpol.DecisionMemory;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.LabelIndex;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.NamespaceDirectory;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.PolicySet;
import io.netpolguard.netpol.Selector;
import io.netpolguard.netpol.UnevaluatedPolicy;
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
 * connect from; {@code nodeLabels} the labels of the Node each address (of any type) belongs to, for cluster-wide
 * node peers. {@code clusterPolicies} are the Admin and Baseline tiers; {@code unevaluatedPolicies} policies of
 * kinds the guard does not evaluate. {@code engine} is the snapshot's policy engine, made once when first asked for
 * (not part of what the snapshot is: every two engines are equal for {@code equals}).
 */
public record ClusterSnapshot(Map<String, NamespaceInfo> namespaces, PodIndex pods, PolicySet policies,
        List<Service> services, List<EndpointSlice> endpointSlices, List<Endpoints> endpoints,
        List<GenericKubernetesResource> dynaKubes, List<GenericKubernetesResource> edgeConnects,
        List<InetAddress> nodeAddresses, Map<InetAddress, LabelSet> nodeLabels, ClusterPolicies clusterPolicies,
        List<UnevaluatedPolicy> unevaluatedPolicies, EngineCell engineCell) implements NamespaceDirectory {

    public static final ClusterSnapshot EMPTY = new ClusterSnapshot(Map.of(), PodIndex.EMPTY, PolicySet.EMPTY, List.of(),
            List.of(), List.of(), List.of(), List.of(), List.of(), Map.of(), ClusterPolicies.NONE, List.of());

    public ClusterSnapshot(Map<String, NamespaceInfo> namespaces, PodIndex pods, PolicySet policies,
            List<Service> services, List<EndpointSlice> endpointSlices, List<Endpoints> endpoints,
            List<GenericKubernetesResource> dynaKubes, List<GenericKubernetesResource> edgeConnects,
            List<InetAddress> nodeAddresses, Map<InetAddress, LabelSet> nodeLabels, ClusterPolicies clusterPolicies,
            List<UnevaluatedPolicy> unevaluatedPolicies) {
        this(namespaces, pods, policies, services, endpointSlices, endpoints, dynaKubes, edgeConnects, nodeAddresses,
                nodeLabels, clusterPolicies, unevaluatedPolicies, new EngineCell(null, null));
    }

    /**
     * Holds a snapshot's engine once made. A snapshot made from another by a change starts with the other's engine
     * when the change leaves policies, namespaces and nodes alone, and otherwise with the decisions its engine has made
     * already ({@link DecisionMemory}): never with a reference to the other snapshot, so no chain of old snapshots stays
     * reachable.
     */
    public static final class EngineCell {
        private final DecisionMemory inherited;
        private volatile PolicyEngine engine;

        private EngineCell(PolicyEngine engine, DecisionMemory inherited) {
            this.engine = engine;
            this.inherited = inherited;
        }

        /**
         * A cell for a snapshot made from {@code before}'s by any change (policies, namespaces, pods): its engine starts
         * with the decisions {@code before}'s has made.
         */
        public static EngineCell after(ClusterSnapshot before) {
            return new EngineCell(null, before.engineCell.decisions());
        }

        /**
         * A cell for a snapshot projected from {@code before}'s for one admission decision: its engine reads the
         * decisions {@code before}'s has made and keeps those about policy lists only its change makes to itself
         * ({@link DecisionMemory#forOneChange}).
         */
        public static EngineCell projected(ClusterSnapshot before) {
            DecisionMemory decisions = before.engineCell.decisions();
            return new EngineCell(null, decisions == null ? null : decisions.forOneChange());
        }

        /** The decisions this cell's engine has made, or those it starts with while not made; null for none. */
        private DecisionMemory decisions() {
            PolicyEngine made = engine;
            return made == null ? inherited : made.decisionMemory();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof EngineCell;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    public ClusterSnapshot {
        namespaces = Map.copyOf(namespaces);
        services = List.copyOf(services);
        endpointSlices = List.copyOf(endpointSlices);
        endpoints = List.copyOf(endpoints);
        dynaKubes = List.copyOf(dynaKubes);
        edgeConnects = List.copyOf(edgeConnects);
        nodeAddresses = List.copyOf(nodeAddresses);
        nodeLabels = Map.copyOf(nodeLabels);
        unevaluatedPolicies = List.copyOf(unevaluatedPolicies);
    }

    /**
     * The namespaces and nodes of a snapshot, all its engine and verdicts need of it: a verdict kept for a later
     * snapshot (pod changes keep the verdicts of connections that stay) must not keep this one's pods reachable.
     */
    private record Directory(Map<String, NamespaceInfo> namespaces, Map<InetAddress, LabelSet> nodeLabels)
            implements NamespaceDirectory {
        @Override
        public boolean nodesKnown() {
            return !nodeLabels.isEmpty();
        }

        @Override
        public LabelSet nodeLabelsAt(InetAddress address) {
            return nodeLabels.get(address);
        }

        @Override
        public boolean anyNodeIn(Cidr range, Selector selector) {
            return nodeLabels.entrySet().stream().anyMatch(e -> range.contains(e.getKey()) && selector.matches(e.getValue()));
        }

        @Override
        public LabelSet labelsOf(String namespace) {
            return labelsIn(namespaces, namespace);
        }
    }

    /** The labels of {@code namespace}: its object's, else those the API server would give it. */
    private static LabelSet labelsIn(Map<String, NamespaceInfo> namespaces, String namespace) {
        NamespaceInfo info = namespaces.get(namespace);
        return info != null ? info.labels() : NamespaceInfo.implicit(namespace).labels();
    }

    @Override
    public boolean nodesKnown() {
        return new Directory(namespaces, nodeLabels).nodesKnown();
    }

    @Override
    public LabelSet nodeLabelsAt(InetAddress address) {
        return nodeLabels.get(address);
    }

    @Override
    public boolean anyNodeIn(Cidr range, Selector selector) {
        return new Directory(namespaces, nodeLabels).anyNodeIn(range, selector);
    }

    @Override
    public LabelSet labelsOf(String namespace) {
        return labelsIn(namespaces, namespace);
    }

    /**
     * The labels of the namespaces with pods, indexed by their position in {@code pods().namespacesInOrder()}: made once
     * while pods and namespaces stay (snapshots projected for a DynaKube change share it).
     */
    public LabelIndex namespaceLabelIndex() {
        return pods.namespaceLabels(namespaces, this::labelsOf);
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

    /** The policy engine of this snapshot, made on first use. */
    public PolicyEngine engine() {
        PolicyEngine engine = engineCell.engine;
        if (engine == null) {
            synchronized (engineCell) {
                engine = engineCell.engine;
                if (engine == null) {
                    engine = new PolicyEngine(policies, new Directory(namespaces, nodeLabels), pods.families(),
                            clusterPolicies, unevaluatedPolicies, engineCell.inherited);
                    engineCell.engine = engine;
                }
            }
        }
        return engine;
    }

    /** The Pod (not workload) with this namespace and name. */
    public Optional<PodEndpoint> pod(String namespace, String name) {
        return pods.pod(namespace, name);
    }

    public ClusterSnapshot withPolicies(PolicySet newPolicies) {
        return new ClusterSnapshot(namespaces, pods, newPolicies, services, endpointSlices, endpoints, dynaKubes,
                edgeConnects, nodeAddresses, nodeLabels, clusterPolicies, unevaluatedPolicies, EngineCell.projected(this));
    }

    public ClusterSnapshot withClusterPolicies(ClusterPolicies newClusterPolicies) {
        return new ClusterSnapshot(namespaces, pods, policies, services, endpointSlices, endpoints, dynaKubes,
                edgeConnects, nodeAddresses, nodeLabels, newClusterPolicies, unevaluatedPolicies, EngineCell.projected(this));
    }

    public ClusterSnapshot withNamespaces(Map<String, NamespaceInfo> newNamespaces) {
        return new ClusterSnapshot(newNamespaces, pods, policies, services, endpointSlices, endpoints, dynaKubes,
                edgeConnects, nodeAddresses, nodeLabels, clusterPolicies, unevaluatedPolicies, EngineCell.projected(this));
    }

    public ClusterSnapshot withDynatrace(List<GenericKubernetesResource> newDynaKubes,
            List<GenericKubernetesResource> newEdgeConnects) {
        // policies, namespaces and nodes stay: the same engine judges (its namespace directory holds this snapshot's
        // namespaces and nodes, which the new one shares)
        return new ClusterSnapshot(namespaces, pods, policies, services, endpointSlices, endpoints, newDynaKubes,
                newEdgeConnects, nodeAddresses, nodeLabels, clusterPolicies, unevaluatedPolicies,
                new EngineCell(engine(), null));
    }
}

package io.netpolguard.cli;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.ExternalEndpoint;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.PodEndpoint;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What probes name, indexed once per cluster so that resolving a probe never scans every pod or Service: pods
 * by address, workloads by name, Services by ClusterIP and EndpointSlices by Service.
 */
final class ProbeTargets {
    private final ClusterSnapshot snapshot;
    private final Map<InetAddress, List<PodEndpoint>> podsByAddress = new HashMap<>();
    private final Map<String, PodEndpoint> byKindAndName = new HashMap<>();
    private final Map<String, List<PodEndpoint>> workloadsByName = new HashMap<>();
    private final Map<InetAddress, List<Service>> servicesByClusterIp = new HashMap<>();
    private final Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();

    ProbeTargets(ClusterSnapshot snapshot) {
        this.snapshot = snapshot;
        for (PodEndpoint pod : snapshot.pods().all()) {
            if (pod.isPod() && !pod.hostNetwork()) {
                for (InetAddress address : new LinkedHashSet<>(pod.addresses())) {
                    podsByAddress.computeIfAbsent(address, a -> new ArrayList<>(1)).add(pod);
                }
            }
            byKindAndName.putIfAbsent(pod.namespace() + "/" + pod.kind() + "/" + pod.name(), pod);
            if (!pod.isPod()) {
                workloadsByName.computeIfAbsent(pod.namespace() + "/" + pod.name(), n -> new ArrayList<>(1)).add(pod);
            }
        }
        for (Service service : snapshot.services()) {
            if (service.getSpec() == null) {
                continue;
            }
            List<String> ips = new ArrayList<>();
            if (service.getSpec().getClusterIP() != null) {
                ips.add(service.getSpec().getClusterIP());
            }
            if (service.getSpec().getClusterIPs() != null) {
                ips.addAll(service.getSpec().getClusterIPs());
            }
            for (String ip : new LinkedHashSet<>(ips)) {
                IpAddresses.parse(ip).ifPresent(address -> {
                    List<Service> services = servicesByClusterIp.computeIfAbsent(address, a -> new ArrayList<>(1));
                    if (!services.contains(service)) {
                        services.add(service);
                    }
                });
            }
        }
        for (EndpointSlice slice : snapshot.endpointSlices()) {
            Map<String, String> labels = slice.getMetadata().getLabels();
            String service = labels == null ? null : labels.get("kubernetes.io/service-name");
            if (service != null) {
                slicesByService.computeIfAbsent(namespace(slice.getMetadata().getNamespace()) + "/" + service,
                        s -> new ArrayList<>(1)).add(slice);
            }
        }
    }

    static String namespace(String namespace) {
        return namespace == null ? "default" : namespace;
    }

    ClusterSnapshot snapshot() {
        return snapshot;
    }

    /** The one (non host-network) Pod with this address, which then stands for it; else the address itself. */
    Endpoint atAddress(InetAddress address) {
        List<PodEndpoint> owners = podsByAddress.get(address);
        return owners != null && owners.size() == 1 ? owners.get(0) : ExternalEndpoint.ofAddress(address);
    }

    /** The first pod or workload template of this kind and name, as {@code namespace/Kind/name} names it. */
    Optional<PodEndpoint> byKind(String namespace, String kind, String name) {
        return Optional.ofNullable(byKindAndName.get(namespace + "/" + kind + "/" + name));
    }

    Optional<PodEndpoint> pod(String namespace, String name) {
        return snapshot.pod(namespace, name);
    }

    /** The workloads (not Pods) with this name in the namespace, of any kind. */
    List<PodEndpoint> workloads(String namespace, String name) {
        return workloadsByName.getOrDefault(namespace + "/" + name, List.of());
    }

    /** Services with this ClusterIP, in manifest order. */
    List<Service> servicesAt(InetAddress address) {
        return servicesByClusterIp.getOrDefault(address, List.of());
    }

    /** EndpointSlices labelled as the Service's, in manifest order. */
    List<EndpointSlice> slicesOf(String namespace, String service) {
        return slicesByService.getOrDefault(namespace + "/" + service, List.of());
    }
}

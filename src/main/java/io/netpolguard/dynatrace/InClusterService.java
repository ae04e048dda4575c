package io.netpolguard.dynatrace;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A host name that is a Service of the cluster ({@code svc.ns}, {@code svc.ns.svc},
 * {@code svc.ns.svc.<cluster domain>}, or a ClusterIP). NetworkPolicy applies after address
 * translation, so traffic to it is judged at the Service's endpoint pods on the target port.
 */
record InClusterService(Service service, ServicePort port) {

    static Optional<InClusterService> find(HostPort target, ClusterSnapshot snapshot) {
        for (Service service : snapshot.services()) {
            if (names(target.host(), service)) {
                for (ServicePort port : service.getSpec().getPorts() == null ? List.<ServicePort>of()
                        : service.getSpec().getPorts()) {
                    if (port.getPort() != null && port.getPort() == target.port()
                            && Protocol.parse(port.getProtocol()) == Protocol.TCP) {
                        return Optional.of(new InClusterService(service, port));
                    }
                }
                return Optional.of(new InClusterService(service, null));
            }
        }
        return Optional.empty();
    }

    private static boolean names(String host, Service service) {
        if (service.getSpec() == null || service.getMetadata() == null) {
            return false;
        }
        if (IpAddresses.isLiteral(host)) {
            var address = IpAddresses.parse(host);
            List<String> clusterIps = new ArrayList<>();
            if (service.getSpec().getClusterIP() != null) {
                clusterIps.add(service.getSpec().getClusterIP());
            }
            if (service.getSpec().getClusterIPs() != null) {
                clusterIps.addAll(service.getSpec().getClusterIPs());
            }
            return clusterIps.stream().map(IpAddresses::parse).anyMatch(ip -> ip.isPresent() && ip.equals(address));
        }
        String[] labels = host.toLowerCase(Locale.ROOT).split("\\.");
        String namespace = service.getMetadata().getNamespace() == null ? "default" : service.getMetadata().getNamespace();
        return labels.length >= 2 && labels[0].equals(service.getMetadata().getName()) && labels[1].equals(namespace)
                && (labels.length == 2 || labels[2].equals("svc"));
    }

    String id() {
        return service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
    }

    /** The pods the Service selects; empty for a Service without a selector (its endpoints are unknown here). */
    List<PodEndpoint> pods(ClusterSnapshot snapshot) {
        Map<String, String> selector = service.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
            return List.of();
        }
        List<PodEndpoint> pods = new ArrayList<>();
        for (PodEndpoint pod : snapshot.pods().labelSetsIn(service.getMetadata().getNamespace())) {
            if (!pod.hostNetwork() && Components.matchesAll(selector, pod.labels())) {
                pods.add(pod);
            }
        }
        return pods;
    }

    /** The port traffic reaches on a pod: the target port by number, or by the name the pod declares. */
    Optional<Integer> targetPort(PodEndpoint pod) {
        IntOrString target = port.getTargetPort();
        if (target == null || target.getIntVal() == null && target.getStrVal() == null) {
            return Optional.of(port.getPort());
        }
        if (target.getIntVal() != null) {
            return Optional.of(target.getIntVal());
        }
        ContainerPort named = pod.namedPort(target.getStrVal(), Protocol.TCP);
        return named == null ? Optional.empty() : Optional.of(named.number());
    }
}

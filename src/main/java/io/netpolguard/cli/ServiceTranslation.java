package io.netpolguard.cli;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.ExternalEndpoint;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A probe to a Service's ClusterIP and port, as the dataplane sees it: NetworkPolicy applies after service
 * address translation, to the Service's endpoints (its EndpointSlices, else the pods its selector matches) on the
 * target port. Each endpoint may be picked, so each is judged.
 */
record ServiceTranslation(String note, List<Connection> connections) {

    static Optional<ServiceTranslation> of(Connection probe, ClusterSnapshot snapshot) {
        if (!(probe.destination() instanceof ExternalEndpoint destination) || destination.addresses().size() != 1) {
            return Optional.empty();
        }
        InetAddress address = destination.addresses().get(0);
        for (Service service : snapshot.services()) {
            if (service.getSpec() == null || service.getSpec().getPorts() == null
                    || !clusterIps(service).contains(address)) {
                continue;
            }
            for (ServicePort port : service.getSpec().getPorts()) {
                if (port.getPort() != null && port.getPort() == probe.port()
                        && probe.protocol().name().equals(port.getProtocol() == null ? "TCP" : port.getProtocol())) {
                    return Optional.of(translate(probe, snapshot, service, port));
                }
            }
        }
        return Optional.empty();
    }

    private static List<InetAddress> clusterIps(Service service) {
        List<String> ips = new ArrayList<>();
        if (service.getSpec().getClusterIP() != null) {
            ips.add(service.getSpec().getClusterIP());
        }
        if (service.getSpec().getClusterIPs() != null) {
            ips.addAll(service.getSpec().getClusterIPs());
        }
        return ips.stream().map(ip -> IpAddresses.parse(ip).orElse(null)).filter(a -> a != null).toList();
    }

    private static ServiceTranslation translate(Connection probe, ClusterSnapshot snapshot, Service service,
            ServicePort port) {
        String namespace = service.getMetadata().getNamespace() == null ? "default" : service.getMetadata().getNamespace();
        String name = namespace + "/" + service.getMetadata().getName();
        List<Connection> connections = new ArrayList<>();
        for (EndpointSlice slice : snapshot.endpointSlices()) {
            Map<String, String> labels = slice.getMetadata().getLabels();
            if (!namespace.equals(slice.getMetadata().getNamespace() == null ? "default" : slice.getMetadata().getNamespace())
                    || labels == null || !service.getMetadata().getName().equals(labels.get("kubernetes.io/service-name"))
                    || slice.getEndpoints() == null || slice.getPorts() == null) {
                continue;
            }
            for (var slicePort : slice.getPorts()) {
                if (slicePort.getPort() == null || !java.util.Objects.equals(slicePort.getName(), port.getName())) {
                    continue;
                }
                for (var endpoint : slice.getEndpoints()) {
                    for (String ip : endpoint.getAddresses()) {
                        IpAddresses.parse(ip).ifPresent(a -> connections.add(new Connection(probe.source(),
                                endpointAt(a, snapshot), slicePort.getPort(), probe.protocol())));
                    }
                }
            }
        }
        String via = "EndpointSlices";
        if (connections.isEmpty() && service.getSpec().getSelector() != null && !service.getSpec().getSelector().isEmpty()) {
            via = "selector " + LabelSet.of(service.getSpec().getSelector()) + " and targetPort";
            for (PodEndpoint pod : snapshot.pods().labelSetsIn(namespace)) {
                if (!pod.labels().asMap().entrySet().containsAll(service.getSpec().getSelector().entrySet())) {
                    continue;
                }
                Integer target = targetPort(port, pod, probe);
                if (target != null) {
                    connections.add(new Connection(probe.source(), pod, target, probe.protocol()));
                }
            }
        }
        String endpoints = connections.isEmpty() ? "none" : String.join(", ", connections.stream()
                .map(c -> c.destination().displayName() + ":" + c.port()).toList());
        String note = probe.destination().displayName() + ":" + probe.port() + " is Service " + name
                + "; NetworkPolicy applies after service address translation, so its endpoints (from its " + via
                + ") are judged: " + endpoints;
        return new ServiceTranslation(note, connections);
    }

    private static Integer targetPort(ServicePort port, PodEndpoint pod, Connection probe) {
        IntOrString target = port.getTargetPort();
        if (target == null) {
            return port.getPort();
        }
        if (target.getIntVal() != null) {
            return target.getIntVal();
        }
        ContainerPort named = pod.namedPort(target.getStrVal(), probe.protocol());
        return named == null ? null : named.number();
    }

    private static Endpoint endpointAt(InetAddress address, ClusterSnapshot snapshot) {
        List<PodEndpoint> owners = snapshot.pods().all().stream()
                .filter(p -> p.isPod() && !p.hostNetwork() && p.addresses().contains(address)).toList();
        return owners.size() == 1 ? owners.get(0) : ExternalEndpoint.ofAddress(address);
    }
}

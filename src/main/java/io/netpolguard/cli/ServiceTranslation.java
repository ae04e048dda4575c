package io.netpolguard.cli;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.ExternalEndpoint;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A probe to a Service's ClusterIP and port, as the dataplane sees it: NetworkPolicy applies after service
 * address translation, to the Service's endpoints (its EndpointSlices, else the pods its selector matches) on the
 * target port. Each endpoint may be picked, so each is judged.
 */
record ServiceTranslation(String note, List<Connection> connections) {

    static Optional<ServiceTranslation> of(Connection probe, ProbeTargets targets) {
        if (!(probe.destination() instanceof ExternalEndpoint destination) || destination.addresses().size() != 1) {
            return Optional.empty();
        }
        for (Service service : targets.servicesAt(destination.addresses().get(0))) {
            if (service.getSpec().getPorts() == null) {
                continue;
            }
            for (ServicePort port : service.getSpec().getPorts()) {
                if (port.getPort() != null && port.getPort() == probe.port()
                        && probe.protocol().name().equals(port.getProtocol() == null ? "TCP" : port.getProtocol())) {
                    return Optional.of(translate(probe, targets, service, port));
                }
            }
        }
        return Optional.empty();
    }

    private static ServiceTranslation translate(Connection probe, ProbeTargets targets, Service service,
            ServicePort port) {
        String namespace = ProbeTargets.namespace(service.getMetadata().getNamespace());
        String name = namespace + "/" + service.getMetadata().getName();
        List<Connection> connections = new ArrayList<>();
        for (EndpointSlice slice : targets.slicesOf(namespace, service.getMetadata().getName())) {
            if (slice.getEndpoints() == null || slice.getPorts() == null) {
                continue;
            }
            for (var slicePort : slice.getPorts()) {
                if (slicePort.getPort() == null || !java.util.Objects.equals(slicePort.getName(), port.getName())) {
                    continue;
                }
                for (var endpoint : slice.getEndpoints()) {
                    for (String ip : endpoint.getAddresses()) {
                        IpAddresses.parse(ip).ifPresent(a -> connections.add(new Connection(probe.source(),
                                targets.atAddress(a), slicePort.getPort(), probe.protocol())));
                    }
                }
            }
        }
        String via = "EndpointSlices";
        if (connections.isEmpty() && service.getSpec().getSelector() != null && !service.getSpec().getSelector().isEmpty()) {
            via = "selector " + LabelSet.of(service.getSpec().getSelector()) + " and targetPort";
            for (PodEndpoint pod : targets.snapshot().pods().labelSetsIn(namespace)) {
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
}

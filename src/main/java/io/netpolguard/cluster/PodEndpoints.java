package io.netpolguard.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.IpAddresses;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reduces Pods and pod templates to what NetworkPolicy needs: labels, addresses, ports, hostNetwork. */
public final class PodEndpoints {

    private PodEndpoints() {
    }

    /**
     * A Pod the API server holds, as the webhook's pod store reads it: one whose addresses or ports cannot be read
     * keeps its labels, without addresses or ports.
     */
    public static PodEndpoint fromStoredPod(Pod pod) {
        try {
            return fromPod(pod);
        } catch (IllegalArgumentException e) {
            return new PodEndpoint("Pod", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                    LabelSet.of(pod.getMetadata().getLabels()), List.of(), false, List.of());
        }
    }

    public static PodEndpoint fromPod(Pod pod) {
        ObjectMeta meta = pod.getMetadata();
        String namespace = namespaceOf(meta);
        String name = meta.getName();
        Set<String> ips = new LinkedHashSet<>();
        if (pod.getStatus() != null) {
            if (pod.getStatus().getPodIP() != null && !pod.getStatus().getPodIP().isBlank()) {
                ips.add(pod.getStatus().getPodIP());
            }
            if (pod.getStatus().getPodIPs() != null) {
                for (PodIP ip : pod.getStatus().getPodIPs()) {
                    if (ip != null && ip.getIp() != null && !ip.getIp().isBlank()) {
                        ips.add(ip.getIp());
                    }
                }
            }
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (String ip : ips) {
            addresses.add(IpAddresses.parse(ip).orElseThrow(() -> new IllegalArgumentException(
                    "status.podIP '" + ip + "' is not an IP address")));
        }
        PodSpec spec = pod.getSpec();
        return new PodEndpoint("Pod", namespace, name, LabelSet.of(meta.getLabels()), addresses,
                spec != null && Boolean.TRUE.equals(spec.getHostNetwork()), ports(spec));
    }

    public static PodEndpoint fromTemplate(String kind, ObjectMeta owner, PodTemplateSpec template) {
        if (template == null) {
            throw new IllegalArgumentException("has no pod template (spec.template)");
        }
        PodSpec spec = template.getSpec();
        return new PodEndpoint(kind, namespaceOf(owner), owner.getName(),
                LabelSet.of(template.getMetadata() == null ? null : template.getMetadata().getLabels()), List.of(),
                spec != null && Boolean.TRUE.equals(spec.getHostNetwork()), ports(spec));
    }

    static String namespaceOf(ObjectMeta meta) {
        return meta.getNamespace() == null || meta.getNamespace().isBlank() ? "default" : meta.getNamespace();
    }

    private static List<ContainerPort> ports(PodSpec spec) {
        List<ContainerPort> ports = new ArrayList<>();
        if (spec == null || spec.getContainers() == null) {
            return ports;
        }
        for (Container container : spec.getContainers()) {
            if (container == null || container.getPorts() == null) {
                continue;
            }
            for (io.fabric8.kubernetes.api.model.ContainerPort port : container.getPorts()) {
                if (port == null || port.getContainerPort() == null) {
                    throw new IllegalArgumentException("container '" + container.getName() + "' has a port without containerPort");
                }
                ports.add(new ContainerPort(port.getName(), port.getContainerPort(), Protocol.parse(port.getProtocol())));
            }
        }
        return ports;
    }
}

package io.netpolguard.netpol;

import java.net.InetAddress;
import java.util.List;

/**
 * A pod as NetworkPolicy sees it: namespace, labels, addresses, declared ports and whether it runs
 * in the host network. A workload's pod template is a PodEndpoint of kind Deployment, DaemonSet, ...
 * with no addresses: every pod it creates is equivalent to every policy.
 */
public record PodEndpoint(String kind, String namespace, String name, LabelSet labels, List<InetAddress> addresses,
        boolean hostNetwork, List<ContainerPort> ports) implements Endpoint {

    public PodEndpoint {
        // one string per namespace name: the namespace is looked up per connection (PolicySet.in), by identity first
        namespace = namespace == null ? null : namespace.intern();
        labels = labels == null ? LabelSet.EMPTY : labels;
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    public static PodEndpoint pod(String namespace, String name, LabelSet labels, List<InetAddress> addresses,
            List<ContainerPort> ports) {
        return new PodEndpoint("Pod", namespace, name, labels, addresses, false, ports);
    }

    public boolean isPod() {
        return "Pod".equals(kind);
    }

    /** Pods a component will have but that do not exist yet: checked with their default labels. */
    public static final String EXPECTED = "Expected";

    public boolean isExpected() {
        return EXPECTED.equals(kind);
    }

    /** True when this endpoint and {@code other} are the same pod; a pod may always talk to itself. */
    public boolean samePodAs(Endpoint other) {
        return isPod() && other instanceof PodEndpoint p && p.isPod() && namespace.equals(p.namespace)
                && name.equals(p.name);
    }

    /** The declared container port with this name and protocol, if any. */
    public ContainerPort namedPort(String portName, Protocol protocol) {
        for (ContainerPort port : ports) {
            if (portName.equals(port.name()) && port.protocol() == protocol) {
                return port;
            }
        }
        return null;
    }

    @Override
    public String displayName() {
        if (isExpected()) {
            return namespace + "/" + name + " (expected pods, none running yet)";
        }
        return isPod() ? namespace + "/" + name : namespace + "/" + kind + "/" + name;
    }
}

package io.netpolguard.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.netpolguard.netpol.IpAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Node addresses as NetworkPolicy sees them: a Node's InternalIPs, or a pod's {@code status.hostIP}. */
public final class NodeAddresses {

    private NodeAddresses() {
    }

    public static List<InetAddress> internalIps(Node node) {
        List<InetAddress> addresses = new ArrayList<>();
        if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
            return addresses;
        }
        for (NodeAddress address : node.getStatus().getAddresses()) {
            if ("InternalIP".equals(address.getType()) && address.getAddress() != null) {
                IpAddresses.parse(address.getAddress()).ifPresent(addresses::add);
            }
        }
        return addresses;
    }

    public static Optional<InetAddress> hostIp(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getHostIP() == null) {
            return Optional.empty();
        }
        return IpAddresses.parse(pod.getStatus().getHostIP());
    }

    /** Every IP address in a Node's status (InternalIP, ExternalIP), for node peers of cluster-wide policies. */
    public static List<InetAddress> allIps(Node node) {
        List<InetAddress> addresses = new ArrayList<>();
        if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
            return addresses;
        }
        for (NodeAddress address : node.getStatus().getAddresses()) {
            if (address.getAddress() != null) {
                IpAddresses.parse(address.getAddress()).ifPresent(addresses::add);
            }
        }
        return addresses;
    }

    public static io.netpolguard.netpol.LabelSet labels(Node node) {
        return io.netpolguard.netpol.LabelSet.of(node.getMetadata() == null || node.getMetadata().getLabels() == null
                ? java.util.Map.of() : node.getMetadata().getLabels());
    }
}

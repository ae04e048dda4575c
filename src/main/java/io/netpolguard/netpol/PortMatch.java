package io.netpolguard.netpol;

/**
 * One entry of a rule's {@code ports}: a protocol with every port, a number or inclusive range, or
 * a named port resolved on the destination pod. A named port of a cluster-wide policy has no protocol
 * ({@code protocol} null): the pod's port of that name, whatever its protocol.
 */
public record PortMatch(Protocol protocol, int from, int to, String name) {

    public static PortMatch allPorts(Protocol protocol) {
        return new PortMatch(protocol, 1, 65535, null);
    }

    public static PortMatch range(Protocol protocol, int from, int to) {
        return new PortMatch(protocol, from, to, null);
    }

    public static PortMatch named(Protocol protocol, String name) {
        return new PortMatch(protocol, 0, 0, name);
    }

    public static PortMatch namedAnyProtocol(String name) {
        return new PortMatch(null, 0, 0, name);
    }

    /** Whether any entry matches; no entries match every port and protocol. */
    static boolean anyMatches(java.util.List<PortMatch> ports, Endpoint destination, int port, Protocol protocol) {
        if (ports.isEmpty()) {
            return true;
        }
        for (PortMatch match : ports) {
            if (match.matches(destination, port, protocol)) {
                return true;
            }
        }
        return false;
    }

    public boolean matches(Endpoint destination, int port, Protocol connectionProtocol) {
        if (protocol != null && protocol != connectionProtocol) {
            return false;
        }
        if (name == null) {
            return port >= from && port <= to;
        }
        if (!(destination instanceof PodEndpoint pod)) {
            return false;
        }
        ContainerPort declared = pod.namedPort(name, connectionProtocol);
        return declared != null && declared.number() == port;
    }

    /** Why this entry does not match, or null when it does. */
    public String mismatch(Endpoint destination, int port, Protocol connectionProtocol) {
        if (matches(destination, port, connectionProtocol)) {
            return null;
        }
        if (protocol != null && protocol != connectionProtocol) {
            return "allows " + this + ", not " + connectionProtocol;
        }
        if (name == null) {
            return "allows " + this + ", not port " + port;
        }
        if (!(destination instanceof PodEndpoint pod)) {
            return "allows named port " + this + ", which never matches " + destination.displayName() + " (not a pod)";
        }
        ContainerPort declared = pod.namedPort(name, connectionProtocol);
        if (declared == null) {
            return "allows named port " + this + ", but " + pod.displayName() + " declares no " + connectionProtocol
                    + " container port named '" + name + "'";
        }
        return "allows named port " + this + ", which is port " + declared.number() + " on " + pod.displayName()
                + ", not " + port;
    }

    @Override
    public String toString() {
        if (name != null) {
            return protocol == null ? name : protocol + "/" + name;
        }
        if (from == 1 && to == 65535) {
            return protocol + "/any port";
        }
        return from == to ? protocol + "/" + from : protocol + "/" + from + "-" + to;
    }
}

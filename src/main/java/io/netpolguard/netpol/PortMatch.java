package io.netpolguard.netpol;

/**
 * One entry of a rule's {@code ports}: a protocol with every port, a number or inclusive range, or
 * a named port resolved on the destination pod.
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

    public boolean matches(Endpoint destination, int port, Protocol connectionProtocol) {
        if (protocol != connectionProtocol) {
            return false;
        }
        if (name == null) {
            return port >= from && port <= to;
        }
        if (!(destination instanceof PodEndpoint pod)) {
            return false;
        }
        ContainerPort declared = pod.namedPort(name, protocol);
        return declared != null && declared.number() == port;
    }

    /** Why this entry does not match, or null when it does. */
    public String mismatch(Endpoint destination, int port, Protocol connectionProtocol) {
        if (matches(destination, port, connectionProtocol)) {
            return null;
        }
        if (protocol != connectionProtocol) {
            return "allows " + this + ", not " + connectionProtocol;
        }
        if (name == null) {
            return "allows " + this + ", not port " + port;
        }
        if (!(destination instanceof PodEndpoint pod)) {
            return "allows named port " + this + ", which never matches " + destination.displayName() + " (not a pod)";
        }
        ContainerPort declared = pod.namedPort(name, protocol);
        if (declared == null) {
            return "allows named port " + this + ", but " + pod.displayName() + " declares no " + protocol
                    + " container port named '" + name + "'";
        }
        return "allows named port " + this + ", which is port " + declared.number() + " on " + pod.displayName()
                + ", not " + port;
    }

    @Override
    public String toString() {
        if (name != null) {
            return protocol + "/" + name;
        }
        if (from == 1 && to == 65535) {
            return protocol + "/any port";
        }
        return from == to ? protocol + "/" + from : protocol + "/" + from + "-" + to;
    }
}

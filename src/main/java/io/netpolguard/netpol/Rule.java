package io.netpolguard.netpol;

import java.util.List;

/**
 * One ingress or egress rule. An empty peer list matches every endpoint, including addresses
 * outside the cluster; an empty port list matches every port and protocol. A rule the guard could
 * not read ({@code unreadable} says why) could allow any connection: it never allows or blocks one.
 */
public record Rule(Direction direction, int index, List<Peer> peers, List<PortMatch> ports, String unreadable) {

    public Rule {
        peers = List.copyOf(peers);
        ports = List.copyOf(ports);
    }

    public Rule(Direction direction, int index, List<Peer> peers, List<PortMatch> ports) {
        this(direction, index, peers, ports, null);
    }

    static Rule unreadable(Direction direction, int index, String problem) {
        return new Rule(direction, index, List.of(), List.of(), problem);
    }

    /** Whether this rule allows a connection whose other end is {@code peer}. */
    public Outcome allows(Endpoint peer, List<Cidr> ranges, Endpoint destination, int port, Protocol protocol,
            NamespaceDirectory namespaces) {
        if (unreadable != null) {
            return Outcome.UNDETERMINED;
        }
        if (!portMatches(destination, port, protocol)) {
            return Outcome.BLOCKED;
        }
        return peerMatch(peer, ranges, namespaces);
    }

    public boolean portMatches(Endpoint destination, int port, Protocol protocol) {
        return PortMatch.anyMatches(ports, destination, port, protocol);
    }

    public Outcome peerMatch(Endpoint peer, List<Cidr> ranges, NamespaceDirectory namespaces) {
        return peers.isEmpty() ? Outcome.ALLOWED : Peer.bestMatch(peers, peer, ranges, namespaces);
    }

    /** {@code ingress[0]}, {@code egress[2]}: how the rule is addressed in the policy. */
    public String path() {
        return direction.field() + "[" + index + "]";
    }
}

package io.netpolguard.netpol;

import java.util.List;

/**
 * One ingress or egress rule of a cluster-wide policy: its action applies to a connection whose other end matches
 * one of {@code peers} and whose port matches one of {@code ports} (every port when empty). A rule the guard could
 * not read ({@code unreadable} says why) may or may not match: it decides nothing for certain.
 */
public record ClusterRule(Direction direction, int index, String name, RuleAction action, List<Peer> peers,
        List<PortMatch> ports, String unreadable) {

    public ClusterRule {
        peers = List.copyOf(peers);
        ports = List.copyOf(ports);
    }

    static ClusterRule unreadable(Direction direction, int index, String name, RuleAction action, String problem) {
        return new ClusterRule(direction, index, name, action, List.of(), List.of(), problem);
    }

    /** Whether this rule applies to the connection: ALLOWED (it does), BLOCKED (it does not) or UNDETERMINED. */
    public Outcome matches(Endpoint peer, List<Cidr> ranges, Endpoint destination, int port, Protocol protocol,
            NamespaceDirectory directory) {
        if (unreadable != null) {
            return Outcome.UNDETERMINED;
        }
        if (!portMatches(destination, port, protocol)) {
            return Outcome.BLOCKED;
        }
        return Peer.bestMatch(peers, peer, ranges, directory);
    }

    public boolean portMatches(Endpoint destination, int port, Protocol protocol) {
        return PortMatch.anyMatches(ports, destination, port, protocol);
    }

    /** {@code egress[0]}, or {@code egress[0] "deny-internet"} when the rule is named. */
    public String path() {
        String path = direction.field() + "[" + index + "]";
        return name == null || name.isEmpty() ? path : path + " \"" + name + "\"";
    }
}

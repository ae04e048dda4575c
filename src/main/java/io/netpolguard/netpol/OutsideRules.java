package io.netpolguard.netpol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the rules of a list of isolating policies can say about a peer that is not a selectable pod (an address outside
 * the cluster, a node, a host-network pod): each rule's ports, whether it is unreadable or has no peers (allowing all),
 * and its peers other than {@link Peer.Pods}, which match only pods that are not in the host network
 * ({@link Peer.Pods#matches}). For such a peer {@code Rule.allows} reads nothing else, and the outcome of a list is
 * the union of its rules' whatever their order and policies, so lists with equal shapes give it the same outcome
 * (though not the same explanation: other policies allow it). Equal shapes are one object ({@link #of}).
 */
final class OutsideRules {
    private static final int LIMIT = 10_000;
    private static final Map<List<Shape>, List<Shape>> CANONICAL = new ConcurrentHashMap<>();

    /** One rule as a peer that is not a pod sees it. */
    private record Shape(boolean unreadable, List<PortMatch> ports, boolean anyPeer, List<Peer> otherPeers) {
    }

    private OutsideRules() {
    }

    /** The shape of the {@code direction} rules of {@code isolating}: one object for every list of equal shape. */
    static Object of(List<CompiledPolicy> isolating, Direction direction) {
        List<Shape> shapes = new ArrayList<>();
        for (CompiledPolicy policy : isolating) {
            for (Rule rule : policy.rules(direction)) {
                shapes.add(rule.unreadable() != null ? new Shape(true, List.of(), false, List.of())
                        : new Shape(false, rule.ports(), rule.peers().isEmpty(),
                                rule.peers().stream().filter(peer -> !(peer instanceof Peer.Pods)).toList()));
            }
        }
        List<Shape> shape = List.copyOf(shapes);
        if (CANONICAL.size() >= LIMIT) {
            CANONICAL.clear();
        }
        List<Shape> canonical = CANONICAL.putIfAbsent(shape, shape);
        return canonical != null ? canonical : shape;
    }
}

package io.netpolguard.connectivity;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.Outcome;
import io.netpolguard.netpol.Peer;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Rule;
import io.netpolguard.netpol.Selector;
import io.netpolguard.netpol.UnevaluatedPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which peers a side could possibly allow, so that pairs no rule can allow are never judged. Ids: the classes, then the
 * address pieces. A side is pruned only when NetworkPolicies alone decide it (the pod is isolated, no cluster-wide
 * policy applies to it in that direction, no policy of a kind the guard does not evaluate may apply): it then blocks
 * every peer that no peer of its rules matches, whatever the port, because an isolated side allows only what a rule
 * allows. Every other side keeps every peer, and the engine judges it.
 */
final class Candidates {
    private final ClusterSnapshot snapshot;
    private final List<PodClass> classes;
    private final List<Endpoint> pieceEndpoints;
    private final List<AddressRange> pieces;
    private final Map<String, int[]> classesByNamespace = new HashMap<>();
    private final int[][] classesByPiece;
    private final int[] classesWithoutAddress;
    private final int[] hostNetworkOrUnknown;
    private final int[] allPieces;
    private final Map<Rule, int[]> byRule = new IdentityHashMap<>();
    private final Map<Selector, List<String>> namespacesBySelector = new HashMap<>();
    private final Map<List<CompiledPolicy>, int[]> byPolicies = new IdentityHashMap<>();
    /** Per class: the candidate peers of its egress and of its ingress, or EVERY when the side is not pruned. */
    private final int[][] egress;
    private final int[][] ingress;
    private static final int[] EVERY = new int[0];

    /** @param piecesOfClass per class, the indexes of the pieces its addresses are in */
    Candidates(ClusterSnapshot snapshot, List<PodClass> classes, List<AddressRange> pieces, List<Endpoint> pieceEndpoints,
            int[][] piecesOfClass) {
        this.snapshot = snapshot;
        this.classes = classes;
        this.pieces = pieces;
        this.pieceEndpoints = pieceEndpoints;
        Map<String, List<Integer>> byNamespace = new HashMap<>();
        List<List<Integer>> byPiece = new ArrayList<>();
        pieces.forEach(p -> byPiece.add(new ArrayList<>()));
        List<Integer> noAddress = new ArrayList<>();
        List<Integer> nodeLike = new ArrayList<>();
        for (PodClass podClass : classes) {
            byNamespace.computeIfAbsent(podClass.namespace(), n -> new ArrayList<>()).add(podClass.id());
            if (podClass.first().addresses().isEmpty()) {
                noAddress.add(podClass.id());
            }
            if (podClass.first().addresses().isEmpty() || podClass.hostNetwork()) {
                nodeLike.add(podClass.id());
            }
            for (int piece : piecesOfClass[podClass.id()]) {
                if (piece >= 0) {
                    byPiece.get(piece).add(podClass.id());
                }
            }
        }
        byNamespace.forEach((namespace, ids) -> classesByNamespace.put(namespace, toArray(ids)));
        this.classesByPiece = byPiece.stream().map(Candidates::toArray).toArray(int[][]::new);
        this.classesWithoutAddress = toArray(noAddress);
        this.hostNetworkOrUnknown = toArray(nodeLike);
        this.allPieces = new int[pieces.size()];
        for (int i = 0; i < allPieces.length; i++) {
            allPieces[i] = classes.size() + i;
        }
        this.egress = new int[classes.size()][];
        this.ingress = new int[classes.size()][];
        for (PodClass podClass : classes) {
            egress[podClass.id()] = compute(podClass, Direction.EGRESS);
            ingress[podClass.id()] = compute(podClass, Direction.INGRESS);
        }
    }

    /** The candidate peers of a side, sorted; null when the side is not pruned (every peer is a candidate). */
    int[] of(int classId, Direction direction) {
        int[] candidates = (direction == Direction.EGRESS ? egress : ingress)[classId];
        return candidates == EVERY ? null : candidates;
    }

    /** Whether the side of {@code classId} may allow peer {@code peerId} (a class, or a piece after the classes). */
    boolean mayAllow(int classId, Direction direction, int peerId) {
        int[] candidates = of(classId, direction);
        return candidates == null || IntSets.contains(candidates, peerId);
    }

    private int[] compute(PodClass podClass, Direction direction) {
        PodEndpoint pod = podClass.first();
        if (pod.hostNetwork()) {
            return EVERY;
        }
        List<CompiledPolicy> isolating = snapshot.policies().in(pod.namespace()).select(pod.labels()).isolating(direction);
        if (isolating.isEmpty()
                || !snapshot.clusterPolicies().select(pod, snapshot.labelsOf(pod.namespace())).isEmpty(direction)) {
            return EVERY;
        }
        for (UnevaluatedPolicy policy : snapshot.unevaluatedPolicies()) {
            if (policy.mayApplyTo(pod, direction)) {
                return EVERY;
            }
        }
        int[] cached = byPolicies.get(isolating);
        if (cached == null) {
            List<int[]> parts = new ArrayList<>();
            for (CompiledPolicy policy : isolating) {
                for (Rule rule : policy.rules(direction)) {
                    int[] matched = byRule.computeIfAbsent(rule, this::matched);
                    if (matched == EVERY) {
                        byPolicies.put(isolating, EVERY);
                        return EVERY;
                    }
                    parts.add(matched);
                }
            }
            cached = parts.size() == 1 ? parts.get(0) : concat(parts);
            byPolicies.put(isolating, cached);
        }
        return cached;
    }

    /** The peers a rule's peers may match, whatever the port; EVERY when it matches anything. */
    private int[] matched(Rule rule) {
        if (rule.unreadable() != null || rule.peers().isEmpty()) {
            return EVERY;
        }
        int[] buffer = new int[16];
        int size = 0;
        for (Peer peer : rule.peers()) {
            for (int id : possible(peer)) {
                if (id < classes.size() ? matches(peer, classes.get(id).first(), classes.get(id).ranges())
                        : matches(peer, pieceEndpoints.get(id - classes.size()), pieces.get(id - classes.size()).cidrs())) {
                    if (size == buffer.length) {
                        buffer = java.util.Arrays.copyOf(buffer, size * 2);
                    }
                    buffer[size++] = id;
                }
            }
        }
        return IntSets.of(buffer, size);
    }

    private boolean matches(Peer peer, Endpoint endpoint, List<io.netpolguard.netpol.Cidr> ranges) {
        return peer.matches(endpoint, ranges, snapshot) != Outcome.BLOCKED;
    }

    /** The peers worth asking {@code peer} about: an index, never missing one that it may match. */
    private int[] possible(Peer peer) {
        if (peer instanceof Peer.Pods pods) {
            if (pods.namespaceSelector() == null) {
                return classesByNamespace.getOrDefault(pods.policyNamespace(), IntSets.EMPTY);
            }
            List<int[]> parts = new ArrayList<>();
            for (String namespace : namespaces(pods.namespaceSelector())) {
                parts.add(classesByNamespace.get(namespace));
            }
            return concat(parts);
        }
        if (peer instanceof Peer.IpBlock) {
            List<int[]> parts = new ArrayList<>(List.of(classesWithoutAddress, allPieces));
            for (int i = 0; i < pieces.size(); i++) {
                if (matches(peer, pieceEndpoints.get(i), pieces.get(i).cidrs())) {
                    parts.add(classesByPiece[i]);
                }
            }
            return concat(parts);
        }
        if (peer instanceof Peer.Nodes) {
            return IntSets.union(hostNetworkOrUnknown, allPieces);
        }
        return allPieces;
    }

    private static int[] concat(List<int[]> parts) {
        int size = 0;
        for (int[] part : parts) {
            size += part.length;
        }
        int[] all = new int[size];
        int at = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return IntSets.of(all, size);
    }

    private List<String> namespaces(Selector selector) {
        return namespacesBySelector.computeIfAbsent(selector, s -> classesByNamespace.keySet().stream()
                .filter(namespace -> s.matches(snapshot.labelsOf(namespace))).toList());
    }

    private static int[] toArray(List<Integer> ids) {
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}

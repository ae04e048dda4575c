package io.netpolguard.connectivity;

import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.PodEndpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges every pair of ends that may be connected: class to class, class to address piece and piece to class (ids:
 * the classes, then the pieces). A pair is skipped when a pruned side (see {@link Candidates}) cannot allow it.
 * Keeps the judgement of every pair with some port allowed or unverifiable; a pair not kept is blocked on every port.
 */
final class ClassPairs {
    private final List<PodClass> classes;
    private final List<Endpoint> pieces;
    private final Candidates candidates;
    private final SideCuts cuts;
    private final PairJudge judge;
    private final int ids;
    private final LongIntMap judged = new LongIntMap();
    private final List<Judgement> judgements = new ArrayList<>();
    private final Map<Judgement, Integer> judgementIds = new HashMap<>();
    private final Map<CutsKey, int[][]> startsCache = new HashMap<>();
    private long pairs;

    private record CutsKey(PortCuts egress, PortCuts ingress, Object destinationPorts) {
    }

    ClassPairs(List<PodClass> classes, List<Endpoint> pieces, Candidates candidates, SideCuts cuts, PairJudge judge) {
        this.classes = classes;
        this.pieces = pieces;
        this.candidates = candidates;
        this.cuts = cuts;
        this.judge = judge;
        this.ids = classes.size() + pieces.size();
    }

    /** Judges every pair that may be connected with at least one end whose id is {@code inFocus} (null: every pair). */
    void judgeAll(boolean[] inFocus, Progress progress) {
        int[] unprunedIngress = classes.stream().filter(c -> candidates.of(c.id(), Direction.INGRESS) == null)
                .mapToInt(PodClass::id).toArray();
        int[][] allowingIngress = inverseIngress();
        for (int s = 0; s < ids; s++) {
            if (inFocus != null && !inFocus[s]) {
                continue;
            }
            if (s >= classes.size()) {
                for (int d = 0; d < classes.size(); d++) {
                    consider(s, d);
                }
                continue;
            }
            int[] egress = candidates.of(s, Direction.EGRESS);
            if (egress != null) {
                for (int d : egress) {
                    consider(s, d);
                }
            } else {
                for (int d : IntSets.union(unprunedIngress, allowingIngress[s])) {
                    consider(s, d);
                }
                for (int d = classes.size(); d < ids; d++) {
                    consider(s, d);
                }
            }
            if (s % 1000 == 999) {
                progress.say("judged the pairs of " + (s + 1) + " of " + classes.size() + " classes ("
                        + judge.evaluations() + " evaluations)");
            }
        }
        if (inFocus != null) {
            for (int s = 0; s < ids; s++) {
                if (inFocus[s]) {
                    continue;
                }
                for (int d = 0; d < classes.size(); d++) {
                    if (inFocus[d]) {
                        consider(s, d);
                    }
                }
            }
        }
    }

    /** Per class, the classes whose pruned ingress may allow it. */
    private int[][] inverseIngress() {
        int[] sizes = new int[ids];
        for (PodClass podClass : classes) {
            int[] from = candidates.of(podClass.id(), Direction.INGRESS);
            if (from != null) {
                for (int s : from) {
                    sizes[s]++;
                }
            }
        }
        int[][] inverse = new int[ids][];
        for (int s = 0; s < ids; s++) {
            inverse[s] = new int[sizes[s]];
            sizes[s] = 0;
        }
        for (PodClass podClass : classes) {
            int[] from = candidates.of(podClass.id(), Direction.INGRESS);
            if (from != null) {
                for (int s : from) {
                    inverse[s][sizes[s]++] = podClass.id();
                }
            }
        }
        return inverse;
    }

    private void consider(int s, int d) {
        boolean sourceIsClass = s < classes.size();
        boolean destinationIsClass = d < classes.size();
        if (!sourceIsClass && !destinationIsClass) {
            return;
        }
        if (sourceIsClass && !candidates.mayAllow(s, Direction.EGRESS, d)
                || destinationIsClass && !candidates.mayAllow(d, Direction.INGRESS, s)) {
            return;
        }
        Endpoint from;
        Endpoint to;
        if (s == d) {
            PodClass podClass = classes.get(s);
            if (podClass.second() == null && podClass.first().isPod()) {
                return;
            }
            from = podClass.first();
            to = podClass.second() == null ? podClass.first() : podClass.second();
        } else {
            from = sourceIsClass ? classes.get(s).first() : pieces.get(s - classes.size());
            to = destinationIsClass ? classes.get(d).first() : pieces.get(d - classes.size());
        }
        pairs++;
        Judgement judgement = judge.judge(from, to, starts(s, d, to));
        if (!judgement.isEmpty()) {
            int id = judgementIds.computeIfAbsent(judgement, j -> {
                judgements.add(j);
                return judgements.size() - 1;
            });
            judged.put(key(s, d), id);
        }
    }

    private int[][] starts(int s, int d, Endpoint to) {
        PortCuts egress = s < classes.size() ? cuts.of(s, Direction.EGRESS) : PortCuts.NONE;
        PortCuts ingress = d < classes.size() ? cuts.of(d, Direction.INGRESS) : PortCuts.NONE;
        PodEndpoint destination = to instanceof PodEndpoint pod ? pod : null;
        PortCuts both = egress.with(ingress);
        Object ports = both.hasNamedPorts() && destination != null ? destination.ports() : null;
        return startsCache.computeIfAbsent(new CutsKey(egress, ingress, ports), k -> both.starts(destination));
    }

    private long key(int s, int d) {
        return (long) s * ids + d;
    }

    /** The judgement of a pair; NONE (blocked on every port) when it was not kept. */
    Judgement of(int s, int d) {
        int id = judged.get(key(s, d), -1);
        return id < 0 ? Judgement.NONE : judgements.get(id);
    }

    /** Every kept pair, as {@code (source id, destination id)}. */
    void forEachKept(PairAction action) {
        judged.forEach((key, value) -> action.accept((int) (key / ids), (int) (key % ids)));
    }

    interface PairAction {
        void accept(int source, int destination);
    }

    long pairsJudged() {
        return pairs;
    }

    int pairsKept() {
        return judged.size();
    }
}

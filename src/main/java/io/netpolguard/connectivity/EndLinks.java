package io.netpolguard.connectivity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Groups the judgements of class pairs into links between ends: a link's ports are allowed when every pod pair of
 * the two ends is allowed, unverifiable when none is blocked and some are not decided, and "some pods only" when some
 * pod pairs are allowed or unverifiable and others blocked. Pod pairs are distinct pods: a pod with itself is no
 * connection.
 */
final class EndLinks {
    private final List<End> ends;
    private final int[][] classIds;
    private final int[][] counts;
    private final int[][] endsOfId;
    private final ClassPairs pairs;
    private final Focus focus;

    EndLinks(PodClasses podClasses, List<AddressRange> pieces, ClassPairs pairs, Focus focus, List<End> ends) {
        this.ends = ends;
        this.pairs = pairs;
        this.focus = focus;
        int classCount = podClasses.classes().size();
        int workloads = podClasses.members().size();
        classIds = new int[ends.size()][];
        counts = new int[ends.size()][];
        List<List<Integer>> byId = new ArrayList<>();
        for (int i = 0; i < classCount + pieces.size(); i++) {
            byId.add(new ArrayList<>(1));
        }
        int index = 0;
        for (Map.Entry<Workload, PodClasses.Members> entry : podClasses.members().entrySet()) {
            classIds[index] = entry.getValue().classIds();
            counts[index] = entry.getValue().counts();
            for (int id : classIds[index]) {
                byId.get(id).add(index);
            }
            index++;
        }
        for (int p = 0; p < pieces.size(); p++) {
            classIds[workloads + p] = new int[] {classCount + p};
            counts[workloads + p] = new int[] {2};
            byId.get(classCount + p).add(workloads + p);
        }
        endsOfId = byId.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    List<Link> links() {
        long[][] found = {new long[1024]};
        int[] size = {0};
        pairs.forEachKept((s, d) -> {
            for (int a : endsOfId[s]) {
                for (int b : endsOfId[d]) {
                    if (size[0] == found[0].length) {
                        found[0] = Arrays.copyOf(found[0], size[0] * 2);
                    }
                    found[0][size[0]++] = (long) a * ends.size() + b;
                }
            }
        });
        long[] sorted = Arrays.copyOf(found[0], size[0]);
        Arrays.sort(sorted);
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < sorted.length; i++) {
            long pair = sorted[i];
            if (i > 0 && sorted[i - 1] == pair) {
                continue;
            }
            int a = (int) (pair / ends.size());
            int b = (int) (pair % ends.size());
            if (!focus.covers(ends.get(a)) && !focus.covers(ends.get(b))) {
                continue;
            }
            Link link = link(a, b);
            if (link != null) {
                links.add(link);
            }
        }
        return links;
    }

    private Link link(int a, int b) {
        if (classIds[a].length == 1 && classIds[b].length == 1 && (a != b || counts[a][0] > 1)) {
            Judgement only = pairs.of(classIds[a][0], classIds[b][0]);
            return only.isEmpty() ? null
                    : new Link(ends.get(a), ends.get(b), only.allowed(), only.unverifiable(), PortSet.EMPTY);
        }
        PortSet allAllowed = PortSet.ALL;
        PortSet noneBlocked = PortSet.ALL;
        PortSet someNotBlocked = PortSet.EMPTY;
        int podPairs = 0;
        for (int i = 0; i < classIds[a].length; i++) {
            for (int j = 0; j < classIds[b].length; j++) {
                int s = classIds[a][i];
                int d = classIds[b][j];
                if (a == b && s == d && counts[a][i] < 2) {
                    continue;
                }
                podPairs++;
                Judgement judgement = pairs.of(s, d);
                PortSet notBlocked = judgement.allowed().union(judgement.unverifiable());
                allAllowed = allAllowed.intersect(judgement.allowed());
                noneBlocked = noneBlocked.intersect(notBlocked);
                someNotBlocked = someNotBlocked.union(notBlocked);
            }
        }
        if (podPairs == 0 || someNotBlocked.isEmpty()) {
            return null;
        }
        return new Link(ends.get(a), ends.get(b), allAllowed, noneBlocked.minus(allAllowed),
                someNotBlocked.minus(noneBlocked));
    }
}

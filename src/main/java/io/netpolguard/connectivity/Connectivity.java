package io.netpolguard.connectivity;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.ExternalEndpoint;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.Cidr;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The connectivity map of a cluster, judged by the same engine as {@code probe}: per class of pods no policy can tell
 * apart and per interval of ports no rule cuts, so that the work follows the number of label sets and policies, not
 * the number of pods squared; then grouped into workloads (or pods).
 */
public final class Connectivity {

    private Connectivity() {
    }

    public static ConnectivityMap of(ClusterSnapshot snapshot, Grouping grouping, Focus focus, Progress progress) {
        if (!focus.isEverything()) {
            focus.check(ends(snapshot, grouping));
        }
        return of(snapshot, PolicyFootprint.of(snapshot.policies(), snapshot.clusterPolicies()), false, grouping, focus,
                progress);
    }

    /**
     * The maps of two clusters and what changed between them. Both cut the address space at the ipBlocks of both, so
     * that their address ranges are the same.
     */
    public static MapDiff diff(ClusterSnapshot before, ClusterSnapshot after, Grouping grouping, Focus focus,
            Progress progress) {
        if (!focus.isEverything()) {
            List<End> ends = new ArrayList<>(ends(before, grouping));
            ends.addAll(ends(after, grouping));
            focus.check(ends);
        }
        PolicyFootprint first = PolicyFootprint.of(before.policies(), before.clusterPolicies());
        PolicyFootprint second = PolicyFootprint.of(after.policies(), after.clusterPolicies());
        Set<Cidr> cidrs = new LinkedHashSet<>(first.cidrs());
        cidrs.addAll(second.cidrs());
        boolean ipv6 = hasIpv6(before) || hasIpv6(after);
        progress.say("first cluster");
        ConnectivityMap one = of(before, first.withCidrs(cidrs), ipv6, grouping, focus, progress);
        progress.say("second cluster");
        ConnectivityMap two = of(after, second.withCidrs(cidrs), ipv6, grouping, focus, progress);
        return MapDiff.between(one, two);
    }

    /** The workloads (or pods) of a cluster, without judging anything: to check a focus before the work starts. */
    private static List<End> ends(ClusterSnapshot snapshot, Grouping grouping) {
        PolicyFootprint none = new PolicyFootprint(Set.of(), Set.of(), Set.of(), false);
        return new ArrayList<>(new PodClasses(snapshot, none, false, grouping).members().keySet());
    }

    private static boolean hasIpv6(ClusterSnapshot snapshot) {
        return snapshot.pods().all().stream().anyMatch(p -> p.addresses().stream().anyMatch(a -> a instanceof Inet6Address));
    }

    private static ConnectivityMap of(ClusterSnapshot snapshot, PolicyFootprint footprint, boolean ipv6,
            Grouping grouping, Focus focus, Progress progress) {
        PodClasses podClasses = new PodClasses(snapshot, footprint, ipv6 || hasIpv6(snapshot), grouping);
        List<PodClass> classes = podClasses.classes();
        List<AddressRange> pieces = podClasses.pieces().ranges();
        List<End> ends = new ArrayList<>(podClasses.members().keySet());
        ends.addAll(pieces);
        progress.say(snapshot.pods().all().size() + " pods and templates in " + classes.size() + " classes, "
                + podClasses.members().size() + " " + grouping + "s, " + pieces.size() + " address ranges");

        List<Endpoint> pieceEndpoints = pieces.stream()
                .map(r -> (Endpoint) new ExternalEndpoint(r.name(), List.of(), r.cidrs())).toList();
        int[][] piecesOfClass = new int[classes.size()][];
        for (PodClass podClass : classes) {
            List<InetAddress> addresses = podClass.first().addresses();
            int[] at = new int[addresses.size()];
            for (int i = 0; i < at.length; i++) {
                at[i] = podClasses.pieces().indexOf(addresses.get(i));
            }
            piecesOfClass[podClass.id()] = IntSets.of(at, at.length);
        }
        Candidates candidates = new Candidates(snapshot, classes, pieces, pieceEndpoints, piecesOfClass);
        SideCuts cuts = new SideCuts(snapshot, classes);
        PolicyEngine engine = snapshot.engine();
        PairJudge judge = new PairJudge(engine);
        ClassPairs pairs = new ClassPairs(classes, pieceEndpoints, candidates, cuts, judge);
        progress.say("candidate peers found; judging class pairs");
        pairs.judgeAll(inFocus(focus, podClasses, classes.size() + pieces.size()), progress);
        progress.say(pairs.pairsJudged() + " class pairs judged (" + judge.evaluations() + " evaluations), "
                + pairs.pairsKept() + " connected");

        List<Link> links = new EndLinks(podClasses, pieces, pairs, focus, ends).links();
        progress.say(links.size() + " connections");
        return new ConnectivityMap(ends, links);
    }

    /** Which ids (classes, then pieces) have a pod in focus; null when everything is. */
    private static boolean[] inFocus(Focus focus, PodClasses podClasses, int ids) {
        if (focus.isEverything()) {
            return null;
        }
        boolean[] in = new boolean[ids];
        for (Map.Entry<Workload, PodClasses.Members> entry : podClasses.members().entrySet()) {
            if (focus.covers(entry.getKey())) {
                for (int id : entry.getValue().classIds()) {
                    in[id] = true;
                }
            }
        }
        return in;
    }
}

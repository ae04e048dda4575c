package io.netpolguard.connectivity;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.ClusterPolicies;
import io.netpolguard.netpol.ClusterPolicy;
import io.netpolguard.netpol.ClusterRule;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PortMatch;
import io.netpolguard.netpol.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The port cuts of each side of each class: those of every rule that can decide it (the NetworkPolicies that isolate the
 * pod in that direction, the cluster-wide policies that apply to it). Equal cuts are one object.
 */
final class SideCuts {
    private final ClusterSnapshot snapshot;
    private final Map<PortCuts, PortCuts> interned = new HashMap<>();
    private final Map<Object, PortCuts> byRules = new HashMap<>();
    private final Map<List<CompiledPolicy>, Integer> policyListIds = new IdentityHashMap<>();
    private final Map<ClusterPolicies.Selection, Integer> selectionIds = new IdentityHashMap<>();
    private final PortCuts[] egress;
    private final PortCuts[] ingress;

    private record Key(int policies, int selection, Direction direction) {
    }

    SideCuts(ClusterSnapshot snapshot, List<PodClass> classes) {
        this.snapshot = snapshot;
        egress = new PortCuts[classes.size()];
        ingress = new PortCuts[classes.size()];
        for (PodClass podClass : classes) {
            egress[podClass.id()] = compute(podClass.first(), Direction.EGRESS);
            ingress[podClass.id()] = compute(podClass.first(), Direction.INGRESS);
        }
    }

    PortCuts of(int classId, Direction direction) {
        return (direction == Direction.EGRESS ? egress : ingress)[classId];
    }

    private PortCuts compute(PodEndpoint pod, Direction direction) {
        if (pod.hostNetwork()) {
            return PortCuts.NONE;
        }
        List<CompiledPolicy> isolating = snapshot.policies().in(pod.namespace()).select(pod.labels()).isolating(direction);
        ClusterPolicies.Selection selection = snapshot.clusterPolicies().select(pod, snapshot.labelsOf(pod.namespace()));
        Key key = new Key(policyListIds.computeIfAbsent(isolating, l -> policyListIds.size()),
                selectionIds.computeIfAbsent(selection, s -> selectionIds.size()), direction);
        PortCuts cached = byRules.get(key);
        if (cached == null) {
            List<List<PortMatch>> ports = new ArrayList<>();
            for (CompiledPolicy policy : isolating) {
                for (Rule rule : policy.rules(direction)) {
                    ports.add(rule.ports());
                }
            }
            List<ClusterPolicy> cluster = new ArrayList<>(selection.admin(direction));
            cluster.addAll(selection.baseline(direction));
            for (ClusterPolicy policy : cluster) {
                for (ClusterRule rule : policy.rules(direction)) {
                    ports.add(rule.ports());
                }
            }
            PortCuts cuts = ports.isEmpty() ? PortCuts.NONE : PortCuts.of(ports);
            cached = interned.computeIfAbsent(cuts, c -> c);
            byRules.put(key, cached);
        }
        return cached;
    }
}

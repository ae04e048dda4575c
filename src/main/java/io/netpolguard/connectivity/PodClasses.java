package io.netpolguard.connectivity;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pods of a cluster sorted into {@link PodClass}es, and which classes each end of the map (workload or pod) has
 * pods in. A workload's pods stand for it; its pod template only when the manifests have none of its pods.
 */
final class PodClasses {
    private final List<PodClass> classes = new ArrayList<>();
    private final Map<Workload, Members> members = new LinkedHashMap<>();
    private final AddressPieces pieces;

    /** The classes of one end, and how many of its pods are in each (2 standing for "more than one"). */
    record Members(int[] classIds, int[] counts) {
    }

    private record Key(String namespace, LabelSet labels, boolean hostNetwork, List<ContainerPort> namedPorts,
            Set<Integer> pieces, List<LabelSet> nodeLabels) {
    }

    /** @param ipv6 whether to cut the IPv6 space too (else only where an ipBlock is IPv6) */
    PodClasses(ClusterSnapshot snapshot, PolicyFootprint footprint, boolean ipv6, Grouping grouping) {
        this.pieces = new AddressPieces(footprint.cidrs(), ipv6);
        WorkloadNames names = new WorkloadNames(snapshot.pods());
        List<PodEndpoint> all = snapshot.pods().all();
        Map<PodEndpoint, Workload> workloadOf = new HashMap<>();
        Set<Workload> withPods = new HashSet<>();
        Set<Workload> withOwnTemplate = new HashSet<>();
        for (PodEndpoint endpoint : all) {
            Workload workload = names.of(endpoint);
            workloadOf.put(endpoint, workload);
            if (endpoint.isPod()) {
                withPods.add(workload);
            } else if (endpoint.kind().equals(workload.kind()) && endpoint.name().equals(workload.workloadName())) {
                withOwnTemplate.add(workload);
            }
        }
        Map<Key, List<PodEndpoint>> byKey = new LinkedHashMap<>();
        Map<Workload, Map<Key, Integer>> counts = new LinkedHashMap<>();
        for (PodEndpoint endpoint : all) {
            Workload workload = workloadOf.get(endpoint);
            if (!endpoint.isPod() && (withPods.contains(workload) || withOwnTemplate.contains(workload)
                    && !(endpoint.kind().equals(workload.kind()) && endpoint.name().equals(workload.workloadName())))) {
                continue;
            }
            Key key = key(endpoint, footprint, snapshot);
            byKey.computeIfAbsent(key, k -> new ArrayList<>(2)).add(endpoint);
            Workload end = grouping == Grouping.pod && endpoint.isPod()
                    ? new Workload(endpoint.namespace(), "Pod", endpoint.name()) : workload;
            // a template stands for any number of pods
            counts.computeIfAbsent(end, w -> new LinkedHashMap<>()).merge(key, endpoint.isPod() ? 1 : 2,
                    (a, b) -> Math.min(2, a + b));
        }
        Map<Key, Integer> ids = new HashMap<>();
        for (Map.Entry<Key, List<PodEndpoint>> entry : byKey.entrySet()) {
            List<PodEndpoint> group = entry.getValue();
            PodEndpoint first = group.get(0);
            ids.put(entry.getKey(), classes.size());
            classes.add(new PodClass(classes.size(), first, group.size() > 1 ? group.get(1) : null,
                    ranges(first, snapshot)));
        }
        counts.entrySet().stream().sorted(Map.Entry.comparingByKey(End::compareTo)).forEach(e -> {
            int[] classIds = e.getValue().keySet().stream().mapToInt(ids::get).toArray();
            int[] podCounts = e.getValue().values().stream().mapToInt(Integer::intValue).toArray();
            members.put(e.getKey(), new Members(classIds, podCounts));
        });
    }

    private Key key(PodEndpoint pod, PolicyFootprint footprint, ClusterSnapshot snapshot) {
        List<ContainerPort> named = pod.ports().stream()
                .filter(p -> p.name() != null && footprint.portNames().contains(p.name())).toList();
        Set<Integer> at = new TreeSet<>();
        List<LabelSet> nodeLabels = new ArrayList<>();
        for (InetAddress address : pod.addresses()) {
            at.add(pieces.indexOf(address));
            if (footprint.nodePeers() && pod.hostNetwork()) {
                LabelSet labels = snapshot.nodeLabelsAt(address);
                nodeLabels.add(labels == null ? LabelSet.EMPTY : labels);
            }
        }
        return new Key(pod.namespace(), pod.labels().project(footprint.podLabelKeys()), pod.hostNetwork(), named, at,
                nodeLabels);
    }

    /** As the engine sees a peer: its addresses, or anywhere in the cluster's address families when none is known. */
    private static List<Cidr> ranges(PodEndpoint pod, ClusterSnapshot snapshot) {
        if (pod.addresses().isEmpty()) {
            return snapshot.pods().families();
        }
        return pod.addresses().stream().map(Cidr::ofAddress).toList();
    }

    List<PodClass> classes() {
        return classes;
    }

    /** Every end (workload or pod), sorted, with its classes. */
    Map<Workload, Members> members() {
        return members;
    }

    AddressPieces pieces() {
        return pieces;
    }
}

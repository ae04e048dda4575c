package io.netpolguard.cluster;

import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pods and workload templates by namespace, and their label sets: pods with the same namespace,
 * labels, ports and host-network setting are equivalent to every selector, so the checks look at
 * each label set once (its addresses merged).
 */
public final class PodIndex {
    public static final PodIndex EMPTY = of(List.of());

    private final List<PodEndpoint> all;
    private final Map<String, List<PodEndpoint>> byNamespace;
    private final Map<String, PodEndpoint> podsByName;
    private final List<Cidr> families;
    private final Map<String, Owner> owners;
    private volatile Map<String, List<PodEndpoint>> labelSetsByNamespace;

    private PodIndex(List<PodEndpoint> all, Map<String, Owner> owners) {
        this.all = List.copyOf(all);
        this.owners = Map.copyOf(owners);
        Map<String, List<PodEndpoint>> grouped = new HashMap<>();
        Map<String, PodEndpoint> byName = new HashMap<>();
        for (PodEndpoint pod : this.all) {
            grouped.computeIfAbsent(pod.namespace(), n -> new ArrayList<>()).add(pod);
            if (pod.isPod()) {
                byName.putIfAbsent(pod.namespace() + "/" + pod.name(), pod);
            }
        }
        this.byNamespace = grouped;
        this.podsByName = byName;
        this.families = families(this.all);
    }

    /**
     * The whole of each IP family the pods' addresses are in (0.0.0.0/0, ::/0): where an address that is not
     * known may be. Both when no pod has an address.
     */
    public List<Cidr> families() {
        return families;
    }

    private static List<Cidr> families(List<PodEndpoint> pods) {
        boolean ipv4 = false;
        boolean ipv6 = false;
        for (PodEndpoint pod : pods) {
            for (InetAddress address : pod.addresses()) {
                ipv4 |= address instanceof Inet4Address;
                ipv6 |= !(address instanceof Inet4Address);
            }
        }
        if (ipv4 == ipv6) {
            return List.of(Cidr.wholeFamily(true), Cidr.wholeFamily(false));
        }
        return List.of(Cidr.wholeFamily(ipv4));
    }

    public static PodIndex of(List<PodEndpoint> pods) {
        return new PodIndex(pods, Map.of());
    }

    /** @param owners the controller of each Pod, ReplicaSet and Job that has one, by {@link Owner#key} */
    public static PodIndex of(List<PodEndpoint> pods, Map<String, Owner> owners) {
        return new PodIndex(pods, owners);
    }

    /** The controller of an object ({@code kind} Pod for a pod), when its manifest names one. */
    public Optional<Owner> ownerOf(String namespace, String kind, String name) {
        return Optional.ofNullable(owners.get(Owner.key(namespace, kind, name)));
    }

    public List<PodEndpoint> all() {
        return all;
    }

    public List<PodEndpoint> in(String namespace) {
        return byNamespace.getOrDefault(namespace, List.of());
    }

    public Set<String> namespaces() {
        return byNamespace.keySet();
    }

    public Optional<PodEndpoint> pod(String namespace, String name) {
        return Optional.ofNullable(podsByName.get(namespace + "/" + name));
    }

    /** One endpoint per distinct label set in the namespace, with the addresses of all its pods. */
    public List<PodEndpoint> labelSetsIn(String namespace) {
        Map<String, List<PodEndpoint>> sets = labelSetsByNamespace;
        if (sets == null) {
            sets = new HashMap<>();
            for (Map.Entry<String, List<PodEndpoint>> entry : byNamespace.entrySet()) {
                sets.put(entry.getKey(), merge(entry.getValue()));
            }
            labelSetsByNamespace = sets;
        }
        return sets.getOrDefault(namespace, List.of());
    }

    private static List<PodEndpoint> merge(List<PodEndpoint> pods) {
        record Key(LabelSet labels, boolean hostNetwork, Object ports) {
        }
        Map<Key, List<PodEndpoint>> groups = new LinkedHashMap<>();
        for (PodEndpoint pod : pods) {
            groups.computeIfAbsent(new Key(pod.labels(), pod.hostNetwork(), pod.ports()), k -> new ArrayList<>()).add(pod);
        }
        List<PodEndpoint> merged = new ArrayList<>(groups.size());
        for (List<PodEndpoint> group : groups.values()) {
            if (group.size() == 1) {
                merged.add(group.get(0));
                continue;
            }
            PodEndpoint first = group.stream().filter(p -> !p.isPod()).findFirst().orElse(group.get(0));
            Set<InetAddress> addresses = new LinkedHashSet<>();
            group.forEach(p -> addresses.addAll(p.addresses()));
            merged.add(new PodEndpoint(first.kind(), first.namespace(), first.name(), first.labels(),
                    List.copyOf(addresses), first.hostNetwork(), first.ports()));
        }
        return merged;
    }
}

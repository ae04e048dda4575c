package io.netpolguard.cluster;

import io.netpolguard.netpol.Cidr;
import io.netpolguard.netpol.LabelIndex;
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
import java.util.function.Function;

/**
 * Pods and workload templates by namespace, and their label sets: pods with the same namespace,
 * labels, ports and host-network setting are equivalent to every selector, so the checks look at
 * each label set once (its addresses merged).
 */
public final class PodIndex {
    public static final PodIndex EMPTY = of(List.of());

    /** The pods of one namespace, by name, with their label sets made when first asked for. */
    private static final class Pods {
        final List<PodEndpoint> list;
        final Map<String, PodEndpoint> byName = new HashMap<>();
        boolean ipv4;
        boolean ipv6;
        boolean hostNetwork;
        volatile List<PodEndpoint> labelSets;

        Pods(List<PodEndpoint> list) {
            this.list = List.copyOf(list);
            for (PodEndpoint pod : this.list) {
                if (pod.isPod()) {
                    byName.putIfAbsent(pod.name(), pod);
                }
                hostNetwork |= pod.hostNetwork();
                for (InetAddress address : pod.addresses()) {
                    ipv4 |= address instanceof Inet4Address;
                    ipv6 |= !(address instanceof Inet4Address);
                }
            }
        }

        List<PodEndpoint> labelSets() {
            List<PodEndpoint> sets = labelSets;
            if (sets == null) {
                sets = merge(list);
                labelSets = sets;
            }
            return sets;
        }
    }

    private final Map<String, Pods> byNamespace;
    /** {@link #namespacesInOrder} and their positions, once made (a racy cache of immutable parts). */
    private volatile Order order;
    /** {@link #namespaceLabels}, once made for one source of namespace labels (a racy cache of an immutable index). */
    private volatile IndexedLabels namespaceLabels;
    private final List<Cidr> families;
    private final Map<String, Owner> owners;
    private volatile List<PodEndpoint> all;

    private PodIndex(Map<String, Pods> byNamespace, List<PodEndpoint> all, Map<String, Owner> owners) {
        this.byNamespace = byNamespace;
        this.all = all;
        this.owners = Map.copyOf(owners);
        this.families = families(byNamespace.values());
    }

    private static PodIndex build(List<PodEndpoint> pods, Map<String, Owner> owners) {
        List<PodEndpoint> all = List.copyOf(pods);
        Map<String, List<PodEndpoint>> grouped = new HashMap<>();
        for (PodEndpoint pod : all) {
            grouped.computeIfAbsent(pod.namespace(), n -> new ArrayList<>()).add(pod);
        }
        Map<String, Pods> byNamespace = new HashMap<>();
        grouped.forEach((namespace, list) -> byNamespace.put(namespace, new Pods(list)));
        return new PodIndex(byNamespace, all, owners);
    }

    /**
     * This index with the pods of the given namespaces replaced (an empty list: the namespace has no pods any more);
     * every other namespace, with the label sets made for it, is shared. A pod change costs the pods of its namespace,
     * not those of the cluster.
     */
    public PodIndex withNamespaces(Map<String, List<PodEndpoint>> replaced) {
        if (replaced.isEmpty()) {
            return this;
        }
        Map<String, Pods> byNamespace = new HashMap<>(this.byNamespace);
        replaced.forEach((namespace, pods) -> {
            if (pods.isEmpty()) {
                byNamespace.remove(namespace);
            } else {
                byNamespace.put(namespace, new Pods(pods));
            }
        });
        return new PodIndex(byNamespace, null, owners);
    }

    /**
     * The namespaces whose pods differ between this index and {@code other}: those {@link #withNamespaces} replaced
     * on the way from one to the other, and every namespace of either when they were built apart. A namespace
     * not named here has the very same pods (and label-set endpoints) in both.
     */
    public Set<String> namespacesChangedSince(PodIndex other) {
        Set<String> changed = new java.util.TreeSet<>();
        byNamespace.forEach((namespace, pods) -> {
            if (other.byNamespace.get(namespace) != pods) {
                changed.add(namespace);
            }
        });
        other.byNamespace.keySet().forEach(namespace -> {
            if (!byNamespace.containsKey(namespace)) {
                changed.add(namespace);
            }
        });
        return changed;
    }

    /**
     * The whole of each IP family the pods' addresses are in (0.0.0.0/0, ::/0): where an address that is not
     * known may be. Both when no pod has an address.
     */
    public List<Cidr> families() {
        return families;
    }

    private static List<Cidr> families(Iterable<Pods> namespaces) {
        boolean ipv4 = false;
        boolean ipv6 = false;
        for (Pods pods : namespaces) {
            ipv4 |= pods.ipv4;
            ipv6 |= pods.ipv6;
        }
        if (ipv4 == ipv6) {
            return List.of(Cidr.wholeFamily(true), Cidr.wholeFamily(false));
        }
        return List.of(Cidr.wholeFamily(ipv4));
    }

    public static PodIndex of(List<PodEndpoint> pods) {
        return build(pods, Map.of());
    }

    /** @param owners the controller of each Pod, ReplicaSet and Job that has one, by {@link Owner#key} */
    public static PodIndex of(List<PodEndpoint> pods, Map<String, Owner> owners) {
        return build(pods, owners);
    }

    /** The controller of an object ({@code kind} Pod for a pod), when its manifest names one. */
    public Optional<Owner> ownerOf(String namespace, String kind, String name) {
        return Optional.ofNullable(owners.get(Owner.key(namespace, kind, name)));
    }

    /** Every pod and template: in the order given to {@link #of}, else namespace by namespace. */
    public List<PodEndpoint> all() {
        List<PodEndpoint> pods = all;
        if (pods == null) {
            List<PodEndpoint> joined = new ArrayList<>();
            byNamespace.values().forEach(namespace -> joined.addAll(namespace.list));
            pods = List.copyOf(joined);
            all = pods;
        }
        return pods;
    }

    public List<PodEndpoint> in(String namespace) {
        Pods pods = byNamespace.get(namespace);
        return pods == null ? List.of() : pods.list;
    }

    public Set<String> namespaces() {
        return java.util.Collections.unmodifiableSet(byNamespace.keySet());
    }

    private record Order(List<String> names, Map<String, Integer> positions) {
    }

    /** The namespaces with pods in name order, made once per index: walked on every DynaKube change. */
    public List<String> namespacesInOrder() {
        return order().names();
    }

    /** The position of {@code namespace} in {@link #namespacesInOrder}, or -1 when it has no pods. */
    public int positionInOrder(String namespace) {
        Integer position = order().positions().get(namespace);
        return position == null ? -1 : position;
    }

    private Order order() {
        Order made = order;
        if (made == null) {
            List<String> names = byNamespace.keySet().stream().sorted().toList();
            Map<String, Integer> positions = new HashMap<>();
            for (int at = 0; at < names.size(); at++) {
                positions.put(names.get(at), at);
            }
            made = new Order(names, Map.copyOf(positions));
            order = made;
        }
        return made;
    }

    private record IndexedLabels(Object source, LabelIndex index) {
    }

    /**
     * The labels of {@link #namespacesInOrder} as {@code labelsOf} gives them, indexed by position there: made once per
     * index and {@code source}, the object (compared by identity) that {@code labelsOf} reads, which stays while
     * namespaces stay.
     */
    public LabelIndex namespaceLabels(Object source, Function<String, LabelSet> labelsOf) {
        IndexedLabels made = namespaceLabels;
        if (made == null || made.source() != source) {
            made = new IndexedLabels(source, new LabelIndex(namespacesInOrder().stream().map(labelsOf).toList()));
            namespaceLabels = made;
        }
        return made.index();
    }

    public Optional<PodEndpoint> pod(String namespace, String name) {
        Pods pods = byNamespace.get(namespace);
        return pods == null ? Optional.empty() : Optional.ofNullable(pods.byName.get(name));
    }

    /** One endpoint per distinct label set in the namespace, with the addresses of all its pods. */
    public List<PodEndpoint> labelSetsIn(String namespace) {
        Pods pods = byNamespace.get(namespace);
        return pods == null ? List.of() : pods.labelSets();
    }

    /** Whether a pod (or workload template) of the namespace runs in the host network. */
    public boolean anyHostNetworkIn(String namespace) {
        Pods pods = byNamespace.get(namespace);
        return pods != null && pods.hostNetwork;
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

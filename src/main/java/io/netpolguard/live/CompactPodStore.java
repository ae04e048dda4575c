package io.netpolguard.live;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.netpolguard.cluster.PodEndpoints;
import io.netpolguard.netpol.PodEndpoint;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The informer's store for Pods, keeping only what NetworkPolicy needs (labels, addresses, ports,
 * hostNetwork) plus the resource version, instead of whole Pod objects: a few hundred bytes a pod
 * rather than several kilobytes, which is what keeps 100k pods within a small heap.
 */
public final class CompactPodStore implements ItemStore<Pod> {
    private record Entry(PodEndpoint endpoint, String resourceVersion) {
    }

    /** By namespace, then by name: a rebuild reads only the namespaces that changed. */
    private final Map<String, Map<String, Entry>> entries = new ConcurrentHashMap<>();
    private final Set<String> changedNamespaces = ConcurrentHashMap.newKeySet();
    private final Runnable onChange;
    private final Interner interner = new Interner();

    public CompactPodStore(Runnable onChange) {
        this.onChange = onChange;
    }

    /** The current pods, reduced. */
    public List<PodEndpoint> endpoints() {
        return entries.values().stream().flatMap(m -> m.values().stream()).map(Entry::endpoint).toList();
    }

    /** The current pods of one namespace, reduced. */
    public List<PodEndpoint> endpointsIn(String namespace) {
        Map<String, Entry> pods = entries.get(namespace);
        return pods == null ? List.of() : pods.values().stream().map(Entry::endpoint).toList();
    }

    /**
     * The namespaces in which what policies see of a pod changed since the last call, forgotten as they are returned:
     * read their pods after this call, and a change made meanwhile is returned again next time.
     */
    public Set<String> takeChangedNamespaces() {
        Set<String> taken = new HashSet<>();
        for (String namespace : changedNamespaces) {
            if (changedNamespaces.remove(namespace)) {
                taken.add(namespace);
            }
        }
        return taken;
    }

    @Override
    public String getKey(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    @Override
    public Pod put(String key, Pod pod) {
        PodEndpoint endpoint = PodEndpoints.fromStoredPod(pod);
        endpoint = new PodEndpoint(endpoint.kind(), endpoint.namespace(), endpoint.name(), interner.intern(endpoint.labels()),
                endpoint.addresses(), endpoint.hostNetwork(), interner.intern(endpoint.ports()));
        Entry previous = entries.computeIfAbsent(namespaceOf(key), n -> new ConcurrentHashMap<>())
                .put(nameOf(key), new Entry(endpoint, pod.getMetadata().getResourceVersion()));
        if (previous == null || !previous.endpoint().equals(endpoint)) {
            changed(namespaceOf(key));
        }
        return previous == null ? null : restore(previous);
    }

    @Override
    public Pod remove(String key) {
        Map<String, Entry> pods = entries.get(namespaceOf(key));
        Entry previous = pods == null ? null : pods.remove(nameOf(key));
        if (previous != null) {
            changed(namespaceOf(key));
        }
        return previous == null ? null : restore(previous);
    }

    private void changed(String namespace) {
        changedNamespaces.add(namespace);
        onChange.run();
    }

    @Override
    public Stream<String> keySet() {
        return entries.entrySet().stream()
                .flatMap(namespace -> namespace.getValue().keySet().stream().map(name -> namespace.getKey() + "/" + name));
    }

    @Override
    public Stream<Pod> values() {
        return entries.values().stream().flatMap(m -> m.values().stream()).map(CompactPodStore::restore);
    }

    @Override
    public int size() {
        return entries.values().stream().mapToInt(Map::size).sum();
    }

    @Override
    public Pod get(String key) {
        Map<String, Entry> pods = entries.get(namespaceOf(key));
        Entry entry = pods == null ? null : pods.get(nameOf(key));
        return entry == null ? null : restore(entry);
    }

    @Override
    public boolean isFullState() {
        return false;
    }

    /** Keys are namespace/name (getKey); a namespace has no slash. */
    private static String namespaceOf(String key) {
        return key.substring(0, key.indexOf('/'));
    }

    private static String nameOf(String key) {
        return key.substring(key.indexOf('/') + 1);
    }

    /** A minimal Pod with the kept fields, for the informer's own bookkeeping. */
    private static Pod restore(Entry entry) {
        PodEndpoint endpoint = entry.endpoint();
        return new PodBuilder()
                .withNewMetadata().withNamespace(endpoint.namespace()).withName(endpoint.name())
                .withLabels(endpoint.labels().asMap()).withResourceVersion(entry.resourceVersion()).endMetadata()
                .withNewSpec().withHostNetwork(endpoint.hostNetwork())
                .withContainers(new ContainerBuilder().withName("ports").withPorts(endpoint.ports().stream()
                        .map(p -> new ContainerPortBuilder().withName(p.name()).withContainerPort(p.number())
                                .withProtocol(p.protocol().name()).build()).toList()).build())
                .endSpec()
                .withNewStatus().withPodIPs(endpoint.addresses().stream()
                        .map(a -> new PodIPBuilder().withIp(a.getHostAddress()).build()).toList()).endStatus()
                .build();
    }
}

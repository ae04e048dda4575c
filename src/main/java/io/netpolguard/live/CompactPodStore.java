package io.netpolguard.live;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.netpolguard.cluster.PodEndpoints;
import io.netpolguard.netpol.PodEndpoint;
import java.util.List;
import java.util.Map;
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

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Runnable onChange;
    private final Interner interner = new Interner();

    public CompactPodStore(Runnable onChange) {
        this.onChange = onChange;
    }

    /** The current pods, reduced. */
    public List<PodEndpoint> endpoints() {
        return entries.values().stream().map(Entry::endpoint).toList();
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
        Entry previous = entries.put(key, new Entry(endpoint, pod.getMetadata().getResourceVersion()));
        if (previous == null || !previous.endpoint().equals(endpoint)) {
            onChange.run();
        }
        return previous == null ? null : restore(previous);
    }

    @Override
    public Pod remove(String key) {
        Entry previous = entries.remove(key);
        if (previous != null) {
            onChange.run();
        }
        return previous == null ? null : restore(previous);
    }

    @Override
    public Stream<String> keySet() {
        return entries.keySet().stream();
    }

    @Override
    public Stream<Pod> values() {
        return entries.values().stream().map(CompactPodStore::restore);
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public Pod get(String key) {
        Entry entry = entries.get(key);
        return entry == null ? null : restore(entry);
    }

    @Override
    public boolean isFullState() {
        return false;
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

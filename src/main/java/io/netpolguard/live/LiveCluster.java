package io.netpolguard.live;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.NamespaceInfo;
import io.netpolguard.cluster.NodeAddresses;
import io.netpolguard.cluster.PodIndex;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.cluster.UnevaluatedKinds;
import io.netpolguard.netpol.ClusterPolicies;
import io.netpolguard.netpol.ClusterPolicy;
import io.netpolguard.netpol.ClusterPolicyCompiler;
import io.netpolguard.netpol.ClusterPolicyKind;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.UnevaluatedPolicy;
import io.netpolguard.netpol.InvalidPolicyException;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PolicyCompiler;
import io.netpolguard.netpol.PolicySet;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The live cluster through fabric8 informers: Namespaces, Pods (reduced), NetworkPolicies (compiled
 * once when they enter the cache), the API server's EndpointSlices and Service, and DynaKubes and
 * EdgeConnects as generic resources once their CRDs exist. An immutable snapshot is rebuilt in the
 * background shortly after a change, so requests never wait for the API server.
 */
public final class LiveCluster implements SnapshotSource {
    private static final Logger LOG = Logger.getLogger(LiveCluster.class);
    private static final long LIST_PAGE = 500L;
    private static final Map<String, String> DYNATRACE_CRDS = Map.of("dynakubes.dynatrace.com", "DynaKube",
            "edgeconnects.dynatrace.com", "EdgeConnect");
    private static final Map<String, ClusterPolicyKind> CLUSTER_POLICY_CRDS = clusterPolicyCrds();
    private static final Map<String, UnevaluatedKinds.Kind> UNEVALUATED_CRDS = unevaluatedCrds();

    private final KubernetesClient client;
    private final long debounceMillis;
    private final Consumer<String> onRejectedPolicy;
    private final ScheduledExecutorService rebuilder = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "snapshot-rebuild");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean rebuildScheduled = new AtomicBoolean();
    private final Map<String, SharedIndexInformer<?>> informers = new ConcurrentHashMap<>();
    private final Map<String, CompiledPolicy> policies = new ConcurrentHashMap<>();
    /** Informers of custom resources (DynaKubes, cluster-wide and unevaluated policies), by CRD name. */
    private final Map<String, SharedIndexInformer<GenericKubernetesResource>> dynatrace = new ConcurrentHashMap<>();
    private final Map<String, ClusterPolicy> clusterPolicies = new ConcurrentHashMap<>();
    private volatile boolean clusterPoliciesChanged = true;
    private volatile ClusterPolicies clusterPolicySet = ClusterPolicies.NONE;
    private final CompactPodStore pods;
    private volatile boolean podsChanged = true;
    /** Policies are regrouped only when one changed, so pod churn keeps each namespace's selection cache. */
    private volatile boolean policiesChanged = true;
    private volatile PolicySet policySet = PolicySet.EMPTY;
    private volatile PodIndex podIndex = PodIndex.EMPTY;
    private volatile ClusterSnapshot snapshot = ClusterSnapshot.EMPTY;
    private volatile Instant builtAt;
    private volatile boolean started;
    private volatile boolean builtFromSyncedInformers;
    private final Map<String, Instant> notWatchingSince = new ConcurrentHashMap<>();
    /** Informers of optional kinds that RBAC forbids to list, with the API server's message. */
    private final Map<String, String> forbidden = new ConcurrentHashMap<>();
    private volatile Consumer<Duration> rebuildListener = duration -> { };
    private volatile Consumer<ClusterSnapshot> snapshotListener = built -> { };
    /** Custom resources: DynaKubes, EdgeConnects, unevaluated policies and the kinds that may not be listed. */
    private static final String CUSTOM = "custom";
    /**
     * What changed since the last rebuild, besides pods and policies: the rest is taken from the previous snapshot
     * as it is, so a pod change neither reads every Node, Service and Namespace again nor makes them new objects.
     */
    private final Set<String> stale = ConcurrentHashMap.newKeySet();

    public LiveCluster(KubernetesClient client, long debounceMillis, Consumer<String> onRejectedPolicy) {
        stale.addAll(List.of("namespaces", "services", "endpointslices", "nodes", CUSTOM));
        this.client = client;
        this.debounceMillis = debounceMillis;
        this.onRejectedPolicy = onRejectedPolicy;
        this.pods = new CompactPodStore(() -> {
            podsChanged = true;
            changed();
        });
    }

    /** Starts every informer; returns at once. {@link #synced()} tells when all have listed. */
    public void start() {
        informers.put("namespaces", launch("namespaces", client.namespaces().withLimit(LIST_PAGE),
                onAnyChange("namespaces"), null));
        informers.put("pods", launch("pods", client.pods().inAnyNamespace().withLimit(LIST_PAGE), null, pods));
        informers.put("networkpolicies", launch("networkpolicies",
                client.network().v1().networkPolicies().inAnyNamespace().withLimit(LIST_PAGE), new PolicyHandler(), null));
        informers.put("endpointslices", launch("endpointslices", client.discovery().v1().endpointSlices()
                .inNamespace("default").withLabel("kubernetes.io/service-name", "kubernetes"), onAnyChange("endpointslices"),
                null));
        // every Service: a DynaKube's proxy may be an in-cluster Service, reached at its endpoints
        informers.put("services", launch("services", client.services().inAnyNamespace().withLimit(LIST_PAGE),
                onAnyChange("services"), null));
        informers.put("nodes", launch("nodes", client.nodes().withLimit(LIST_PAGE), onAnyChange("nodes"), null));
        // only the CRDs the guard needs, each by name: a cluster's CRDs in full (their schemas) can be many megabytes
        CrdHandler crds = new CrdHandler();
        for (String crd : knownCrds()) {
            informers.put("crd/" + crd, launch("crd/" + crd, client.apiextensions().v1().customResourceDefinitions()
                    .withField("metadata.name", crd), crds, null));
        }
        started = true;
        changed();
        rebuilder.scheduleWithFixedDelay(this::checkWatches, 1, 1, TimeUnit.SECONDS);
    }

    /** Notes which informers, once synced, have no open watch, and since when; a reopened watch clears it. */
    private void checkWatches() {
        Map<String, SharedIndexInformer<?>> all = new LinkedHashMap<>(informers);
        all.putAll(dynatrace);
        Instant now = Instant.now();
        // a watch opens only after a list succeeded: the kind is readable again
        if (forbidden.keySet().removeIf(name -> !all.containsKey(name) || all.get(name).isWatching())) {
            LOG.info("an informer that was forbidden to list its kind is watching again");
            changed(CUSTOM);
        }
        for (Map.Entry<String, SharedIndexInformer<?>> entry : all.entrySet()) {
            SharedIndexInformer<?> informer = entry.getValue();
            if (forbidden.containsKey(entry.getKey())) {
                notWatchingSince.remove(entry.getKey());
            } else if (informer.hasSynced() && !informer.isWatching()) {
                if (notWatchingSince.putIfAbsent(entry.getKey(), now) == null) {
                    LOG.warnf("the %s informer has lost its watch; retrying", entry.getKey());
                }
            } else if (notWatchingSince.remove(entry.getKey()) != null) {
                LOG.infof("the %s informer is watching again", entry.getKey());
            }
        }
        notWatchingSince.keySet().retainAll(all.keySet());
    }

    @Override
    public Map<String, Instant> notWatchingSince() {
        return Map.copyOf(notWatchingSince);
    }

    @Override
    public Map<String, String> forbidden() {
        return Map.copyOf(forbidden);
    }

    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        // what it means and what to grant is the snapshot's problem (Guard#problems): here, what the API server said
        new TreeMap<>(forbidden).forEach((name, message) -> problems.add("cannot list " + resourceOf(name) + ": "
                + message));
        return problems;
    }

    @Override
    public void onRebuild(Consumer<Duration> listener) {
        this.rebuildListener = listener;
    }

    @Override
    public void onSnapshot(Consumer<ClusterSnapshot> listener) {
        this.snapshotListener = listener;
    }

    /**
     * Starts an informer without waiting for its first list (fabric8's {@code inform()} would block
     * until then), retrying for as long as the API server cannot be reached. Pods have no handler:
     * their compact store reports the changes that matter.
     */
    private <T extends HasMetadata> SharedIndexInformer<T> launch(String name, Informable<T> informable,
            ResourceEventHandler<? super T> handler, ItemStore<T> store) {
        SharedIndexInformer<T> informer = informable.runnableInformer(0);
        if (store != null) {
            informer.itemStore(store);
        }
        if (handler != null) {
            informer.addEventHandler(handler);
        }
        informer.exceptionHandler((wasStarted, error) -> {
            KubernetesClientException refusal = refusal(error);
            if (refusal != null && optionalKind(name) != null) {
                String message = statusMessage(refusal);
                if (forbidden.put(name, message) == null) {
                    LOG.warnf("cannot list %s (%s): every flow that %s objects could decide is unverifiable until the "
                            + "guard may list them (the ClusterRole netpol-guard grants it); retrying", resourceOf(name),
                            message, optionalKind(name));
                    changed(CUSTOM);
                }
            } else {
                LOG.warnf("cannot list or watch %s (%s); retrying", name, error.getMessage());
            }
            return true;
        });
        informer.start();
        return informer;
    }

    /** The 403 among an informer's error and its causes, else null. */
    private static KubernetesClientException refusal(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof KubernetesClientException e && e.getCode() == 403) {
                return e;
            }
        }
        return null;
    }

    private static String statusMessage(KubernetesClientException e) {
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
        return message == null ? "forbidden" : message.lines().findFirst().orElse("forbidden");
    }

    /**
     * How explanations name the kind of an informer whose kind is optional (a cluster-wide or unevaluated policy kind,
     * or the CRD informer that starts it), else null: the core kinds, DynaKubes and EdgeConnects are required.
     */
    static String optionalKind(String informer) {
        String crd = informer.startsWith("crd/") ? informer.substring(4) : informer;
        ClusterPolicyKind clusterKind = CLUSTER_POLICY_CRDS.get(crd);
        UnevaluatedKinds.Kind unevaluated = UNEVALUATED_CRDS.get(crd);
        return clusterKind != null ? clusterKind.kind() : unevaluated != null ? unevaluated.label() : null;
    }

    private static String resourceOf(String informer) {
        return informer.startsWith("crd/") ? "customresourcedefinition " + informer.substring(4) : informer;
    }

    public void stop() {
        informers.values().forEach(SharedIndexInformer::stop);
        dynatrace.values().forEach(SharedIndexInformer::stop);
        rebuilder.shutdownNow();
    }

    @Override
    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    /**
     * True once a snapshot was built after every informer had listed, and while every informer stays
     * synced. A rebuild that is merely pending (pods change all the time in a large cluster) does not
     * make the guard unsynced: it answers on the snapshot it has.
     */
    @Override
    public boolean synced() {
        if (!started || !informersSynced()) {
            return false;
        }
        if (!builtFromSyncedInformers) {
            // the last informers listed without an event (nothing to list): build from the full state now
            changed();
            return false;
        }
        return true;
    }

    /** Every informer has synced, except those of optional kinds that RBAC forbids to list (they count as unknown). */
    private boolean informersSynced() {
        Map<String, SharedIndexInformer<?>> all = new LinkedHashMap<>(informers);
        all.putAll(dynatrace);
        for (Map.Entry<String, SharedIndexInformer<?>> entry : all.entrySet()) {
            if (!entry.getValue().hasSynced() && !forbidden.containsKey(entry.getKey())) {
                return false;
            }
        }
        return true;
    }

    /** True while every informer (but those forbidden to list) holds an open watch, so changes reach the snapshot. */
    public boolean watching() {
        Map<String, SharedIndexInformer<?>> all = new LinkedHashMap<>(informers);
        all.putAll(dynatrace);
        return started && all.entrySet().stream()
                .allMatch(e -> e.getValue().isWatching() || forbidden.containsKey(e.getKey()));
    }

    @Override
    public Map<String, Boolean> syncState() {
        Map<String, Boolean> state = new LinkedHashMap<>();
        informers.forEach((name, informer) -> state.put(name, informer.hasSynced()));
        dynatrace.forEach((name, informer) -> state.put(name, informer.hasSynced()));
        return state;
    }

    @Override
    public Instant builtAt() {
        return builtAt;
    }

    @Override
    public String description() {
        return "the live cluster at " + client.getMasterUrl();
    }

    private void changed() {
        if (rebuildScheduled.compareAndSet(false, true)) {
            rebuilder.schedule(this::rebuild, debounceMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void rebuild() {
        rebuildScheduled.set(false);
        long start = System.nanoTime();
        Set<String> reread = new java.util.HashSet<>();
        try {
            boolean informersSynced = started && informersSynced();
            if (policiesChanged) {
                policiesChanged = false;
                policySet = PolicySet.of(policies.values());
            }
            boolean podIndexChanged = podsChanged;
            if (podsChanged) {
                podsChanged = false;
                // only the namespaces whose pods changed are indexed again; the others are shared
                Map<String, List<PodEndpoint>> changedNamespaces = new java.util.HashMap<>();
                pods.takeChangedNamespaces().forEach(namespace -> changedNamespaces.put(namespace, pods.endpointsIn(namespace)));
                podIndex = podIndex.withNamespaces(changedNamespaces);
            }
            for (String resource : stale) {
                if (stale.remove(resource)) {
                    reread.add(resource);
                }
            }
            ClusterSnapshot previous = snapshot;
            Map<String, NamespaceInfo> namespaces = reread.contains("namespaces") ? namespaceInfos() : previous.namespaces();
            if (clusterPoliciesChanged) {
                clusterPoliciesChanged = false;
                clusterPolicySet = new ClusterPolicies(clusterPolicies.values());
            }
            boolean custom = reread.contains(CUSTOM);
            // without Nodes, node addresses come from host-network pods
            boolean nodes = reread.contains("nodes") || podIndexChanged && store("nodes").isEmpty();
            // the new engine starts with the NetworkPolicy-tier decisions made so far: they stay true whatever changed
            ClusterSnapshot built = new ClusterSnapshot(namespaces, podIndex, policySet,
                    reread.contains("services") ? typed(store("services"), Service.class) : previous.services(),
                    reread.contains("endpointslices") ? typed(store("endpointslices"), EndpointSlice.class)
                            : previous.endpointSlices(), List.of(),
                    custom ? dynatraceObjects("DynaKube") : previous.dynaKubes(),
                    custom ? dynatraceObjects("EdgeConnect") : previous.edgeConnects(),
                    nodes ? nodeAddresses() : previous.nodeAddresses(), nodes ? nodeLabels() : previous.nodeLabels(),
                    clusterPolicySet, custom ? unevaluatedPolicies() : previous.unevaluatedPolicies(),
                    ClusterSnapshot.EngineCell.after(previous));
            long rebuilt = System.nanoTime() - start;
            if (informersSynced) { // before it is published: no request waits for what the guard makes ready
                prepare(built);
            }
            snapshot = built;
            builtAt = Instant.now();
            if (informersSynced) {
                builtFromSyncedInformers = true;
            }
            rebuildListener.accept(Duration.ofNanos(rebuilt));
        } catch (RuntimeException e) {
            LOG.errorf(e, "rebuilding the cluster snapshot failed; keeping the previous one");
            stale.addAll(reread);
        }
    }

    private void prepare(ClusterSnapshot built) {
        try {
            snapshotListener.accept(built);
        } catch (RuntimeException e) { // the requests make it themselves then
            LOG.warnf(e, "preparing the evaluation of the new snapshot failed");
        }
    }

    private Map<String, NamespaceInfo> namespaceInfos() {
        Map<String, NamespaceInfo> namespaces = new LinkedHashMap<>();
        for (Object item : store("namespaces")) {
            Namespace namespace = (Namespace) item;
            NamespaceInfo info = NamespaceInfo.of(namespace.getMetadata().getName(), namespace.getMetadata().getLabels(),
                    namespace.getMetadata().getAnnotations());
            namespaces.put(info.name(), info);
        }
        return namespaces;
    }

    /** The Nodes' InternalIPs; without readable Nodes, the addresses of host-network pods (they are node addresses). */
    private List<InetAddress> nodeAddresses() {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (Object node : store("nodes")) {
            addresses.addAll(NodeAddresses.internalIps((Node) node));
        }
        if (addresses.isEmpty()) {
            podIndex.all().stream().filter(PodEndpoint::hostNetwork).forEach(p -> addresses.addAll(p.addresses()));
        }
        return List.copyOf(addresses);
    }

    private Map<InetAddress, LabelSet> nodeLabels() {
        Map<InetAddress, LabelSet> labels = new LinkedHashMap<>();
        for (Object item : store("nodes")) {
            Node node = (Node) item;
            LabelSet nodeLabels = NodeAddresses.labels(node);
            NodeAddresses.allIps(node).forEach(address -> labels.put(address, nodeLabels));
        }
        return labels;
    }

    private List<UnevaluatedPolicy> unevaluatedPolicies() {
        List<UnevaluatedPolicy> found = new ArrayList<>();
        dynatrace.forEach((crd, informer) -> {
            UnevaluatedKinds.Kind kind = UNEVALUATED_CRDS.get(crd);
            if (kind != null) {
                informer.getStore().list().forEach(object ->
                        UnevaluatedKinds.read(kind, Manifests.JSON.valueToTree(object)).ifPresent(found::add));
            }
        });
        // a kind the guard may not list is unknown: any of its objects may apply anywhere
        Map<String, String> unlisted = new TreeMap<>();
        forbidden.keySet().forEach(name -> unlisted.put(optionalKind(name), name.startsWith("crd/")
                ? "customresourcedefinitions.apiextensions.k8s.io" : name));
        unlisted.forEach((kind, resource) -> found.add(UnevaluatedKinds.unlisted(kind, resource)));
        return found;
    }

    /** The names of every CRD whose objects the guard reads. */
    static List<String> knownCrds() {
        List<String> names = new ArrayList<>(new java.util.TreeSet<>(DYNATRACE_CRDS.keySet()));
        names.addAll(new java.util.TreeSet<>(CLUSTER_POLICY_CRDS.keySet()));
        names.addAll(new java.util.TreeSet<>(UNEVALUATED_CRDS.keySet()));
        return names;
    }

    private static Map<String, ClusterPolicyKind> clusterPolicyCrds() {
        Map<String, ClusterPolicyKind> crds = new LinkedHashMap<>();
        for (ClusterPolicyKind kind : ClusterPolicyKind.values()) {
            crds.put(kind.plural() + "." + ClusterPolicyKind.GROUP, kind);
        }
        return Map.copyOf(crds);
    }

    private static Map<String, UnevaluatedKinds.Kind> unevaluatedCrds() {
        Map<String, UnevaluatedKinds.Kind> crds = new LinkedHashMap<>();
        UnevaluatedKinds.KINDS.forEach(kind -> crds.put(kind.plural() + "." + kind.group(), kind));
        return Map.copyOf(crds);
    }

    private List<?> store(String name) {
        SharedIndexInformer<?> informer = informers.get(name);
        return informer == null ? List.of() : informer.getStore().list();
    }

    private static <T> List<T> typed(List<?> items, Class<T> type) {
        return items.stream().map(type::cast).toList();
    }

    private List<GenericKubernetesResource> dynatraceObjects(String kind) {
        List<GenericKubernetesResource> objects = new ArrayList<>();
        dynatrace.forEach((crd, informer) -> {
            if (kind.equals(DYNATRACE_CRDS.get(crd))) {
                objects.addAll(informer.getStore().list());
            }
        });
        return objects;
    }

    /** Marks what the next rebuild must read again ({@code resource}), and schedules it. */
    private <T extends HasMetadata> ResourceEventHandler<T> onAnyChange(String resource) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                changed(resource);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                changed(resource);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                changed(resource);
            }
        };
    }

    private void changed(String resource) {
        stale.add(resource);
        changed();
    }

    /** Compiles each policy once, when it enters or changes in the cache. */
    private final class PolicyHandler implements ResourceEventHandler<NetworkPolicy> {
        @Override
        public void onAdd(NetworkPolicy policy) {
            String key = policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
            try {
                // the API server holds it: what cannot be read is unknown, and its selector still isolates
                CompiledPolicy compiled = PolicyCompiler.compileAsStored(policy);
                policies.put(key, compiled);
                policiesChanged = true;
                compiled.problems().forEach(p -> onRejectedPolicy.accept("NetworkPolicy " + key + ": " + p));
            } catch (InvalidPolicyException e) {
                policies.remove(key);
                policiesChanged = true;
                onRejectedPolicy.accept(e.getMessage());
            }
            changed();
        }

        @Override
        public void onUpdate(NetworkPolicy oldPolicy, NetworkPolicy newPolicy) {
            onAdd(newPolicy);
        }

        @Override
        public void onDelete(NetworkPolicy policy, boolean deletedFinalStateUnknown) {
            policies.remove(policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName());
            policiesChanged = true;
            changed();
        }
    }

    /**
     * Starts an informer for a DynaKube, EdgeConnect, cluster-wide policy or unevaluated policy CRD when it appears,
     * stops it when the CRD goes.
     */
    private final class CrdHandler implements ResourceEventHandler<CustomResourceDefinition> {
        @Override
        public void onAdd(CustomResourceDefinition crd) {
            String name = crd.getMetadata().getName();
            ClusterPolicyKind clusterKind = CLUSTER_POLICY_CRDS.get(name);
            UnevaluatedKinds.Kind unevaluatedKind = UNEVALUATED_CRDS.get(name);
            String kind = DYNATRACE_CRDS.containsKey(name) ? DYNATRACE_CRDS.get(name)
                    : clusterKind != null ? clusterKind.kind() : unevaluatedKind != null ? unevaluatedKind.kind() : null;
            if (kind == null || dynatrace.containsKey(name)) {
                return;
            }
            String version = servedVersion(crd, clusterKind == null ? List.of() : clusterKind.versions());
            if (version == null) {
                return;
            }
            String apiVersion = crd.getSpec().getGroup() + "/" + version;
            LOG.infof("watching %s %s", kind, apiVersion);
            ResourceEventHandler<GenericKubernetesResource> handler = clusterKind != null
                    ? new ClusterPolicyHandler(clusterKind) : onAnyChange(CUSTOM);
            // The resource as the CRD defines it, not looked up by apiVersion and kind: that lookup asks the API
            // server's discovery, which serves a new CRD's group only some time after the CRD appears (the lookup
            // failed, and the CRD's later status updates may all come before discovery catches up). Until the CRD
            // is established the informer's list fails and is retried.
            boolean namespaced = "Namespaced".equals(crd.getSpec().getScope());
            ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
                    .withGroup(crd.getSpec().getGroup()).withVersion(version)
                    .withKind(crd.getSpec().getNames().getKind()).withPlural(crd.getSpec().getNames().getPlural())
                    .withNamespaced(namespaced).build();
            var resources = client.genericKubernetesResources(context);
            dynatrace.put(name, launch(name, namespaced ? resources.inAnyNamespace() : resources, handler, null));
            changed(CUSTOM);
        }

        @Override
        public void onUpdate(CustomResourceDefinition oldCrd, CustomResourceDefinition newCrd) {
            onAdd(newCrd);
        }

        @Override
        public void onDelete(CustomResourceDefinition crd, boolean deletedFinalStateUnknown) {
            String name = crd.getMetadata().getName();
            SharedIndexInformer<GenericKubernetesResource> informer = dynatrace.remove(name);
            if (informer != null) {
                informer.stop();
                ClusterPolicyKind clusterKind = CLUSTER_POLICY_CRDS.get(name);
                if (clusterKind != null && clusterPolicies.keySet().removeIf(id -> id.startsWith(clusterKind.kind() + "/"))) {
                    clusterPoliciesChanged = true;
                }
                changed(CUSTOM);
            }
        }

        /**
         * The first of {@code known} that is served (the versions the guard reads, preferred first), else the storage
         * version when it is served, else any served version: the API server converts.
         */
        private static String servedVersion(CustomResourceDefinition crd, List<String> known) {
            List<String> served = new ArrayList<>();
            String storage = null;
            for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
                if (Boolean.TRUE.equals(version.getServed())) {
                    served.add(version.getName());
                    if (Boolean.TRUE.equals(version.getStorage())) {
                        storage = version.getName();
                    }
                }
            }
            for (String version : known) {
                if (served.contains(version)) {
                    return version;
                }
            }
            return storage != null ? storage : served.isEmpty() ? null : served.get(0);
        }
    }

    /** Compiles each cluster-wide policy once, when it enters or changes in the cache. */
    private final class ClusterPolicyHandler implements ResourceEventHandler<GenericKubernetesResource> {
        private final ClusterPolicyKind kind;

        ClusterPolicyHandler(ClusterPolicyKind kind) {
            this.kind = kind;
        }

        @Override
        public void onAdd(GenericKubernetesResource object) {
            try {
                ClusterPolicy compiled = ClusterPolicyCompiler.compile(kind, Manifests.JSON.valueToTree(object));
                clusterPolicies.put(compiled.id(), compiled);
                compiled.problems().forEach(p -> onRejectedPolicy.accept(compiled.id() + ": " + p));
            } catch (InvalidPolicyException e) {
                onRejectedPolicy.accept(e.getMessage());
            }
            clusterPoliciesChanged = true;
            changed();
        }

        @Override
        public void onUpdate(GenericKubernetesResource oldObject, GenericKubernetesResource newObject) {
            onAdd(newObject);
        }

        @Override
        public void onDelete(GenericKubernetesResource object, boolean deletedFinalStateUnknown) {
            clusterPolicies.remove(kind.kind() + "/" + object.getMetadata().getName());
            clusterPoliciesChanged = true;
            changed();
        }
    }
}

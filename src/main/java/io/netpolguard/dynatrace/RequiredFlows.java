package io.netpolguard.dynatrace;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.PodIndex;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Turns a snapshot into the flows the Dynatrace Operator needs there (spec §3), using the catalogue. */
public final class RequiredFlows {
    private final FlowCatalogue catalogue;
    private final DynatraceSettings settings;
    private final Peers peers;
    private final HostResolver resolver;
    private volatile PodsScan podsScan;

    public RequiredFlows(FlowCatalogue catalogue, DynatraceSettings settings, HostResolver resolver) {
        this.catalogue = catalogue;
        this.settings = settings;
        this.peers = new Peers(settings, resolver);
        this.resolver = resolver;
    }

    /** Changes when a host name resolves differently: flows derived before may hold old addresses. */
    public long resolverGeneration() {
        return resolver.generation();
    }

    public FlowCatalogue catalogue() {
        return catalogue;
    }

    public DynatraceSettings settings() {
        return settings;
    }

    public List<RequiredFlow> derive(ClusterSnapshot snapshot) {
        return derive(snapshot, null, Map.of(), null);
    }

    /** The owner of the flows of a DynaKube or EdgeConnect, as {@link RequiredFlow#owner()} names it. */
    public static String ownerOf(String kind, String namespace, String name) {
        return kind + " " + namespace + "/" + name;
    }

    /**
     * The flows of {@code after}, made from {@code before} by creating, changing or deleting the DynaKube or
     * EdgeConnect {@code changedOwner} ({@link #ownerOf}): only its flows are derived again. Every other flow
     * depends on the pods, namespaces, Services, the operator's namespace and its own object, none of which such a
     * change touches, so it is taken from {@code beforeFlows} (the flows of {@code before}); all are derived again
     * when the change moves the operator's namespace (found through the Dynatrace objects when no operator pod runs).
     * When a DynaKube is updated, its flows from the monitored apps look again only at the apps of the namespaces it
     * reaches with other features than before, as long as what else shapes those flows is the same
     * ({@link #appsAfterPodChange}). In the order {@link #derive} gives.
     */
    public List<RequiredFlow> deriveAfterChange(ClusterSnapshot before, List<RequiredFlow> beforeFlows,
            ClusterSnapshot after, String changedOwner) {
        OperatorNamespace operator = operatorNamespace(before);
        if (!operator.equals(operatorNamespace(after))) {
            return derive(after);
        }
        return derive(after, Set.of(changedOwner), kept(beforeFlows, Set.of(changedOwner)),
                dynaKubeUpdate(before, beforeFlows, after, operator, changedOwner));
    }

    /**
     * For an update of the DynaKube {@code changedOwner}: the namespaces whose apps it reaches with other features now,
     * as a pod change there that also names the DynaKube as it was. Null for anything else.
     */
    private PodChange dynaKubeUpdate(ClusterSnapshot before, List<RequiredFlow> beforeFlows, ClusterSnapshot after,
            OperatorNamespace operator, String changedOwner) {
        DynaKube was = dynaKube(before, changedOwner);
        DynaKube now = dynaKube(after, changedOwner);
        if (was == null || now == null) {
            return null;
        }
        Set<String> namespaces = MonitoredApps.reachedDifferently(was, now, operator.namespace(), after);
        return podChange(before, beforeFlows, operator, namespaces, was);
    }

    /** The DynaKube of the snapshot that {@code owner} ({@link #ownerOf}) names, or null. */
    private static DynaKube dynaKube(ClusterSnapshot snapshot, String owner) {
        for (GenericKubernetesResource resource : snapshot.dynaKubes()) {
            if (owner.equals(ownerOf("DynaKube", resource.getMetadata().getNamespace(), resource.getMetadata().getName()))) {
                return ReadOnce.dynaKube(resource);
            }
        }
        return null;
    }

    /**
     * The flows of {@code after}, made from {@code before} by changing the labels of {@code namespace}: namespace
     * labels decide only which DynaKube features reach the namespace's apps, so only the flows of DynaKubes that reach
     * it differently are derived again, and of those only the namespace's apps are looked at again (as after a pod
     * change there); every other flow is taken from {@code beforeFlows}. In the order {@link #derive} gives.
     */
    public List<RequiredFlow> deriveAfterNamespaceChange(ClusterSnapshot before, List<RequiredFlow> beforeFlows,
            ClusterSnapshot after, String namespace) {
        OperatorNamespace operator = operatorNamespace(before);
        if (!operator.equals(operatorNamespace(after))) {
            return derive(after);
        }
        Set<String> changed = new HashSet<>();
        for (Object object : readAll(after.dynaKubes(), true)) {
            DynaKube dk = (DynaKube) object;
            if (!Objects.equals(MonitoredApps.featuresIn(dk, operator.namespace(), namespace, before.labelsOf(namespace)),
                    MonitoredApps.featuresIn(dk, operator.namespace(), namespace, after.labelsOf(namespace)))) {
                changed.add(new Owner(dk, null).describe());
            }
        }
        if (changed.isEmpty()) {
            return beforeFlows;
        }
        // the apps of other namespaces are what they were: only this namespace's slice of their flows is looked at
        return derive(after, changed, kept(beforeFlows, changed),
                podChange(before, beforeFlows, operator, Set.of(namespace), null));
    }

    /**
     * The flows of {@code after}, which differs from {@code before} only in the pods of {@code namespaces}
     * ({@link io.netpolguard.cluster.PodIndex#namespacesChangedSince}). Every flow is instantiated again but the
     * monitored apps' side of a flow from them: when its other end is what it was, the connections of apps in other
     * namespaces are taken from the flow of {@code beforeFlows} and only the apps of {@code namespaces} are looked at.
     * A flow equal to the one before is that very flow (its evaluation stays valid). All are derived again when the
     * change moves the operator's namespace. Equal to {@link #derive}{@code (after)}, in its order.
     */
    public List<RequiredFlow> deriveAfterPodChange(ClusterSnapshot before, List<RequiredFlow> beforeFlows,
            ClusterSnapshot after, Set<String> namespaces) {
        OperatorNamespace operator = operatorNamespace(before);
        if (!operator.equals(operatorNamespace(after))) {
            return derive(after);
        }
        return derive(after, null, Map.of(), podChange(before, beforeFlows, operator, namespaces, null));
    }

    /** @param updatedFrom the DynaKube updated, as it was; null when every DynaKube stays */
    private PodChange podChange(ClusterSnapshot before, List<RequiredFlow> beforeFlows, OperatorNamespace operator,
            Set<String> namespaces, DynaKube updatedFrom) {
        Components components = new Components(before, settings, operator.namespace());
        Map<String, RequiredFlow> byKey = new HashMap<>();
        beforeFlows.forEach(flow -> byKey.put(flow.key(), flow));
        return new PodChange(before, components, components.exists(Component.CSI_DRIVER, ""), byKey, namespaces,
                updatedFrom, new IdentityHashMap<>());
    }

    /**
     * The snapshot before a change, its flows by key, and the namespaces whose apps are looked at again; for an update
     * of a DynaKube, that DynaKube as it was (null for a pod or namespace change, where every DynaKube stays).
     */
    private record PodChange(ClusterSnapshot before, Components components, boolean csiPresent,
            Map<String, RequiredFlow> flows, Set<String> namespaces, DynaKube updatedFrom,
            Map<DynaKube, List<MonitoredApps.NamespaceApps>> appsByDynaKube) {
        /** The owner of a flow as it was before the change. */
        Owner ownerBefore(Owner owner) {
            return updatedFrom == null ? owner : new Owner(updatedFrom, null);
        }

        /** The apps {@code dk} reaches in the changed namespaces: found once for all its flows from the apps. */
        List<MonitoredApps.NamespaceApps> apps(DynaKube dk, ClusterSnapshot snapshot, String operatorNamespace) {
            return appsByDynaKube.computeIfAbsent(dk, d -> MonitoredApps.in(d, snapshot, operatorNamespace, namespaces));
        }
    }

    private static Map<String, RequiredFlow> kept(List<RequiredFlow> flows, Set<String> changedOwners) {
        Map<String, RequiredFlow> kept = new HashMap<>();
        for (RequiredFlow flow : flows) {
            if (!changedOwners.contains(flow.owner())) {
                kept.put(flow.key(), flow);
            }
        }
        return kept;
    }

    /**
     * With {@code changedOwners} set, only their flows are instantiated; the others come from {@code kept} by key. With
     * it null, every flow is instantiated, reusing what {@code podChange} (null for none) left of the flows before.
     */
    private List<RequiredFlow> derive(ClusterSnapshot snapshot, Set<String> changedOwners, Map<String, RequiredFlow> kept,
            PodChange podChange) {
        List<DynaKube> dynaKubes = readAll(snapshot.dynaKubes(), true).stream().map(o -> (DynaKube) o).toList();
        List<EdgeConnect> edgeConnects = readAll(snapshot.edgeConnects(), false).stream().map(o -> (EdgeConnect) o).toList();
        OperatorNamespace operator = operatorNamespace(snapshot);
        Components components = new Components(snapshot, settings, operator.namespace());
        boolean csiPresent = components.exists(Component.CSI_DRIVER, "");
        Map<DynaKube, Set<String>> dynaKubeFacts = new IdentityHashMap<>();

        List<RequiredFlow> flows = new ArrayList<>();
        for (FlowDefinition definition : catalogue.flows()) {
            switch (definition.scope()) {
                case ALWAYS, OPERATOR -> {
                    if (changedOwners != null) {
                        addKept(flows, kept, definition, Owner.NONE);
                    } else if (definition.scope() == FlowDefinition.Scope.ALWAYS) {
                        flows.add(instantiate(definition, Owner.NONE, snapshot, components, csiPresent, podChange));
                    } else if (operator.found() && definition.requiredGiven(csiPresent ? Set.of("csi") : Set.of())) {
                        flows.add(instantiate(definition, Owner.NONE, snapshot, components, csiPresent, podChange));
                    }
                }
                case DYNAKUBE -> {
                    for (DynaKube dynaKube : dynaKubes) {
                        Owner owner = new Owner(dynaKube, null);
                        if (changedOwners != null && !changedOwners.contains(owner.describe())) {
                            addKept(flows, kept, definition, owner);
                        } else if (definition.requiredGiven(dynaKubeFacts.computeIfAbsent(dynaKube,
                                dk -> facts(dk, csiPresent, snapshot)))) {
                            flows.add(instantiate(definition, owner, snapshot, components, csiPresent, podChange));
                        }
                    }
                }
                case EDGECONNECT -> {
                    for (EdgeConnect edgeConnect : edgeConnects) {
                        Owner owner = new Owner(null, edgeConnect);
                        if (changedOwners != null && !changedOwners.contains(owner.describe())) {
                            addKept(flows, kept, definition, owner);
                        } else if (definition.requiredGiven(edgeConnectFacts(edgeConnect))) {
                            flows.add(instantiate(definition, owner, snapshot, components, csiPresent, podChange));
                        }
                    }
                }
                default -> throw new IllegalStateException("unknown scope " + definition.scope());
            }
        }
        return flows;
    }

    /** The kept flow of this definition and owner, if it was required before. */
    private static void addKept(List<RequiredFlow> flows, Map<String, RequiredFlow> kept, FlowDefinition definition,
            Owner owner) {
        RequiredFlow flow = kept.get(RequiredFlow.key(definition.id(), owner.describe()));
        if (flow != null) {
            flows.add(flow);
        }
    }

    /** Whether the snapshot has anything to check: the operator, a DynaKube or EdgeConnect, or the guard itself. */
    public boolean hasAnythingToCheck(ClusterSnapshot snapshot) {
        OperatorNamespace operator = operatorNamespace(snapshot);
        return operator.found() || new Components(snapshot, settings, operator.namespace()).exists(Component.NETPOL_GUARD, "");
    }

    /** Where the operator runs in this snapshot, and whether it is there at all. */
    public OperatorNamespace operatorNamespace(ClusterSnapshot snapshot) {
        PodsScan scan = podsScan;
        if (scan == null) {
            scan = new PodsScan(snapshot.pods(), OperatorNamespace.namespacesWithPods(snapshot, settings));
            podsScan = scan;
        } else if (scan.pods() != snapshot.pods()) {
            scan = scan.after(snapshot, settings);
            podsScan = scan;
        }
        return OperatorNamespace.of(snapshot, settings, scan.namespaces());
    }

    /** Where operator pods run, for the pods of the snapshots last seen (every change but a pod change shares them). */
    private record PodsScan(PodIndex pods, Set<String> namespaces) {
        /** The scan of {@code snapshot}'s pods: only the namespaces whose pods differ are looked at again. */
        PodsScan after(ClusterSnapshot snapshot, DynatraceSettings settings) {
            Set<String> changed = snapshot.pods().namespacesChangedSince(pods);
            Set<String> withPods = new HashSet<>(namespaces);
            withPods.removeAll(changed);
            withPods.addAll(OperatorNamespace.namespacesWithPods(snapshot, settings, changed));
            return new PodsScan(snapshot.pods(), Set.copyOf(withPods));
        }
    }

    /** Problems found while locating the operator and reading the DynaKubes and EdgeConnects, each naming its object. */
    public List<String> problems(ClusterSnapshot snapshot) {
        List<String> problems = new ArrayList<>();
        String located = operatorNamespace(snapshot).problem();
        if (located != null) {
            problems.add(located);
        }
        for (Object object : readAll(snapshot.dynaKubes(), true)) {
            DynaKube dk = (DynaKube) object;
            dk.problems().forEach(p -> problems.add("DynaKube " + dk.id() + ": " + p));
        }
        for (Object object : readAll(snapshot.edgeConnects(), false)) {
            EdgeConnect ec = (EdgeConnect) object;
            ec.problems().forEach(p -> problems.add("EdgeConnect " + ec.id() + ": " + p));
        }
        return problems;
    }

    private static List<Object> readAll(List<GenericKubernetesResource> resources, boolean dynaKube) {
        List<Object> read = new ArrayList<>();
        for (GenericKubernetesResource resource : resources) {
            read.add(dynaKube ? ReadOnce.dynaKube(resource) : ReadOnce.edgeConnect(resource));
        }
        return read;
    }

    static Set<String> facts(DynaKube dk, boolean csiPresent, ClusterSnapshot snapshot) {
        Set<String> facts = new HashSet<>();
        if (csiUsed(dk, csiPresent)) {
            facts.add("csi");
        }
        if (dk.hasActiveGate()) {
            facts.add("activegate");
        }
        dk.activeGateCapabilities().forEach(c -> facts.add("capability:" + c));
        add(facts, "injection", dk.injects());
        add(facts, "code-modules-image", dk.codeModulesImage() != null);
        add(facts, "host-oneagent", dk.hostAgent());
        add(facts, "extensions", dk.extensionController());
        add(facts, "prometheus", dk.prometheus());
        add(facts, "sql-executor", !dk.databases().isEmpty());
        add(facts, "otel-collector", dk.otelCollector());
        add(facts, "telemetry-ingest", dk.hasTelemetryIngest());
        add(facts, "kspm", dk.kspm());
        add(facts, "log-monitoring", dk.standaloneLogMonitoring());
        add(facts, "metadata-enrichment", dk.metadataEnrichment());
        add(facts, "otlp-exporter", dk.otlpExporter());
        add(facts, "in-cluster-proxy", ProxyUse.inClusterProxy(dk, snapshot).isPresent());
        return facts;
    }

    static Set<String> edgeConnectFacts(EdgeConnect ec) {
        Set<String> facts = new HashSet<>();
        add(facts, "kubernetes-automation", ec.kubernetesAutomation());
        // kubernetesAutomation is only valid with the provisioner (pkg/api/validation/edgeconnect/automation_validation.go)
        add(facts, "provisioner", ec.provisioner() || ec.kubernetesAutomation());
        add(facts, "default-image", !ec.customImage());
        return facts;
    }

    private static boolean csiUsed(DynaKube dk, boolean csiPresent) {
        return csiPresent && (dk.useCsiDriver() == null || dk.useCsiDriver());
    }

    private static void add(Set<String> facts, String fact, boolean holds) {
        if (holds) {
            facts.add(fact);
        }
    }

    private RequiredFlow instantiate(FlowDefinition definition, Owner owner, ClusterSnapshot snapshot, Components components,
            boolean csiPresent, PodChange podChange) {
        RequiredFlow before = podChange == null ? null
                : podChange.flows().get(RequiredFlow.key(definition.id(), owner.describe()));
        if (Component.MONITORED_APPS.id().equals(definition.from()) && owner.dynaKube() != null) {
            RequiredFlow reused = before == null ? null
                    : appsAfterPodChange(definition, owner, snapshot, components, csiPresent, podChange, before);
            return reused != null ? reused : appFlow(definition, owner, snapshot, components, csiPresent, before);
        }
        Component sourceComponent = Component.byId(definition.from());
        Ends sources = ends(definition.from(), owner, snapshot, components, null);
        Ends destinations = ends(definition.to(), owner, snapshot, components, sourceComponent);
        boolean csiUsed = owner.dynaKube() != null && csiUsed(owner.dynaKube(), csiPresent);
        List<FlowConnection> connections = connections(definition, owner, sources.targets(), destinations.targets(),
                portsOf(definition, destinations, owner), csiUsed);
        List<String> notes = new ArrayList<>(sources.notes());
        notes.addAll(destinations.notes());
        String unverifiable = sources.unverifiable() != null ? sources.unverifiable() : destinations.unverifiable();
        if (unverifiable != null && !sources.targets().isEmpty() && sources.targets().stream()
                .allMatch(t -> t.end().endpoint() instanceof PodEndpoint pod && pod.hostNetwork())) {
            unverifiable = null; // host-network sources are outside NetworkPolicy: not-applicable, whatever the peer
        }
        RequiredFlow flow = new RequiredFlow(definition, owner.describe(), connections, unverifiable, notes);
        return flow.equals(before) ? before : flow;
    }

    /**
     * A flow from the monitored apps, as {@link #instantiate} makes any other flow from its ends: its connections are
     * the runs of the namespaces with apps ({@link AppRuns}).
     */
    private RequiredFlow appFlow(FlowDefinition definition, Owner owner, ClusterSnapshot snapshot, Components components,
            boolean csiPresent, RequiredFlow before) {
        Ends destinations = ends(definition.to(), owner, snapshot, components, Component.MONITORED_APPS);
        boolean csiUsed = csiUsed(owner.dynaKube(), csiPresent);
        List<List<PortSpec>> portsOf = portsOf(definition, destinations, owner);
        List<AppRuns.Run> runs = new ArrayList<>();
        boolean anyApp = false;
        boolean allHostNetwork = true;
        for (MonitoredApps.NamespaceApps apps : MonitoredApps.in(owner.dynaKube(), snapshot,
                components.operatorNamespace(), snapshot.pods().namespaces())) {
            runs.add(appRun(definition, owner, apps, destinations.targets(), portsOf, csiUsed));
            List<PodEndpoint> pods = apps.pods();
            anyApp |= !pods.isEmpty();
            allHostNetwork = allHostNetwork && pods.stream().allMatch(PodEndpoint::hostNetwork);
        }
        List<String> notes = new ArrayList<>(anyApp ? List.of() : noApps(owner));
        notes.addAll(destinations.notes());
        // host-network sources are outside NetworkPolicy: not-applicable, whatever the peer
        String unverifiable = anyApp && allHostNetwork ? null : destinations.unverifiable();
        RequiredFlow flow = new RequiredFlow(definition, owner.describe(), AppRuns.of(runs), unverifiable, notes);
        return flow.equals(before) ? before : flow;
    }

    /** The ports of each destination, in its order: per destination, not per pair. */
    private List<List<PortSpec>> portsOf(FlowDefinition definition, Ends destinations, Owner owner) {
        List<List<PortSpec>> portsOf = new ArrayList<>(destinations.targets().size());
        for (Target destination : destinations.targets()) {
            portsOf.add(ports(definition, destination, owner));
        }
        return portsOf;
    }

    private static List<FlowConnection> connections(FlowDefinition definition, Owner owner, List<Target> sources,
            List<Target> destinations, List<List<PortSpec>> portsOf, boolean csiUsed) {
        List<FlowConnection> connections = new ArrayList<>();
        for (Target source : sources) {
            for (int d = 0; d < destinations.size(); d++) {
                Target destination = destinations.get(d);
                for (PortSpec port : appPorts(definition, owner, source.features(), portsOf.get(d), csiUsed)) {
                    connections.add(new FlowConnection(source.end(), destination.end(),
                            new Connection(source.end().endpoint(), destination.end().endpoint(), port.port(), port.protocol())));
                }
            }
        }
        return connections;
    }

    /**
     * A flow from the monitored apps after a pod change, made from {@code before}: when its destinations and the use
     * of the CSI driver are what they were, an app's connections depend on nothing but the app, its namespace's labels
     * and the DynaKube, none of which a pod elsewhere changes; so only the apps of the changed namespaces are looked
     * at. After an update of the DynaKube, the same holds when the ports it gives the destinations and the ports it
     * gives an app for each set of features are what they were, and the changed namespaces are those it reaches with
     * other features. Null when any of that changed or cannot be judged: the flow is then instantiated in full.
     */
    private RequiredFlow appsAfterPodChange(FlowDefinition definition, Owner owner, ClusterSnapshot snapshot,
            Components components, boolean csiPresent, PodChange podChange, RequiredFlow before) {
        if (owner.dynaKube() == null || Component.MONITORED_APPS.id().equals(definition.to())) {
            return null;
        }
        Component sourceComponent = Component.MONITORED_APPS;
        Owner ownerBefore = podChange.ownerBefore(owner);
        Ends destinations = ends(definition.to(), owner, snapshot, components, sourceComponent);
        Ends destinationsBefore = ends(definition.to(), ownerBefore, podChange.before(), podChange.components(),
                sourceComponent);
        boolean csiUsed = csiUsed(owner.dynaKube(), csiPresent);
        if (destinations.unverifiable() != null || csiUsed != csiUsed(ownerBefore.dynaKube(), podChange.csiPresent())
                || !destinations.equals(destinationsBefore)) {
            return null;
        }
        List<List<PortSpec>> portsOf = portsOf(definition, destinations, owner);
        if (ownerBefore != owner && (!portsOf.equals(portsOf(definition, destinationsBefore, ownerBefore))
                || definition.ports().contains("app-ports")
                        && !MonitoredApps.sameAppPorts(ownerBefore.dynaKube(), owner.dynaKube(), csiUsed))) {
            return null;
        }
        if (!(before.connections() instanceof AppRuns runsBefore)) {
            return null;
        }
        List<AppRuns.Run> fresh = new ArrayList<>();
        for (MonitoredApps.NamespaceApps apps : podChange.apps(owner.dynaKube(), snapshot,
                components.operatorNamespace())) {
            fresh.add(appRun(definition, owner, apps, destinations.targets(), portsOf, csiUsed));
        }
        AppRuns.Replaced replaced = runsBefore.replace(fresh);
        List<String> notes = new ArrayList<>(MonitoredApps.any(owner.dynaKube(), snapshot, components.operatorNamespace())
                ? List.of() : noApps(owner));
        notes.addAll(destinations.notes());
        if (!replaced.changed() && notes.equals(before.notes())) {
            return before;
        }
        return new RequiredFlow(definition, owner.describe(), replaced.runs(), null, notes);
    }

    private static List<Target> appTargets(List<MonitoredApps.App> apps) {
        List<Target> targets = new ArrayList<>(apps.size());
        for (MonitoredApps.App app : apps) {
            targets.add(new Target(AppRuns.appEnd(app.pod()), null, app.features()));
        }
        return targets;
    }

    /**
     * The connections of one namespace's apps, as {@link #connections} makes them from their targets: the ports of each
     * destination follow from the features, which are the namespace's, so they are found once.
     */
    private static AppRuns.Run appRun(FlowDefinition definition, Owner owner, MonitoredApps.NamespaceApps apps,
            List<Target> destinations, List<List<PortSpec>> portsOf, boolean csiUsed) {
        List<AppRuns.Place> places = new ArrayList<>();
        if (!apps.pods().isEmpty()) {
            for (int d = 0; d < destinations.size(); d++) {
                FlowEnd destination = destinations.get(d).end();
                for (PortSpec port : appPorts(definition, owner, apps.features(), portsOf.get(d), csiUsed)) {
                    places.add(new AppRuns.Place(destination, port.port(), port.protocol()));
                }
            }
        }
        return new AppRuns.Run(apps.namespace(), apps.pods(), apps.anyHostNetwork(), places);
    }

    private static List<String> noApps(Owner owner) {
        return List.of("no application pods found in the namespaces " + owner.describe() + " reaches");
    }

    /**
     * The ports of one source: for {@code app-ports}, what the features that reach the app's namespace
     * need ({@link MonitoredApps}); otherwise the destination's ports.
     */
    private static List<PortSpec> appPorts(FlowDefinition definition, Owner owner, Set<MonitoredApps.Feature> features,
            List<PortSpec> destinationPorts, boolean csiUsed) {
        if (!definition.ports().contains("app-ports") || features == null) {
            return destinationPorts;
        }
        if (Component.ACTIVEGATE.id().equals(definition.to())) {
            return MonitoredApps.activeGatePorts(owner.dynaKube(), features);
        }
        return MonitoredApps.needsTenant(owner.dynaKube(), features, csiUsed) ? destinationPorts : List.of();
    }

    private Ends ends(String id, Owner owner, ClusterSnapshot snapshot, Components components, Component source) {
        Component component = Component.byId(id);
        if (component != null) {
            return componentEnds(component, owner, snapshot, components);
        }
        return peers.resolve(PeerKind.byId(id), owner, snapshot, components, source);
    }

    private Ends componentEnds(Component component, Owner owner, ClusterSnapshot snapshot, Components components) {
        if (component == Component.MONITORED_APPS) {
            List<Target> targets = appTargets(MonitoredApps.of(owner.dynaKube(), snapshot, components.operatorNamespace()));
            return new Ends(targets, null, targets.isEmpty() ? noApps(owner) : List.of());
        }
        String ownerName = owner.name();
        List<Target> targets = new ArrayList<>();
        for (PodEndpoint pod : components.find(component, ownerName, owner.namespace(components.operatorNamespace()))) {
            targets.add(new Target(new FlowEnd(component.id(), atNodes(pod, snapshot), settings.selectorOf(component,
                    ownerName)), null));
        }
        return new Ends(targets, null, List.of());
    }

    /** Host-network pods not seen running (expected pods, workload templates) have the nodes' addresses. */
    private static PodEndpoint atNodes(PodEndpoint pod, ClusterSnapshot snapshot) {
        if (!pod.hostNetwork() || !pod.addresses().isEmpty()) {
            return pod;
        }
        return new PodEndpoint(pod.kind(), pod.namespace(), pod.name(), pod.labels(), snapshot.nodeAddresses(), true,
                pod.ports());
    }

    private List<PortSpec> ports(FlowDefinition definition, Target destination, Owner owner) {
        List<PortSpec> ports = new ArrayList<>();
        for (String entry : definition.ports()) {
            switch (entry) {
                case "peer", "app-ports" -> { // app-ports: the peer's port, narrowed per app in appPorts
                    if (destination.port() != null) {
                        ports.add(destination.port());
                    }
                }
                case "webhook-port" -> ports.add(new PortSpec(Protocol.TCP, settings.webhookPort()));
                case "guard-port" -> ports.add(new PortSpec(Protocol.TCP, settings.guardPort()));
                case "telemetry-protocols" -> ports.addAll(TelemetryPorts.of(owner.dynaKube().telemetryProtocols()));
                default -> {
                    int slash = entry.indexOf('/');
                    ports.add(new PortSpec(Protocol.parse(entry.substring(0, slash)),
                            Integer.parseInt(entry.substring(slash + 1))));
                }
            }
        }
        return ports;
    }

    /** The DynaKube or EdgeConnect a flow instance belongs to, if any. */
    record Owner(DynaKube dynaKube, EdgeConnect edgeConnect) {
        static final Owner NONE = new Owner(null, null);

        String name() {
            return dynaKube != null ? dynaKube.name() : edgeConnect != null ? edgeConnect.name() : "";
        }

        String namespace(String operatorNamespace) {
            return dynaKube != null ? dynaKube.namespace() : edgeConnect != null ? edgeConnect.namespace()
                    : operatorNamespace;
        }

        String describe() {
            return dynaKube != null ? "DynaKube " + dynaKube.id() : edgeConnect != null ? "EdgeConnect " + edgeConnect.id() : "";
        }
    }

    /** A port and protocol of a connection. */
    record PortSpec(Protocol protocol, int port) {
    }

    /**
     * A concrete end and, for peers, the port the peer listens on; for monitored apps, the features of
     * the DynaKube that reach them.
     */
    record Target(FlowEnd end, PortSpec port, Set<MonitoredApps.Feature> features) {
        Target(FlowEnd end, PortSpec port) {
            this(end, port, null);
        }
    }

    /** The ends a component or peer resolved to, or why it cannot be judged. */
    record Ends(List<Target> targets, String unverifiable, List<String> notes) {
    }

}

package io.netpolguard.dynatrace;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Protocol;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Turns a snapshot into the flows the Dynatrace Operator needs there (spec §3), using the catalogue. */
public final class RequiredFlows {
    private final FlowCatalogue catalogue;
    private final DynatraceSettings settings;
    private final Peers peers;
    private final HostResolver resolver;

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
        List<DynaKube> dynaKubes = readAll(snapshot.dynaKubes(), true).stream().map(o -> (DynaKube) o).toList();
        List<EdgeConnect> edgeConnects = readAll(snapshot.edgeConnects(), false).stream().map(o -> (EdgeConnect) o).toList();
        Components components = new Components(snapshot, settings);
        boolean csiPresent = components.exists(Component.CSI_DRIVER, "");
        boolean operatorInstalled = components.exists(Component.OPERATOR, "") || components.exists(Component.WEBHOOK, "")
                || !dynaKubes.isEmpty() || !edgeConnects.isEmpty();

        List<RequiredFlow> flows = new ArrayList<>();
        for (FlowDefinition definition : catalogue.flows()) {
            switch (definition.scope()) {
                case ALWAYS -> flows.add(instantiate(definition, Owner.NONE, snapshot, components));
                case OPERATOR -> {
                    Set<String> facts = csiPresent ? Set.of("csi") : Set.of();
                    if (operatorInstalled && definition.requiredGiven(facts)) {
                        flows.add(instantiate(definition, Owner.NONE, snapshot, components));
                    }
                }
                case DYNAKUBE -> {
                    for (DynaKube dynaKube : dynaKubes) {
                        if (definition.requiredGiven(facts(dynaKube, csiPresent))) {
                            flows.add(instantiate(definition, new Owner(dynaKube, null), snapshot, components));
                        }
                    }
                }
                case EDGECONNECT -> {
                    for (EdgeConnect edgeConnect : edgeConnects) {
                        Set<String> facts = edgeConnect.kubernetesAutomation() ? Set.of("kubernetes-automation") : Set.of();
                        if (definition.requiredGiven(facts)) {
                            flows.add(instantiate(definition, new Owner(null, edgeConnect), snapshot, components));
                        }
                    }
                }
                default -> throw new IllegalStateException("unknown scope " + definition.scope());
            }
        }
        return flows;
    }

    /** Problems found while reading the DynaKubes and EdgeConnects, each naming its object. */
    public List<String> problems(ClusterSnapshot snapshot) {
        List<String> problems = new ArrayList<>();
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
            read.add(dynaKube ? DynaKubeReader.read(resource) : EdgeConnectReader.read(resource));
        }
        return read;
    }

    static Set<String> facts(DynaKube dk, boolean csiPresent) {
        Set<String> facts = new HashSet<>();
        boolean csiUsed = csiPresent && (dk.useCsiDriver() == null || dk.useCsiDriver());
        if (csiUsed) {
            facts.add("csi");
        }
        if (dk.hasActiveGate()) {
            facts.add("activegate");
            dk.activeGateCapabilities().forEach(c -> facts.add("capability:" + c));
        }
        if (dk.injects()) {
            facts.add("injection");
        }
        if (dk.codeModulesImage() != null) {
            facts.add("code-modules-image");
        }
        if (dk.oneAgentMode() != null && dk.oneAgentMode().hostAgent()) {
            facts.add("host-oneagent");
        }
        if (dk.extensions()) {
            facts.add("extensions");
        }
        if (dk.sqlExecutor()) {
            facts.add("sql-executor");
        }
        if (dk.hasTelemetryIngest()) {
            facts.add("telemetry-ingest");
        }
        if (dk.kspm()) {
            facts.add("kspm");
        }
        if (dk.logMonitoring()) {
            facts.add("log-monitoring");
        }
        return facts;
    }

    private RequiredFlow instantiate(FlowDefinition definition, Owner owner, ClusterSnapshot snapshot, Components components) {
        Ends sources = ends(definition.from(), owner, snapshot, components);
        Ends destinations = ends(definition.to(), owner, snapshot, components);
        List<FlowConnection> connections = new ArrayList<>();
        List<List<PortSpec>> portsOf = new ArrayList<>(destinations.targets().size()); // per destination, not per pair
        for (Target destination : destinations.targets()) {
            portsOf.add(ports(definition, destination, owner));
        }
        for (Target source : sources.targets()) {
            for (int d = 0; d < destinations.targets().size(); d++) {
                Target destination = destinations.targets().get(d);
                for (PortSpec port : portsOf.get(d)) {
                    connections.add(new FlowConnection(source.end(), destination.end(),
                            new Connection(source.end().endpoint(), destination.end().endpoint(), port.port(), port.protocol())));
                }
            }
        }
        List<String> notes = new ArrayList<>(sources.notes());
        notes.addAll(destinations.notes());
        String unverifiable = sources.unverifiable() != null ? sources.unverifiable() : destinations.unverifiable();
        if (unverifiable != null && !sources.targets().isEmpty() && sources.targets().stream()
                .allMatch(t -> t.end().endpoint() instanceof PodEndpoint pod && pod.hostNetwork())) {
            unverifiable = null; // host-network sources are outside NetworkPolicy: not-applicable, whatever the peer
        }
        return new RequiredFlow(definition, owner.describe(), connections, unverifiable, notes);
    }

    private Ends ends(String id, Owner owner, ClusterSnapshot snapshot, Components components) {
        Component component = Component.byId(id);
        if (component != null) {
            return componentEnds(component, owner, snapshot, components);
        }
        return peers.resolve(PeerKind.byId(id), owner, snapshot, components);
    }

    private Ends componentEnds(Component component, Owner owner, ClusterSnapshot snapshot, Components components) {
        if (component == Component.MONITORED_APPS) {
            List<Target> targets = new ArrayList<>();
            for (PodEndpoint app : components.monitoredApps(owner.dynaKube())) {
                targets.add(new Target(new FlowEnd(component.id(), app, app.labels().asMap()), null));
            }
            List<String> notes = targets.isEmpty()
                    ? List.of("no application pods found in the namespaces " + owner.describe() + " injects into")
                    : List.of();
            return new Ends(targets, null, notes);
        }
        String ownerName = owner.name();
        List<Target> targets = new ArrayList<>();
        for (PodEndpoint pod : components.find(component, ownerName, owner.namespace(settings))) {
            targets.add(new Target(new FlowEnd(component.id(), pod, settings.selectorOf(component, ownerName)), null));
        }
        return new Ends(targets, null, List.of());
    }

    private List<PortSpec> ports(FlowDefinition definition, Target destination, Owner owner) {
        List<PortSpec> ports = new ArrayList<>();
        for (String entry : definition.ports()) {
            switch (entry) {
                case "peer" -> {
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

        String namespace(DynatraceSettings settings) {
            return dynaKube != null ? dynaKube.namespace() : edgeConnect != null ? edgeConnect.namespace()
                    : settings.operatorNamespace();
        }

        String describe() {
            return dynaKube != null ? "DynaKube " + dynaKube.id() : edgeConnect != null ? "EdgeConnect " + edgeConnect.id() : "";
        }
    }

    /** A port and protocol of a connection. */
    record PortSpec(Protocol protocol, int port) {
    }

    /** A concrete end and, for peers, the port the peer listens on. */
    record Target(FlowEnd end, PortSpec port) {
    }

    /** The ends a component or peer resolved to, or why it cannot be judged. */
    record Ends(List<Target> targets, String unverifiable, List<String> notes) {
    }

}

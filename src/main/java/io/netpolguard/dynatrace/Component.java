package io.netpolguard.dynatrace;

import io.netpolguard.netpol.ContainerPort;
import io.netpolguard.netpol.Protocol;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pods flows start or end at (spec §1): their default labels, the ports they declare and
 * whether they run in the host network. {@code CREATED_BY} stands for the owning DynaKube's or
 * EdgeConnect's name.
 */
public enum Component {
    OPERATOR(Owner.OPERATOR, Map.of("app.kubernetes.io/name", "dynatrace-operator", "app.kubernetes.io/component", "operator"),
            List.of(tcp("livez", 10080), tcp("metrics", 8080)), false),
    WEBHOOK(Owner.OPERATOR, Map.of("app.kubernetes.io/name", "dynatrace-operator", "app.kubernetes.io/component", "webhook"),
            List.of(tcp("server-port", 8443), tcp("livez", 10080), tcp("metrics", 8383)), false),
    CSI_DRIVER(Owner.OPERATOR, Map.of("app.kubernetes.io/name", "dynatrace-operator", "app.kubernetes.io/component", "csi-driver"),
            List.of(tcp("healthz", 9808), tcp("livez", 10090), tcp("metrics", 8080), tcp("probe", 8090)), false),
    ACTIVEGATE(Owner.DYNAKUBE, Map.of("app.kubernetes.io/name", "activegate", "app.kubernetes.io/created-by", Component.CREATED_BY,
            "app.kubernetes.io/managed-by", "dynatrace-operator"), List.of(tcp("https", 9999), tcp("http", 9998)), false),
    ONEAGENT(Owner.DYNAKUBE, Map.of("app.kubernetes.io/name", "oneagent", "app.kubernetes.io/created-by", Component.CREATED_BY),
            List.of(), true),
    EDGECONNECT(Owner.EDGECONNECT, Map.of("app.kubernetes.io/name", "edgeconnect", "app.kubernetes.io/created-by", Component.CREATED_BY),
            List.of(), false),
    EXTENSION_CONTROLLER(Owner.DYNAKUBE, Map.of("app.kubernetes.io/name", "dynatrace-extension-controller",
            "app.kubernetes.io/created-by", Component.CREATED_BY), List.of(tcp("https", 14599)), false),
    SQL_EXECUTOR(Owner.DYNAKUBE, Map.of("app.kubernetes.io/name", "dynatrace-sql-extension-executor"),
            List.of(tcp("probes", 8080)), false),
    OTEL_COLLECTOR(Owner.DYNAKUBE, Map.of("app.kubernetes.io/name", "dynatrace-otel-collector",
            "app.kubernetes.io/created-by", Component.CREATED_BY), List.of(tcp("otlp-grpc", 4317), tcp("otlp-http", 4318),
            tcp("zipkin", 9411), tcp("jaeger-grpc", 14250), tcp("jaeger-http", 14268), udp("jaeger-compact", 6831),
            udp("jaeger-binary", 6832), udp("statsd", 8125)), false),
    KSPM(Owner.DYNAKUBE, Map.of("app.kubernetes.io/name", "kspm", "app.kubernetes.io/created-by", Component.CREATED_BY),
            List.of(), false),
    LOGMONITORING(Owner.DYNAKUBE, Map.of("app.kubernetes.io/name", "logmonitoring", "app.kubernetes.io/created-by",
            Component.CREATED_BY), List.of(), false),
    MONITORED_APPS(Owner.DYNAKUBE, Map.of(), List.of(), false),
    NETPOL_GUARD(Owner.GUARD, Map.of("app.kubernetes.io/name", "netpol-guard"), List.of(tcp("https", 8443)), false);

    /** Placeholder in default labels for the owning object's name. */
    public static final String CREATED_BY = "${created-by}";

    /** Where the component's pods live. */
    public enum Owner { OPERATOR, DYNAKUBE, EDGECONNECT, GUARD }

    private final Owner owner;
    private final Map<String, String> defaultLabels;
    private final List<ContainerPort> ports;
    private final boolean hostNetwork;
    private final String id = name().toLowerCase(Locale.ROOT).replace('_', '-');

    Component(Owner owner, Map<String, String> defaultLabels, List<ContainerPort> ports, boolean hostNetwork) {
        this.owner = owner;
        this.defaultLabels = defaultLabels;
        this.ports = ports;
        this.hostNetwork = hostNetwork;
    }

    public Owner owner() {
        return owner;
    }

    public Map<String, String> defaultLabels() {
        return defaultLabels;
    }

    /** The ports its pods declare, used for pods that do not exist yet. */
    public List<ContainerPort> ports() {
        return ports;
    }

    public boolean hostNetwork() {
        return hostNetwork;
    }

    /** The name used in flow ids and configuration: {@code csi-driver}, {@code monitored-apps}. */
    public String id() {
        return id;
    }

    public static Component byId(String id) {
        for (Component component : values()) {
            if (component.id().equals(id)) {
                return component;
            }
        }
        return null;
    }

    private static ContainerPort tcp(String name, int port) {
        return new ContainerPort(name, port, Protocol.TCP);
    }

    private static ContainerPort udp(String name, int port) {
        return new ContainerPort(name, port, Protocol.UDP);
    }
}

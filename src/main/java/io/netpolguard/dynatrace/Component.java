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
    // Operator-owned pods: labels and ports as the Helm chart renders them
    // (config/helm/chart/default/templates/Common/operator|webhook|csi/*.yaml; cmd/operator/config.go, cmd/webhook/manager.go).
    OPERATOR(Owner.OPERATOR, "dynatrace-operator", Map.of("app.kubernetes.io/name", "dynatrace-operator",
            "app.kubernetes.io/component", "operator"), List.of(tcp("livez", 10080), tcp("metrics", 8080)), false),
    WEBHOOK(Owner.OPERATOR, "dynatrace-webhook", Map.of("app.kubernetes.io/name", "dynatrace-operator",
            "app.kubernetes.io/component", "webhook"),
            List.of(tcp("server-port", 8443), tcp("livez", 10080), tcp("metrics", 8383)), false),
    // cmd/csi/server/cmd.go, cmd/csi/provisioner/cmd.go, cmd/csi/livenessprobe/cmd.go (9808 is not named)
    CSI_DRIVER(Owner.OPERATOR, "dynatrace-oneagent-csi-driver", Map.of("app.kubernetes.io/name", "dynatrace-operator",
            "app.kubernetes.io/component", "csi-driver"), List.of(tcp("server-metrics", 8080), tcp("livez", 10090),
            tcp("prov-metrics", 8090), tcp(null, 9808)), false),
    // Operands: labels from pkg/util/kubernetes/fields/k8slabel/labels.go (name, created-by, managed-by).
    // pkg/controllers/dynakube/activegate/internal/statefulset/statefulset.go; ports activegate/consts/consts.go
    ACTIVEGATE(Owner.DYNAKUBE, "${created-by}-activegate", operand("activegate"),
            List.of(tcp("https", 9999), tcp("http", 9998)), false),
    // pkg/controllers/dynakube/oneagent/daemonset/daemonset.go: hostNetwork, dnsPolicy ClusterFirstWithHostNet
    ONEAGENT(Owner.DYNAKUBE, "${created-by}-oneagent", operand("oneagent"), List.of(), true),
    // pkg/controllers/edgeconnect/deployment/deployment.go: Deployment named after the EdgeConnect, no ports
    EDGECONNECT(Owner.EDGECONNECT, "${created-by}", operand("edgeconnect"), List.of(), false),
    // pkg/controllers/dynakube/extension/eec/statefulset.go; port name pkg/consts/extensions.go (collector-com)
    EXTENSION_CONTROLLER(Owner.DYNAKUBE, "${created-by}-extension-controller", operand("dynatrace-extension-controller"),
            List.of(tcp("collector-com", 14599)), false),
    // pkg/controllers/dynakube/extension/databases/deployment.go: one Deployment per extensions.databases[], no ports
    SQL_EXECUTOR(Owner.DYNAKUBE, "${created-by}-sql-ext-exec", operand("dynatrace-sql-extension-executor"), List.of(), false),
    // pkg/controllers/dynakube/otelc/statefulset/reconciler.go: the pod declares no ports (only its Service has them)
    OTEL_COLLECTOR(Owner.DYNAKUBE, "${created-by}-otel-collector", operand("dynatrace-otel-collector"), List.of(), false),
    // pkg/controllers/dynakube/kspm/daemonset/reconciler.go
    KSPM(Owner.DYNAKUBE, "${created-by}-node-config-collector", operand("kspm"), List.of(), false),
    // pkg/controllers/dynakube/logmonitoring/daemonset/reconciler.go
    LOGMONITORING(Owner.DYNAKUBE, "${created-by}-logmonitoring", operand("logmonitoring"), List.of(), false),
    MONITORED_APPS(Owner.DYNAKUBE, "", Map.of(), List.of(), false),
    NETPOL_GUARD(Owner.GUARD, "netpol-guard", Map.of("app.kubernetes.io/name", "netpol-guard"),
            List.of(tcp("https", 8443)), false);

    /** Placeholder in default labels for the owning object's name. */
    public static final String CREATED_BY = "${created-by}";

    /** Where the component's pods live. */
    public enum Owner { OPERATOR, DYNAKUBE, EDGECONNECT, GUARD }

    private final Owner owner;
    private final String workloadName;
    private final Map<String, String> defaultLabels;
    private final List<ContainerPort> ports;
    private final boolean hostNetwork;
    private final String id = name().toLowerCase(Locale.ROOT).replace('_', '-');

    Component(Owner owner, String workloadName, Map<String, String> defaultLabels, List<ContainerPort> ports,
            boolean hostNetwork) {
        this.owner = owner;
        this.workloadName = workloadName;
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

    /** The name of the workload the operator creates for an owner: {@code dynakube-activegate}. */
    public String workloadName(String ownerName) {
        return workloadName.replace(CREATED_BY, ownerName);
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

    /** The labels every operand pod carries (k8slabel.NewAppLabels(...).BuildMatchLabels()). */
    private static Map<String, String> operand(String name) {
        return Map.of("app.kubernetes.io/name", name, "app.kubernetes.io/created-by", "${created-by}",
                "app.kubernetes.io/managed-by", "dynatrace-operator");
    }

    private static ContainerPort tcp(String name, int port) {
        return new ContainerPort(name, port, Protocol.TCP);
    }

    private static ContainerPort udp(String name, int port) {
        return new ContainerPort(name, port, Protocol.UDP);
    }
}

package io.netpolguard.config;

import io.netpolguard.dynatrace.Component;
import io.netpolguard.dynatrace.DynatraceSettings;
import io.netpolguard.dynatrace.FlowCatalogue;
import io.netpolguard.dynatrace.HostResolver;
import io.netpolguard.dynatrace.RequiredFlows;
import io.netpolguard.dynatrace.Severity;
import io.netpolguard.guard.Guard;
import io.netpolguard.guard.GuardSettings;
import io.netpolguard.guard.Mode;
import io.netpolguard.netpol.Cidr;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds the {@link Guard} from configuration. Invalid settings (an unknown mode, a flow id that does
 * not exist, a bad CIDR) fail with a message that names the property.
 */
@ApplicationScoped
public class GuardFactory {
    private final FlowCatalogue catalogue = FlowCatalogue.standard();
    private final GuardSettings guardSettings;
    private final DynatraceSettings dynatraceSettings;
    private final Map<String, List<InetAddress>> hosts;
    private final boolean dns;
    private final Duration dnsTimeout;

    @Inject
    public GuardFactory(GuardConfig config) {
        this.guardSettings = guardSettings(config, catalogue);
        this.dynatraceSettings = dynatraceSettings(config);
        Map<String, List<InetAddress>> given = new HashMap<>();
        config.hosts().forEach((name, ips) -> {
            var entry = HostResolver.parseHostMapping(name + "=" + ips);
            given.put(entry.getKey(), entry.getValue());
        });
        this.hosts = Map.copyOf(given);
        this.dns = config.resolver().dns();
        this.dnsTimeout = config.resolver().timeout();
    }

    private GuardFactory() {
        this.guardSettings = GuardSettings.defaults();
        this.dynatraceSettings = DynatraceSettings.defaults();
        this.hosts = Map.of();
        this.dns = true;
        this.dnsTimeout = Duration.ofSeconds(2);
    }

    /** The factory with every default: what the configuration gives when nothing is set (see CommandConfig). */
    public static GuardFactory withDefaults() {
        return new GuardFactory();
    }

    /** The webhook's guard: it never waits for DNS on the request path. */
    public Guard guard() {
        return guard(Map.of(), dns, false);
    }

    /** A command's guard: it also knows {@code extraHosts}, asks DNS only when {@code useDns}, and waits for the answer. */
    public Guard guard(Map<String, List<InetAddress>> extraHosts, boolean useDns) {
        return guard(extraHosts, useDns, true);
    }

    private Guard guard(Map<String, List<InetAddress>> extraHosts, boolean useDns, boolean waitForDns) {
        Map<String, List<InetAddress>> all = new HashMap<>(hosts);
        all.putAll(extraHosts);
        HostResolver resolver = new HostResolver(all, useDns && dns, dnsTimeout, waitForDns);
        return new Guard(new RequiredFlows(catalogue, dynatraceSettings, resolver), guardSettings);
    }

    public GuardSettings guardSettings() {
        return guardSettings;
    }

    public DynatraceSettings dynatraceSettings() {
        return dynatraceSettings;
    }

    /** Every setting, for comparing two factories. */
    List<Object> settings() {
        return List.of(guardSettings, dynatraceSettings, hosts, dns, dnsTimeout);
    }

    static GuardSettings guardSettings(GuardConfig config, FlowCatalogue catalogue) {
        Map<String, Mode> modes = new HashMap<>();
        Map<String, Severity> severities = new HashMap<>();
        config.flows().forEach((id, override) -> {
            if (catalogue.flow(id).isEmpty()) {
                throw new IllegalArgumentException("netpol-guard.flows.\"" + id + "\": no flow has this id (known: "
                        + String.join(", ", catalogue.flows().stream().map(f -> f.id()).toList()) + ")");
            }
            override.mode().ifPresent(m -> modes.put(id, parse(() -> Mode.parse(m), "netpol-guard.flows.\"" + id + "\".mode")));
            override.severity().ifPresent(s -> severities.put(id,
                    parse(() -> Severity.parse(s), "netpol-guard.flows.\"" + id + "\".severity")));
        });
        return new GuardSettings(parse(() -> Mode.parse(config.mode()), "netpol-guard.mode"), modes, severities,
                parse(() -> Mode.parse(config.dynaKubeMode()), "netpol-guard.dynakube-mode"),
                parse(() -> Mode.parse(config.edgeConnectMode()), "netpol-guard.edgeconnect-mode"));
    }

    static DynatraceSettings dynatraceSettings(GuardConfig config) {
        Map<Component, Map<String, String>> selectors = new EnumMap<>(Component.class);
        config.operator().selectors().forEach((component, selector) -> {
            Component target = Component.byId(component);
            if (target == null || target.owner() != Component.Owner.OPERATOR) {
                throw new IllegalArgumentException("netpol-guard.operator.selectors." + component
                        + ": expected one of operator, webhook, csi-driver");
            }
            selectors.put(target, labels(selector, "netpol-guard.operator.selectors." + component));
        });
        selectors.put(Component.NETPOL_GUARD, labels(config.self().selector(), "netpol-guard.self.selector"));
        List<Cidr> cidrs = config.controlPlane().cidrs().orElse(List.of()).stream()
                .map(c -> parse(() -> Cidr.parse(c), "netpol-guard.control-plane.cidrs")).toList();
        return new DynatraceSettings(config.operator().namespace().orElse(null), selectors, config.kubeDns().namespace(),
                labels(config.kubeDns().selector(), "netpol-guard.kube-dns.selector"), config.operator().webhookPort(),
                cidrs, config.self().namespace(), config.self().port());
    }

    /** Parses {@code key=value,key=value}. */
    static Map<String, String> labels(String text, String property) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(property + ": '" + text + "' is not key=value[,key=value]");
            }
            labels.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
        }
        return labels;
    }

    private static <T> T parse(Supplier<T> parser, String property) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage());
        }
    }
}

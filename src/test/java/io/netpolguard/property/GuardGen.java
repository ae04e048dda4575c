package io.netpolguard.property;

import io.netpolguard.property.GuardCase.ChangeSpec;
import io.netpolguard.property.GuardCase.DynaKubeSpec;
import io.netpolguard.property.GuardCase.PodSpec;
import io.netpolguard.property.GuardCase.State;
import io.netpolguard.property.GuardCase.Step;
import io.netpolguard.property.PolicyModel.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates {@link GuardCase}s: the operator, webhook and (sometimes) CSI driver pods, CoreDNS, the API server
 * EndpointSlice (one or two addresses), an ActiveGate, a host-network OneAgent and netpol-guard sometimes,
 * application pods in {@code shop} and {@code billing} (now and then one in the host network), one or two DynaKubes with generated features, policies
 * whose selectors, blocks and ports are drawn from the labels, addresses and ports of those pods, and one to
 * four changes.
 */
public final class GuardGen {
    static final List<String> POLICY_NAMESPACES = List.of("dynatrace", "dynatrace", "dynatrace", "kube-system", "shop",
            "billing", "default", "netpol-guard");
    static final PolicyGen.Universe UNIVERSE = new PolicyGen.Universe(
            Map.of("app.kubernetes.io/name", List.of("dynatrace-operator", "activegate", "oneagent", "netpol-guard"),
                    "app.kubernetes.io/component", List.of("operator", "webhook", "csi-driver"),
                    "k8s-app", List.of("kube-dns"), "app", List.of("checkout", "cart", "invoices")),
            Map.of("kubernetes.io/metadata.name", List.of("dynatrace", "kube-system", "shop", "billing", "default"),
                    "dynatrace-injection", List.of("a", "b"), "team", List.of("shop", "billing")),
            blocks(), List.of(53, 443, 3128, 6443, 8443, 9999, 4317), List.of("dns", "dns-tcp", "https", "server-port", "nope"));
    private static final List<String> MODES = List.of("cloudNativeFullStack", "applicationMonitoring", "hostMonitoring",
            "classicFullStack");
    private static final List<String> CAPABILITIES = List.of("routing", "kubernetes-monitoring", "dynatrace-api",
            "metrics-ingest");
    private static final List<String> TELEMETRY = List.of("otlp", "zipkin", "jaeger", "statsd");

    private GuardGen() {
    }

    private static Map<String, List<String>> blocks() {
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        blocks.put("203.0.113.0/24", List.of("203.0.113.11/32", "203.0.113.20/32"));
        blocks.put("203.0.113.10/32", List.of());
        blocks.put("172.18.0.0/24", List.of("172.18.0.3/32", "172.18.0.11/32"));
        blocks.put("172.18.0.2/32", List.of());
        blocks.put("10.244.0.0/16", List.of("10.244.1.0/24", "10.244.0.10/32"));
        blocks.put("10.96.0.1/32", List.of());
        blocks.put("0.0.0.0/0", List.of("10.0.0.0/8", "172.16.0.0/12", "203.0.113.0/24"));
        blocks.put("::/0", List.of());
        return blocks;
    }

    public static GuardCase generate(Random random) {
        PolicyGen gen = new PolicyGen(UNIVERSE, random);
        List<PodSpec> pods = pods(gen);
        List<String> apiServer = gen.chance(0.7) ? List.of("172.18.0.2") : List.of("172.18.0.2", "172.18.0.3");
        Map<String, List<String>> hosts = new LinkedHashMap<>();
        if (gen.chance(0.85)) {
            hosts.put("abc12345.live.dynatrace.com", gen.chance(0.8) ? List.of("203.0.113.10")
                    : List.of("203.0.113.10", "203.0.113.11"));
        }
        hosts.put("registry.example.com", List.of("203.0.113.20"));
        if (gen.chance(0.5)) {
            hosts.put("proxy.example.com", List.of("10.244.3.3"));
        }
        Map<String, Map<String, String>> namespaces = new LinkedHashMap<>();
        for (String namespace : List.of("dynatrace", "kube-system", "default", "netpol-guard")) {
            namespaces.put(namespace, Map.of());
        }
        namespaces.put("shop", appNamespaceLabels(gen));
        namespaces.put("billing", appNamespaceLabels(gen));
        List<DynaKubeSpec> dynaKubes = new ArrayList<>();
        dynaKubes.add(dynaKube(gen, "dynakube"));
        if (gen.chance(0.4)) {
            dynaKubes.add(dynaKube(gen, "appmon"));
        }
        List<Policy> policies = new ArrayList<>();
        int count = gen.between(0, 7);
        for (int i = 0; i < count; i++) {
            policies.add(gen.policy(gen.pick(POLICY_NAMESPACES), "p" + i));
        }
        State initial = new State(namespaces, policies, dynaKubes);
        List<Step> steps = new ArrayList<>();
        State current = initial;
        int changes = gen.between(1, 4);
        for (int i = 0; i < changes; i++) {
            Step step = new Step(change(gen, current, "new" + i), gen.chance(0.7));
            steps.add(step);
            if (step.advance()) {
                current = current.apply(step.change());
            }
        }
        return new GuardCase(pods, apiServer, hosts, initial, steps);
    }

    private static Map<String, String> appNamespaceLabels(PolicyGen gen) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (gen.chance(0.7)) {
            labels.put("dynatrace-injection", gen.pick(List.of("a", "b")));
        }
        if (gen.chance(0.5)) {
            labels.put("team", gen.pick(List.of("shop", "billing")));
        }
        return labels;
    }

    private static List<PodSpec> pods(PolicyGen gen) {
        List<PodSpec> pods = new ArrayList<>();
        pods.add(new PodSpec("kube-system", "coredns", Map.of("k8s-app", "kube-dns"), "10.244.0.10", false,
                List.of("dns/UDP/53", "dns-tcp/TCP/53")));
        pods.add(new PodSpec("dynatrace", "operator", Map.of("app.kubernetes.io/name", "dynatrace-operator",
                "app.kubernetes.io/component", "operator"), "10.244.1.1", false, List.of("livez/TCP/10080")));
        pods.add(new PodSpec("dynatrace", "webhook", Map.of("app.kubernetes.io/name", "dynatrace-operator",
                "app.kubernetes.io/component", "webhook"), "10.244.1.2", false, List.of("server-port/TCP/8443")));
        if (gen.chance(0.5)) {
            pods.add(new PodSpec("dynatrace", "csi-driver", Map.of("app.kubernetes.io/name", "dynatrace-operator",
                    "app.kubernetes.io/component", "csi-driver"), "10.244.1.3", false, List.of("livez/TCP/10090")));
        }
        if (gen.chance(0.5)) {
            pods.add(new PodSpec("dynatrace", "dynakube-activegate-0", operand("activegate", "dynakube"), "10.244.1.4",
                    false, List.of("https/TCP/9999", "http/TCP/9998")));
        }
        if (gen.chance(0.3)) {
            pods.add(new PodSpec("dynatrace", "dynakube-oneagent-x", operand("oneagent", "dynakube"), "172.18.0.11", true,
                    List.of()));
        }
        if (gen.chance(0.3)) {
            pods.add(new PodSpec("netpol-guard", "netpol-guard", Map.of("app.kubernetes.io/name", "netpol-guard"),
                    "10.244.4.1", false, List.of("https/TCP/8443")));
        }
        // up to five apps: two of a namespace may be isolated differently; now and then one in the host network
        int apps = gen.between(0, 5);
        for (int i = 0; i < apps; i++) {
            String namespace = gen.pick(List.of("shop", "billing"));
            boolean hostNetwork = gen.chance(0.1);
            pods.add(new PodSpec(namespace, "app-" + i, Map.of("app", gen.pick(UNIVERSE.podLabels().get("app"))),
                    hostNetwork ? "172.18.0." + (20 + i) : "10.244.2." + (i + 1), hostNetwork, List.of("http/TCP/8080")));
        }
        return pods;
    }

    private static Map<String, String> operand(String name, String createdBy) {
        return Map.of("app.kubernetes.io/name", name, "app.kubernetes.io/created-by", createdBy,
                "app.kubernetes.io/managed-by", "dynatrace-operator");
    }

    static DynaKubeSpec dynaKube(PolicyGen gen, String name) {
        String mode = gen.chance(0.15) ? null : gen.pick(MODES);
        List<String> capabilities = new ArrayList<>();
        if (gen.chance(0.6)) {
            CAPABILITIES.stream().filter(c -> gen.chance(0.5)).forEach(capabilities::add);
        }
        List<String> telemetry = new ArrayList<>();
        if (gen.chance(0.3)) {
            TELEMETRY.stream().filter(t -> gen.chance(0.5)).forEach(telemetry::add);
        }
        return new DynaKubeSpec(name, mode, gen.chance(0.7) ? gen.pick(List.of("a", "b")) : null, capabilities,
                gen.chance(0.3), telemetry, gen.chance(0.2), gen.chance(0.2), gen.chance(0.3), gen.chance(0.2));
    }

    private static ChangeSpec change(PolicyGen gen, State state, String newName) {
        int kind = gen.between(0, 9);
        if (kind <= 2 || state.policies().isEmpty() && kind <= 6) {
            return new ChangeSpec.PutPolicy(gen.policy(gen.pick(POLICY_NAMESPACES), newName), false);
        }
        if (kind <= 4) {
            Policy existing = gen.pick(state.policies());
            Policy replacement = gen.policy(existing.namespace(), existing.name());
            return new ChangeSpec.PutPolicy(replacement, true);
        }
        if (kind <= 6) {
            return new ChangeSpec.DeletePolicy(gen.pick(state.policies()));
        }
        if (kind <= 8) {
            String namespace = gen.pick(List.of("shop", "billing", "dynatrace", "kube-system"));
            return new ChangeSpec.NamespaceLabels(namespace, appNamespaceLabels(gen));
        }
        DynaKubeSpec existing = gen.pick(state.dynaKubes());
        return new ChangeSpec.UpdateDynaKube(dynaKube(gen, existing.name()));
    }
}

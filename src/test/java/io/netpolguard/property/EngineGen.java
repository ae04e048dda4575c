package io.netpolguard.property;

import io.netpolguard.property.EngineCase.ContainerPort;
import io.netpolguard.property.EngineCase.Pod;
import io.netpolguard.property.EngineCase.Probe;
import io.netpolguard.property.PolicyModel.ClusterKind;
import io.netpolguard.property.PolicyModel.ClusterPolicy;
import io.netpolguard.property.PolicyModel.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates {@link EngineCase}s: namespaces x, y, z; one to three pods each, labelled from a small set, at
 * 10.0.N.P (and fd00::N:P when dual-stack) or in the host network on a node address; up to five policies;
 * probes between pods, to and from outside addresses, and from a pod to itself; in about half the cases cluster-wide
 * policies too: up to three in the Admin tier (ClusterNetworkPolicy {@code tier: Admin}, AdminNetworkPolicy), up to
 * two ClusterNetworkPolicies {@code tier: Baseline} and the BaselineAdminNetworkPolicy {@code default}, at most five
 * in all. Priorities come from {@link #PRIORITIES}, so two policies of a tier sometimes share one: the upstream API
 * lets an implementation apply such policies in either order, and {@link ReferenceEvaluator} answers with every
 * order (the property skips a probe whose answer depends on it).
 */
public final class EngineGen {
    static final PolicyGen.Universe UNIVERSE = new PolicyGen.Universe(
            Map.of("app", List.of("a", "b", "c"), "tier", List.of("web", "db")),
            Map.of("kubernetes.io/metadata.name", List.of("x", "y", "z"), "team", List.of("red", "blue")),
            blocks(), List.of(53, 80, 81, 443, 8080, 9090), List.of("http", "dns", "metrics", "nope"));
    private static final List<String> NAMESPACES = List.of("x", "y", "z");
    /** Ten values: about one case in four with three Admin policies has a tie, far fewer a tie that matters. */
    static final List<Integer> PRIORITIES = List.of(0, 1, 2, 5, 10, 20, 50, 100, 999, 1000);
    private static final List<String> OUTSIDE = List.of("192.0.2.10", "192.0.2.20", "10.0.1.1", "10.0.9.9",
            "172.18.0.11", "2001:db8::10", "fd00::1:9");
    private static final List<Integer> PROBE_PORTS = List.of(53, 80, 81, 82, 443, 8080, 8081, 9090, 9200);
    private static final List<List<ContainerPort>> PORT_CHOICES = List.of(
            List.of(new ContainerPort("http", 80, "TCP"), new ContainerPort("http", 8080, "TCP"),
                    new ContainerPort("http", 80, "UDP")),
            List.of(new ContainerPort("dns", 53, "UDP"), new ContainerPort("dns", 53, "TCP")),
            List.of(new ContainerPort("metrics", 9090, "TCP"), new ContainerPort("metrics", 81, "SCTP")));

    private EngineGen() {
    }

    private static Map<String, List<String>> blocks() {
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        blocks.put("10.0.0.0/16", List.of("10.0.1.0/24", "10.0.2.0/24", "10.0.1.1/32"));
        blocks.put("10.0.1.0/24", List.of("10.0.1.1/32", "10.0.1.2/31"));
        blocks.put("10.0.2.2/32", List.of());
        blocks.put("0.0.0.0/0", List.of("10.0.0.0/8", "172.18.0.0/16", "192.0.2.0/24"));
        blocks.put("::/0", List.of("fd00::/16"));
        blocks.put("fd00::/16", List.of("fd00::1:0/112", "fd00::2:2/128"));
        blocks.put("fd00::1:0/112", List.of("fd00::1:1/128"));
        blocks.put("172.18.0.0/24", List.of("172.18.0.11/32"));
        blocks.put("192.0.2.0/24", List.of("192.0.2.10/32"));
        return blocks;
    }

    public static EngineCase generate(Random random) {
        PolicyGen gen = new PolicyGen(UNIVERSE, random);
        Map<String, Map<String, String>> namespaces = new LinkedHashMap<>();
        for (String namespace : NAMESPACES) {
            namespaces.put(namespace, gen.chance(0.6) ? Map.of("team", gen.pick(List.of("red", "blue"))) : Map.of());
        }
        List<Pod> pods = new ArrayList<>();
        for (int n = 0; n < NAMESPACES.size(); n++) {
            int count = gen.between(1, 3);
            for (int p = 1; p <= count; p++) {
                pods.add(pod(gen, NAMESPACES.get(n), n + 1, p));
            }
        }
        List<Policy> policies = new ArrayList<>();
        int policyCount = gen.between(0, 5);
        for (int i = 0; i < policyCount; i++) {
            policies.add(gen.policy(gen.pick(NAMESPACES), "p" + i));
        }
        List<Probe> probes = new ArrayList<>();
        int probeCount = gen.between(1, 8);
        for (int i = 0; i < probeCount; i++) {
            String from = end(gen, pods);
            String to = from.contains("/") && gen.chance(0.1) ? from : end(gen, pods);
            if (!from.contains("/") && !to.contains("/")) {
                to = gen.pick(pods).ref();
            }
            probes.add(new Probe(from, to, gen.pick(PROBE_PORTS), gen.pick(List.of("TCP", "TCP", "UDP", "SCTP"))));
        }
        // drawn last, so that the rest of a case is what the same seed gave before the tiers were generated
        return new EngineCase(namespaces, pods, policies, clusterPolicies(gen), probes);
    }

    private static List<ClusterPolicy> clusterPolicies(PolicyGen gen) {
        List<ClusterPolicy> policies = new ArrayList<>();
        if (!gen.chance(0.5)) {
            return policies;
        }
        int admin = gen.between(0, 3);
        for (int i = 0; i < admin; i++) {
            boolean cnp = gen.chance(0.6);
            policies.add(gen.clusterPolicy(cnp ? ClusterKind.CNP : ClusterKind.ANP, (cnp ? "admin" : "anp") + i, "Admin",
                    gen.pick(PRIORITIES)));
        }
        int baseline = gen.between(0, 2);
        for (int i = 0; i < baseline && policies.size() < 5; i++) {
            policies.add(gen.clusterPolicy(ClusterKind.CNP, "baseline" + i, "Baseline", gen.pick(PRIORITIES)));
        }
        if (gen.chance(0.4) && policies.size() < 5) {
            policies.add(gen.clusterPolicy(ClusterKind.BANP, "default", "Baseline", null));
        }
        return policies;
    }

    private static Pod pod(PolicyGen gen, String namespace, int n, int p) {
        boolean hostNetwork = gen.chance(0.15);
        List<String> ips = new ArrayList<>();
        if (hostNetwork) {
            ips.add("172.18.0.1" + gen.between(1, 2));
        } else {
            ips.add("10.0." + n + "." + p);
            if (gen.chance(0.3)) {
                ips.add("fd00::" + n + ":" + p);
            }
        }
        List<ContainerPort> ports = new ArrayList<>();
        for (List<ContainerPort> choices : PORT_CHOICES) {
            if (gen.chance(0.5)) {
                ports.add(gen.pick(choices));
            }
        }
        return new Pod(namespace, "pod" + p, gen.labels(UNIVERSE.podLabels(), 0.7), ips, hostNetwork, ports);
    }

    private static String end(PolicyGen gen, List<Pod> pods) {
        return gen.chance(0.75) ? gen.pick(pods).ref() : gen.pick(OUTSIDE);
    }
}

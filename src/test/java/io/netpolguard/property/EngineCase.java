package io.netpolguard.property;

import io.netpolguard.property.PolicyModel.ClusterPolicy;
import io.netpolguard.property.PolicyModel.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A generated input of the engine property: namespaces, pods, NetworkPolicies, cluster-wide policies and the
 * connections (probes) to judge.
 * Every pod has at least one address; probe ends are pods or single IP addresses, never unknown addresses or
 * ranges, so the documented semantics always give allowed or blocked.
 */
public record EngineCase(Map<String, Map<String, String>> namespaces, List<Pod> pods, List<Policy> policies,
        List<ClusterPolicy> clusterPolicies, List<Probe> probes) {

    public EngineCase {
        namespaces = new TreeMap<>(namespaces);
        pods = List.copyOf(pods);
        policies = List.copyOf(policies);
        clusterPolicies = List.copyOf(clusterPolicies);
        probes = List.copyOf(probes);
    }

    /** A case without cluster-wide policies. */
    public EngineCase(Map<String, Map<String, String>> namespaces, List<Pod> pods, List<Policy> policies,
            List<Probe> probes) {
        this(namespaces, pods, policies, List.of(), probes);
    }

    /** A declared container port; names are unique per pod, as the API server requires. */
    public record ContainerPort(String name, int number, String protocol) {
        @Override
        public String toString() {
            return name + "=" + protocol + "/" + number;
        }
    }

    public record Pod(String namespace, String name, Map<String, String> labels, List<String> ips, boolean hostNetwork,
            List<ContainerPort> ports) {
        public Pod {
            labels = new TreeMap<>(labels);
            ips = List.copyOf(ips);
            ports = List.copyOf(ports);
        }

        public String ref() {
            return namespace + "/" + name;
        }

        @Override
        public String toString() {
            return ref() + " " + labels + " " + ips + (hostNetwork ? " hostNetwork" : "") + " ports " + ports;
        }
    }

    /** {@code from}/{@code to}: {@code ns/name} of a pod, or an IP address. */
    public record Probe(String from, String to, int port, String protocol) {
        @Override
        public String toString() {
            return from + " -> " + to + " " + protocol + "/" + port;
        }
    }

    public Pod pod(String ref) {
        return pods.stream().filter(p -> p.ref().equals(ref)).findFirst().orElse(null);
    }

    /** One probe only, fewer policies, smaller policies, fewer unused pods. */
    public List<EngineCase> shrinks() {
        List<EngineCase> out = new ArrayList<>();
        if (probes.size() > 1) {
            probes.forEach(p -> out.add(new EngineCase(namespaces, pods, policies, clusterPolicies, List.of(p))));
        }
        PolicyModel.without(clusterPolicies).forEach(c -> out.add(new EngineCase(namespaces, pods, policies, c, probes)));
        PolicyModel.without(policies).forEach(p -> out.add(new EngineCase(namespaces, pods, p, clusterPolicies, probes)));
        PolicyModel.each(clusterPolicies, ClusterPolicy::shrinks)
                .forEach(c -> out.add(new EngineCase(namespaces, pods, policies, c, probes)));
        PolicyModel.each(policies, Policy::shrinks)
                .forEach(p -> out.add(new EngineCase(namespaces, pods, p, clusterPolicies, probes)));
        for (List<Pod> fewer : PolicyModel.without(pods)) {
            boolean used = probes.stream().allMatch(p -> fewer.stream().anyMatch(pod -> pod.ref().equals(p.from()))
                    || !p.from().contains("/")) && probes.stream().allMatch(p -> !p.to().contains("/")
                    || fewer.stream().anyMatch(pod -> pod.ref().equals(p.to())));
            if (used) {
                out.add(new EngineCase(namespaces, fewer, policies, clusterPolicies, probes));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append("namespaces ").append(namespaces).append('\n');
        pods.forEach(p -> out.append("pod ").append(p).append('\n'));
        policies.forEach(p -> out.append("policy ").append(p).append('\n'));
        clusterPolicies.forEach(p -> out.append("cluster policy ").append(p).append('\n'));
        probes.forEach(p -> out.append("probe ").append(p).append('\n'));
        return out.toString();
    }
}

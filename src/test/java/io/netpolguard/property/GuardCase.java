package io.netpolguard.property;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netpolguard.cluster.Manifests;
import io.netpolguard.property.PolicyModel.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A generated input of the guard property: a small cluster with the Dynatrace Operator ({@link State}, the fixed
 * {@code pods}, the API server's endpoints, host addresses) and a sequence of changes. Each change is judged on
 * the current state; when {@link Step#advance()} the state then becomes the change's after-state, so later
 * changes are judged against projected snapshots and warm caches.
 */
public record GuardCase(List<PodSpec> pods, List<String> apiServer, Map<String, List<String>> hosts, State initial,
        List<Step> steps) {

    public GuardCase {
        pods = List.copyOf(pods);
        apiServer = List.copyOf(apiServer);
        hosts = new TreeMap<>(hosts);
        steps = List.copyOf(steps);
    }

    /** A pod: address (a node's when in the host network) and container ports {@code name/protocol/number}. */
    public record PodSpec(String namespace, String name, Map<String, String> labels, String ip, boolean hostNetwork,
            List<String> ports) {
        public PodSpec {
            labels = new TreeMap<>(labels);
            ports = List.copyOf(ports);
        }

        ObjectNode manifest() {
            ObjectNode pod = Manifests.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
            ObjectNode meta = pod.putObject("metadata").put("name", name).put("namespace", namespace);
            labels.forEach(meta.putObject("labels")::put);
            ObjectNode spec = pod.putObject("spec");
            spec.put("hostNetwork", hostNetwork).put("nodeName", "node-1");
            ObjectNode container = spec.putArray("containers").addObject().put("name", "main").put("image", "example");
            for (String port : ports) {
                String[] parts = port.split("/");
                container.withArray("ports").addObject().put("name", parts[0]).put("protocol", parts[1])
                        .put("containerPort", Integer.parseInt(parts[2]));
            }
            pod.putObject("status").put("podIP", ip).put("hostIP", "172.18.0.11").put("phase", "Running");
            return pod;
        }

        @Override
        public String toString() {
            return namespace + "/" + name + " " + labels + " " + ip + (hostNetwork ? " hostNetwork" : "") + " " + ports;
        }
    }

    /** A DynaKube's generated features; rendered as dynatrace.com/v1beta6. */
    public record DynaKubeSpec(String name, String oneAgentMode, String injection, List<String> capabilities,
            boolean prometheus, List<String> telemetry, boolean kspm, boolean logMonitoring, boolean codeModulesImage,
            boolean proxy) {

        ObjectNode manifest() {
            ObjectNode dk = Manifests.JSON.createObjectNode().put("apiVersion", "dynatrace.com/v1beta6")
                    .put("kind", "DynaKube");
            dk.putObject("metadata").put("name", name).put("namespace", "dynatrace");
            ObjectNode spec = dk.putObject("spec").put("apiUrl", "https://abc12345.live.dynatrace.com/api");
            if (oneAgentMode != null) {
                ObjectNode mode = spec.putObject("oneAgent").putObject(oneAgentMode);
                if (injection != null && !oneAgentMode.equals("hostMonitoring") && !oneAgentMode.equals("classicFullStack")) {
                    mode.putObject("namespaceSelector").putObject("matchLabels").put("dynatrace-injection", injection);
                }
                if (codeModulesImage && oneAgentMode.equals("applicationMonitoring")) {
                    mode.put("codeModulesImage", "registry.example.com/dynatrace/codemodules:1.321.0");
                }
            }
            if (!capabilities.isEmpty()) {
                capabilities.forEach(spec.putObject("activeGate").putArray("capabilities")::add);
            }
            if (prometheus) {
                spec.putObject("extensions").putObject("prometheus");
            }
            if (!telemetry.isEmpty()) {
                telemetry.forEach(spec.putObject("telemetryIngest").putArray("protocols")::add);
            }
            if (kspm) {
                spec.putObject("kspm");
            }
            if (logMonitoring) {
                spec.putObject("logMonitoring");
            }
            if (proxy) {
                spec.putObject("proxy").put("value", "http://proxy.example.com:3128");
            }
            return dk;
        }
    }

    /** What the changes change: namespace labels, policies and DynaKubes. */
    public record State(Map<String, Map<String, String>> namespaces, List<Policy> policies, List<DynaKubeSpec> dynaKubes) {
        public State {
            namespaces = new TreeMap<>(namespaces);
            policies = List.copyOf(policies);
            dynaKubes = List.copyOf(dynaKubes);
        }

        State apply(ChangeSpec change) {
            List<Policy> newPolicies = new ArrayList<>(policies);
            Map<String, Map<String, String>> newNamespaces = new TreeMap<>(namespaces);
            List<DynaKubeSpec> newDynaKubes = new ArrayList<>(dynaKubes);
            if (change instanceof ChangeSpec.PutPolicy put) {
                newPolicies.removeIf(p -> same(p, put.policy()));
                newPolicies.add(put.policy());
            } else if (change instanceof ChangeSpec.DeletePolicy delete) {
                newPolicies.removeIf(p -> same(p, delete.policy()));
            } else if (change instanceof ChangeSpec.NamespaceLabels labels) {
                newNamespaces.put(labels.namespace(), labels.labels());
            } else if (change instanceof ChangeSpec.UpdateDynaKube update) {
                newDynaKubes.removeIf(d -> d.name().equals(update.dynaKube().name()));
                newDynaKubes.add(update.dynaKube());
            }
            return new State(newNamespaces, newPolicies, newDynaKubes);
        }

        private static boolean same(Policy a, Policy b) {
            return a.namespace().equals(b.namespace()) && a.name().equals(b.name());
        }

        State withPolicies(List<Policy> fewer) {
            return new State(namespaces, fewer, dynaKubes);
        }
    }

    /** A change as the API server would send it. */
    public sealed interface ChangeSpec {
        /** CREATE (a new name) or UPDATE (an existing one). */
        record PutPolicy(Policy policy, boolean update) implements ChangeSpec {
            @Override
            public String toString() {
                return (update ? "UPDATE " : "CREATE ") + policy;
            }
        }

        record DeletePolicy(Policy policy) implements ChangeSpec {
            @Override
            public String toString() {
                return "DELETE " + policy.namespace() + "/" + policy.name();
            }
        }

        record NamespaceLabels(String namespace, Map<String, String> labels) implements ChangeSpec {
            @Override
            public String toString() {
                return "UPDATE Namespace " + namespace + " labels " + labels;
            }
        }

        record UpdateDynaKube(DynaKubeSpec dynaKube) implements ChangeSpec {
            @Override
            public String toString() {
                return "UPDATE " + dynaKube;
            }
        }
    }

    /** A change, and whether the cluster then moves on to its after-state. */
    public record Step(ChangeSpec change, boolean advance) {
        @Override
        public String toString() {
            return change + (advance ? "" : " (judged, not applied)");
        }
    }

    /** Fewer steps (a prefix, or one step left out), fewer or smaller initial policies, a smaller changed policy. */
    public List<GuardCase> shrinks() {
        List<GuardCase> out = new ArrayList<>();
        for (List<Step> fewer : PolicyModel.without(steps)) {
            if (!fewer.isEmpty() && consistent(initial, fewer)) {
                out.add(new GuardCase(pods, apiServer, hosts, initial, fewer));
            }
        }
        for (List<Policy> fewer : PolicyModel.without(initial.policies())) {
            State state = initial.withPolicies(fewer);
            if (consistent(state, steps)) {
                out.add(new GuardCase(pods, apiServer, hosts, state, steps));
            }
        }
        for (List<Policy> smaller : PolicyModel.each(initial.policies(), Policy::shrinks)) {
            out.add(new GuardCase(pods, apiServer, hosts, initial.withPolicies(smaller), steps));
        }
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).change() instanceof ChangeSpec.PutPolicy put) {
                for (Policy smaller : put.policy().shrinks()) {
                    List<Step> changed = new ArrayList<>(steps);
                    changed.set(i, new Step(new ChangeSpec.PutPolicy(smaller, put.update()), steps.get(i).advance()));
                    out.add(new GuardCase(pods, apiServer, hosts, initial, changed));
                }
            }
        }
        for (List<PodSpec> fewer : PolicyModel.without(pods)) {
            out.add(new GuardCase(fewer, apiServer, hosts, initial, steps));
        }
        return out;
    }

    /** Whether every UPDATE and DELETE names a policy that exists then, and every CREATE one that does not. */
    static boolean consistent(State state, List<Step> steps) {
        State current = state;
        for (Step step : steps) {
            Policy named = step.change() instanceof ChangeSpec.PutPolicy put ? put.policy()
                    : step.change() instanceof ChangeSpec.DeletePolicy delete ? delete.policy() : null;
            if (named != null) {
                boolean exists = current.policies().stream().anyMatch(p -> State.same(p, named));
                boolean mustExist = !(step.change() instanceof ChangeSpec.PutPolicy put) || put.update();
                if (exists != mustExist) {
                    return false;
                }
            }
            if (step.advance()) {
                current = current.apply(step.change());
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append("API server endpoints ").append(apiServer).append(", hosts ").append(hosts).append('\n');
        out.append("namespaces ").append(initial.namespaces()).append('\n');
        pods.forEach(p -> out.append("pod ").append(p).append('\n'));
        initial.dynaKubes().forEach(d -> out.append(d).append('\n'));
        initial.policies().forEach(p -> out.append("policy ").append(p).append('\n'));
        for (int i = 0; i < steps.size(); i++) {
            out.append("change ").append(i + 1).append(": ").append(steps.get(i)).append('\n');
        }
        return out.toString();
    }
}

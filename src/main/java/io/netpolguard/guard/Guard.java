package io.netpolguard.guard;

import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.ChangeProjector;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.NamespaceInfo;
import io.netpolguard.dynatrace.DynaKubeReader;
import io.netpolguard.dynatrace.EdgeConnectReader;
import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.OperatorNamespace;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.dynatrace.RequiredFlows;
import io.netpolguard.dynatrace.Severity;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Direction;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.InvalidPolicyException;
import io.netpolguard.netpol.LabelSet;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.Verdict;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The judgement of spec §4: evaluates the required flows before and after a change and decides.
 * A change is denied only for critical flows it newly blocks (in enforce mode, without exemption);
 * flows that were already blocked never cause a denial.
 */
public final class Guard {
    private final RequiredFlows requiredFlows;
    private final GuardSettings settings;
    private final DerivedFlows derived;

    public Guard(RequiredFlows requiredFlows, GuardSettings settings) {
        this.requiredFlows = requiredFlows;
        this.settings = settings;
        this.derived = new DerivedFlows(requiredFlows);
    }

    public GuardSettings settings() {
        return settings;
    }

    /** Every required flow of the snapshot with its status. */
    public List<FlowResult> check(ClusterSnapshot snapshot) {
        return new ArrayList<>(derived.evaluated(snapshot, flows -> evaluate(flows, snapshot.engine())));
    }

    /** What could not be read: NetworkPolicies read in part, DynaKubes and EdgeConnects; each names its object. */
    public List<String> problems(ClusterSnapshot snapshot) {
        List<String> problems = new ArrayList<>();
        for (CompiledPolicy policy : unreadablePolicies(snapshot)) {
            policy.problems().forEach(p -> problems.add("NetworkPolicy " + policy.id() + ": " + p
                    + " (the rule is taken as unknown: flows it could allow are unverifiable)"));
        }
        problems.addAll(requiredFlows.problems(snapshot));
        return problems;
    }

    /** The NetworkPolicies of which some part could not be read. */
    public List<CompiledPolicy> unreadablePolicies(ClusterSnapshot snapshot) {
        return snapshot.policies().all().stream().filter(p -> !p.problems().isEmpty()).toList();
    }

    /** Where the Dynatrace Operator runs, and whether the snapshot has it at all. */
    public OperatorNamespace operatorNamespace(ClusterSnapshot snapshot) {
        return requiredFlows.operatorNamespace(snapshot);
    }

    /** Whether the snapshot has the Dynatrace Operator, a DynaKube or EdgeConnect, or the guard's own pods. */
    public boolean hasAnythingToCheck(ClusterSnapshot snapshot) {
        return requiredFlows.hasAnythingToCheck(snapshot);
    }

    public FlowExplainer explainer(ClusterSnapshot snapshot) {
        return new FlowExplainer(apiServerClusterIp(snapshot), settings);
    }

    public Judgement judge(ClusterSnapshot before, Change change) {
        if (settings.mode() == Mode.OFF) {
            return JudgementBuilder.allow();
        }
        ClusterSnapshot after;
        try {
            after = ChangeProjector.apply(before, change);
        } catch (InvalidPolicyException e) {
            return JudgementBuilder.unreadable(change, e.getMessage());
        }
        List<FlowResult> beforeResults;
        List<FlowResult> afterResults;
        List<String> problems = List.of();
        if (change instanceof Change.PolicyChange policy) {
            DerivedFlows.Evaluated evaluated = derived.evaluatedTouching(before, policy.namespace(),
                    flows -> evaluate(flows, before.engine()));
            WholeFlows.Compared whole = WholeFlows.complete(evaluated.results(),
                    afterPolicyChange(evaluated, before, after, policy.namespace(), policy.name()),
                    derived.flows(before), policy.namespace(), before.engine());
            beforeResults = whole.before();
            afterResults = whole.after();
        } else {
            // Namespace labels and Dynatrace objects decide which flows are required: derive both sides.
            DerivedFlows.Evaluated evaluated = derived.evaluatedAll(before, flows -> evaluate(flows, before.engine()));
            beforeResults = evaluated.results();
            if (change instanceof Change.DynatraceChange dynatrace) {
                // Policies and namespaces stay the same: a connection between the same endpoints keeps its verdict.
                afterResults = evaluate(requiredFlows.derive(after), after.engine(),
                        evaluated.index("verdicts", SameConnection::verdicts));
                problems = problemsOf(dynatrace);
            } else {
                afterResults = evaluate(requiredFlows.derive(after), after.engine());
            }
        }
        Optional<String> exemption = exemption(change, before);
        List<Finding> findings = compare(beforeResults, afterResults, change, exemption.isPresent());
        return new JudgementBuilder(change, explainer(after), exemption.orElse(null)).build(findings, problems);
    }

    /** What could not be read in the changed DynaKube or EdgeConnect, each naming the object. */
    private static List<String> problemsOf(Change.DynatraceChange change) {
        List<String> problems = "DynaKube".equals(change.kind()) ? DynaKubeReader.read(change.object()).problems()
                : EdgeConnectReader.read(change.object()).problems();
        return problems.stream().map(p -> change.kind() + " " + change.namespace() + "/" + change.name() + ": " + p)
                .toList();
    }

    /** {@link #evaluate(List, PolicyEngine)}, taking the verdicts of connections judged already from {@code known}. */
    private List<FlowResult> evaluate(List<RequiredFlow> flows, PolicyEngine engine, Map<SameConnection, Verdict> known) {
        List<FlowResult> results = new ArrayList<>(flows.size());
        for (RequiredFlow flow : flows) {
            if (settings.flowMode(flow.id()) == Mode.OFF) {
                continue;
            }
            List<ConnectionResult> connections = new ArrayList<>(flow.connections().size());
            for (FlowConnection connection : flow.connections()) {
                Verdict verdict = connection.outsidePolicy() ? null : known.get(new SameConnection(connection.connection()));
                connections.add(verdict == null ? FlowEvaluator.evaluate(connection, engine)
                        : FlowEvaluator.result(connection, verdict));
            }
            results.add(FlowEvaluator.result(flow, connections));
        }
        return results;
    }

    private List<FlowResult> evaluate(List<RequiredFlow> flows, PolicyEngine engine) {
        return evaluate(flows, engine, Map.of());
    }

    /**
     * The results after a change of policy {@code namespace/name}, from those before it: only connections the
     * change can affect are judged again, those with a side (the source's egress, the destination's ingress)
     * on a pod of {@code namespace} that the old or the new version of the policy selects and isolates in that
     * direction. Every other side sees the same isolating policies in the same order as before (other
     * namespaces share their policy lists; the rest of this namespace's keep their order), so its verdict is
     * the one before. The same results as judging every connection again, without its cost in a namespace
     * every monitored application talks to: the connections are found through an index by label set.
     */
    private List<FlowResult> afterPolicyChange(DerivedFlows.Evaluated evaluated, ClusterSnapshot before,
            ClusterSnapshot after, String namespace, String name) {
        List<CompiledPolicy> changed = new ArrayList<>();
        before.policies().in(namespace).policies().stream().filter(p -> p.name().equals(name)).forEach(changed::add);
        after.policies().in(namespace).policies().stream().filter(p -> p.name().equals(name)).forEach(changed::add);
        List<FlowResult> beforeResults = evaluated.results();
        Sides sides = evaluated.index("sides", results -> Sides.of(results, namespace));
        PolicyEngine engine = after.engine();
        Map<Integer, List<ConnectionResult>> rejudged = new HashMap<>();
        for (Direction direction : Direction.values()) {
            sides.of(direction).forEach((labels, positions) -> {
                if (!selectsAndIsolates(changed, labels, direction)) {
                    return;
                }
                for (long position : positions) {
                    int flow = (int) (position >>> 32);
                    int connection = (int) position;
                    List<ConnectionResult> connections = rejudged.computeIfAbsent(flow,
                            f -> new ArrayList<>(beforeResults.get(f).connections()));
                    ConnectionResult previous = connections.get(connection);
                    connections.set(connection, FlowEvaluator.result(previous.connection(),
                            engine.evaluateAfterChangeIn(namespace, previous.verdict())));
                }
            });
        }
        if (rejudged.isEmpty()) {
            return beforeResults;
        }
        List<FlowResult> results = new ArrayList<>(beforeResults);
        rejudged.forEach((flow, connections) -> results.set(flow, FlowEvaluator.result(results.get(flow).flow(), connections)));
        return results;
    }

    private static boolean selectsAndIsolates(List<CompiledPolicy> policies, LabelSet labels, Direction direction) {
        for (CompiledPolicy policy : policies) {
            if (policy.isolates(direction) && policy.podSelector().matches(labels)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The connections of evaluated flows with a side in a namespace that policies there can isolate (a pod, not in
     * the host network; judged, not not-applicable), by direction and label set of that pod: positions are
     * {@code flow index << 32 | connection index}.
     */
    private record Sides(Map<LabelSet, long[]> egress, Map<LabelSet, long[]> ingress) {
        Map<LabelSet, long[]> of(Direction direction) {
            return direction == Direction.INGRESS ? ingress : egress;
        }

        static Sides of(List<FlowResult> results, String namespace) {
            Map<LabelSet, List<Long>> egress = new HashMap<>();
            Map<LabelSet, List<Long>> ingress = new HashMap<>();
            for (int f = 0; f < results.size(); f++) {
                List<ConnectionResult> connections = results.get(f).connections();
                for (int c = 0; c < connections.size(); c++) {
                    if (connections.get(c).verdict() == null) {
                        continue;
                    }
                    Connection connection = connections.get(c).connection().connection();
                    long position = (long) f << 32 | c;
                    add(egress, connection.source(), namespace, position);
                    add(ingress, connection.destination(), namespace, position);
                }
            }
            return new Sides(freeze(egress), freeze(ingress));
        }

        private static void add(Map<LabelSet, List<Long>> index, Endpoint end, String namespace, long position) {
            if (end instanceof PodEndpoint pod && !pod.hostNetwork() && pod.namespace().equals(namespace)) {
                index.computeIfAbsent(pod.labels(), l -> new ArrayList<>()).add(position);
            }
        }

        private static Map<LabelSet, long[]> freeze(Map<LabelSet, List<Long>> index) {
            Map<LabelSet, long[]> frozen = new HashMap<>();
            index.forEach((labels, positions) -> frozen.put(labels, positions.stream().mapToLong(Long::longValue).toArray()));
            return frozen;
        }
    }

    private List<Finding> compare(List<FlowResult> before, List<FlowResult> after, Change change, boolean exempt) {
        Map<String, FlowResult> beforeByKey = new HashMap<>();
        before.forEach(r -> beforeByKey.put(r.flow().key(), r));
        Map<String, FlowResult> afterByKey = new LinkedHashMap<>();
        after.forEach(r -> afterByKey.put(r.flow().key(), r));
        List<Finding> findings = new ArrayList<>();
        for (FlowResult result : after) {
            FlowResult previous = beforeByKey.get(result.flow().key());
            Severity severity = settings.severity(result.flow().id(), result.flow().definition().severity());
            // Spec §4: a flow that was already blocked never causes a denial, even when the change
            // blocks more of its connections; it goes into the "already blocked" warning.
            boolean newlyBlocked = result.status() == FlowStatus.BLOCKED
                    && (previous == null || previous.status() != FlowStatus.BLOCKED);
            if (newlyBlocked) {
                findings.add(new Finding(Finding.Kind.NEWLY_BLOCKED, result, severity,
                        !exempt && severity == Severity.CRITICAL && enforced(result.flow().id(), change)));
            } else if (result.status() == FlowStatus.BLOCKED) {
                findings.add(new Finding(Finding.Kind.STILL_BLOCKED, result, severity, false));
            } else if (result.status() == FlowStatus.UNVERIFIABLE
                    && (previous == null || previous.status() == FlowStatus.ALLOWED)) {
                findings.add(new Finding(Finding.Kind.NEWLY_UNVERIFIABLE, result, severity, false));
            }
        }
        for (FlowResult result : before) {
            FlowResult next = afterByKey.get(result.flow().key());
            if (result.status() == FlowStatus.BLOCKED && next != null && next.status() != FlowStatus.BLOCKED) {
                findings.add(new Finding(Finding.Kind.UNBLOCKED, next,
                        settings.severity(next.flow().id(), next.flow().definition().severity()), false));
            }
        }
        return findings;
    }

    private boolean enforced(String flowId, Change change) {
        return settings.mode() == Mode.ENFORCE && settings.flowMode(flowId) == Mode.ENFORCE
                && settings.kindMode(change.kind()) == Mode.ENFORCE;
    }

    private static Optional<String> exemption(Change change, ClusterSnapshot before) {
        String reason = change.annotations().get(GuardSettings.EXEMPT_ANNOTATION);
        if (reason != null && !reason.isBlank()) {
            return Optional.of(reason.trim());
        }
        String namespace = change.namespace();
        if (change instanceof Change.NamespaceChange) {
            return Optional.empty();
        }
        reason = before.namespace(namespace).map(NamespaceInfo::annotations)
                .map(a -> a.get(GuardSettings.EXEMPT_ANNOTATION)).orElse(null);
        return reason == null || reason.isBlank() ? Optional.empty() : Optional.of(reason.trim());
    }

    static InetAddress apiServerClusterIp(ClusterSnapshot snapshot) {
        return snapshot.services().stream()
                .filter(s -> "kubernetes".equals(s.getMetadata().getName())
                        && "default".equals(s.getMetadata().getNamespace() == null ? "default" : s.getMetadata().getNamespace()))
                .map(s -> s.getSpec() == null ? null : s.getSpec().getClusterIP())
                .map(ip -> io.netpolguard.netpol.IpAddresses.parse(ip).orElse(null))
                .filter(Objects::nonNull).findFirst().orElse(null);
    }

}

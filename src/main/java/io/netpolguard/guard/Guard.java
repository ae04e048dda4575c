package io.netpolguard.guard;

import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.ChangeProjector;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.dynatrace.DynaKubeReader;
import io.netpolguard.dynatrace.EdgeConnectReader;
import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.OperatorNamespace;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.dynatrace.RequiredFlows;
import io.netpolguard.netpol.ClusterPolicy;
import io.netpolguard.netpol.ClusterPolicyKind;
import io.netpolguard.netpol.CompiledPolicy;
import io.netpolguard.netpol.UnevaluatedPolicy;
import io.netpolguard.netpol.InvalidPolicyException;
import io.netpolguard.netpol.PolicyEngine;
import io.netpolguard.netpol.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /**
     * Makes ready what every change judged against {@code snapshot} starts from (its flows and their evaluation), for
     * the thread that makes snapshots: the first request after a rebuild then finds it done.
     */
    public void prepare(ClusterSnapshot snapshot) {
        if (settings.mode() != Mode.OFF) {
            derived.prepare(snapshot, flows -> evaluate(flows, snapshot.engine()));
        }
    }

    /**
     * What could not be read: NetworkPolicies read in part, DynaKubes and EdgeConnects, each naming its object; policies
     * of kinds the guard does not evaluate; policy kinds RBAC forbids to list, with the permission to grant.
     */
    public List<String> problems(ClusterSnapshot snapshot) {
        List<String> problems = new ArrayList<>();
        for (CompiledPolicy policy : unreadablePolicies(snapshot)) {
            policy.problems().forEach(p -> problems.add("NetworkPolicy " + policy.id() + ": " + p
                    + " (the rule is taken as unknown: flows it could allow are unverifiable)"));
        }
        for (ClusterPolicy policy : snapshot.clusterPolicies().all()) {
            policy.problems().forEach(p -> problems.add(policy.id() + ": " + p
                    + " (what cannot be read may match: flows it could decide are unverifiable)"));
        }
        for (UnevaluatedPolicy policy : snapshot.unevaluatedPolicies()) {
            problems.add(policy.unlisted() ? unlisted(policy)
                    : policy.describe() + ": a kind the guard does not evaluate; flows of the pods it may apply to ("
                    + (policy.namespace() == null ? "every namespace" : "namespace " + policy.namespace())
                    + ") are unverifiable" + (policy.canAllow() ? "" : " unless already blocked"));
        }
        problems.addAll(requiredFlows.problems(snapshot));
        return problems;
    }

    /** What a kind RBAC forbids to list means, and the permission that ends it. */
    private static String unlisted(UnevaluatedPolicy standIn) {
        String kind = standIn.kind();
        String resource = standIn.unlistedResource();
        boolean evaluated = ClusterPolicyKind.ofKind(kind).isPresent();
        return kind + ": " + (evaluated ? "the guard evaluates this kind but may not list it" : "the guard may not list "
                + "this kind") + " (RBAC forbids listing " + resource + "), so every flow that " + kind + " objects could "
                + "decide is unverifiable, never allowed and never a reason to deny; grant list and watch on " + resource
                + " to the guard's ServiceAccount (the ClusterRole netpol-guard of k8s/base/clusterrole.yaml and of the "
                + "Helm chart charts/netpol-guard has them) or, for a command with --live, to its user";
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
        return new FlowExplainer(snapshot.apiServerClusterIp(), settings);
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
            beforeResults = evaluated.results();
            afterResults = PolicyChangeRejudging.after(evaluated, before, after, policy.namespace(), policy.name());
        } else {
            // Namespace labels and Dynatrace objects decide which flows are required: derive both sides.
            DerivedFlows.Evaluated evaluated = derived.evaluatedAll(before, flows -> evaluate(flows, before.engine()));
            beforeResults = evaluated.results();
            if (change instanceof Change.DynatraceChange dynatrace) {
                // Only the changed object's flows are derived again. Policies and namespaces stay the same: a flow
                // kept from before keeps its result, a connection between the same endpoints keeps its verdict.
                List<RequiredFlow> afterFlows = requiredFlows.deriveAfterChange(before, derived.flows(before), after,
                        RequiredFlows.ownerOf(dynatrace.kind(), dynatrace.namespace(), dynatrace.name()));
                afterResults = evaluateReusing(afterFlows, after.engine(), evaluated, List.of(), null, null);
                problems = problemsOf(dynatrace);
            } else if (change instanceof Change.ClusterPolicyChange cluster) {
                // the required flows stay the same; every verdict may change
                afterResults = evaluate(derived.flows(before), after.engine());
                problems = cluster.operation() == Change.Operation.DELETE ? List.of()
                        : ChangeProjector.compile(cluster).problems().stream()
                                .map(p -> cluster.kind() + " " + cluster.name() + ": " + p).toList();
            } else if (change instanceof Change.NamespaceChange namespace) {
                List<RequiredFlow> afterFlows = requiredFlows.deriveAfterNamespaceChange(before, derived.flows(before),
                        after, namespace.name());
                afterResults = evaluateReusing(afterFlows, after.engine(), evaluated,
                        derived.touching(before, namespace.name()), namespace.name(), flow -> derived.where(before, flow));
            } else {
                afterResults = evaluate(requiredFlows.derive(after), after.engine());
            }
        }
        Optional<String> exemption = Exemption.of(change, before);
        boolean unreadPolicies = !before.unevaluatedPolicies().isEmpty() || !after.unevaluatedPolicies().isEmpty();
        List<Finding> findings = new FlowComparison(settings).compare(beforeResults, afterResults, change,
                exemption.isPresent(), unreadPolicies);
        return new JudgementBuilder(change, explainer(after), exemption.orElse(null))
                .allowedBefore(allowedByChangedPolicy(change, beforeResults)).build(findings, problems);
    }

    /**
     * For an update or delete of a cluster-wide policy: each of its rules that allowed a flow before the change, with
     * those flows (the denial says what the policy was doing).
     */
    private static Map<String, java.util.Set<String>> allowedByChangedPolicy(Change change, List<FlowResult> before) {
        if (!(change instanceof Change.ClusterPolicyChange cluster) || cluster.operation() == Change.Operation.CREATE) {
            return Map.of();
        }
        Map<String, java.util.Set<String>> rules = new java.util.TreeMap<>();
        for (FlowResult result : before) {
            for (ConnectionResult connection : result.connections()) {
                Verdict verdict = connection.verdict();
                if (verdict == null) {
                    continue;
                }
                for (io.netpolguard.netpol.SideVerdict side : List.of(verdict.egress(), verdict.ingress())) {
                    if (side.decidedByClusterRule() && side.outcome() == io.netpolguard.netpol.Outcome.ALLOWED
                            && side.cluster().policy().kind() == cluster.policyKind()
                            && side.cluster().policy().name().equals(cluster.name())) {
                        rules.computeIfAbsent(side.cluster().describe(), r -> new java.util.TreeSet<>())
                                .add(result.flow().id());
                    }
                }
            }
        }
        return rules;
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
     * The results after a change that keeps the policies (a DynaKube, EdgeConnect or Namespace change): a flow evaluated
     * before keeps its result, and a new flow's connections take the verdicts judged before where they can. After a
     * change of the labels of {@code namespace} (null for none) only connections with an end in it can change their
     * verdict (namespace labels count where a policy selects peers, or cluster-wide policies select subjects, by them):
     * those of the flows in {@code touching} are judged again, the others keep theirs.
     *
     * @param touching the flows before the change with a connection that has an end in {@code namespace}
     * @param where where the flows before the change have connections (null without a namespace)
     */
    private List<FlowResult> evaluateReusing(List<RequiredFlow> flows, PolicyEngine engine,
            DerivedFlows.Evaluated before, List<RequiredFlow> touching, String namespace,
            java.util.function.Function<RequiredFlow, FlowNamespaces> where) {
        Map<RequiredFlow, Integer> known = new java.util.IdentityHashMap<>();
        for (int f = 0; f < before.results().size(); f++) {
            known.put(before.results().get(f).flow(), f);
        }
        Set<RequiredFlow> touched = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        touched.addAll(touching);
        Map<String, Integer> byKey = new java.util.HashMap<>();
        for (int f = 0; f < before.results().size(); f++) {
            byKey.put(before.results().get(f).flow().key(), f);
        }
        Map<SameConnection, Verdict> verdicts = null;
        List<FlowResult> results = new ArrayList<>(flows.size());
        for (RequiredFlow flow : flows) {
            Integer index = known.get(flow);
            FlowResult result = index == null ? null : before.results().get(index);
            if (result != null && !touched.contains(flow)) {
                results.add(result);
                continue;
            }
            if (settings.flowMode(flow.id()) == Mode.OFF) {
                continue;
            }
            if (result != null) { // the same flow: only its connections with an end in the namespace are judged again
                results.add(FlowEvaluator.result(flow, rejudgedIn(result, before.statusCounts(index),
                        where.apply(flow).in(namespace), engine)));
                continue;
            }
            if (verdicts == null) {
                verdicts = before.verdicts();
            }
            Integer sameKey = byKey.get(flow.key());
            results.add(FlowEvaluator.result(flow, sameKey == null ? fresh(flow, namespace, verdicts, engine)
                    : derivedAgain(flow, before.results().get(sameKey), before.statusCounts(sameKey),
                            namespace == null ? new int[0] : where.apply(before.results().get(sameKey).flow())
                                    .in(namespace), verdicts, engine)));
        }
        return results;
    }

    /** The connections of a new flow: each takes the verdict of a connection between the same endpoints, or is judged. */
    private static RejudgedConnections fresh(RequiredFlow flow, String namespace, Map<SameConnection, Verdict> verdicts,
            PolicyEngine engine) {
        List<FlowConnection> flowConnections = flow.connections();
        RejudgedConnections connections = RejudgedConnections.fresh(flowConnections.size(),
                c -> FlowEvaluator.evaluate(flowConnections.get(c), engine));
        for (int c = 0; c < flowConnections.size(); c++) {
            FlowConnection connection = flowConnections.get(c);
            ConnectionResult kept = namespace != null && DerivedFlows.hasEndIn(connection, namespace) ? null
                    : judgedBefore(verdicts, connection);
            judge(connections, c, connection, kept, engine);
        }
        return connections;
    }

    /**
     * The connections of a flow derived again from {@code previous} (its result before the change, {@code counts} per
     * status), most of them the very connections judged then (the other namespaces' apps when only one namespace's
     * were looked at again): those keep their results unless they have an end in the changed namespace
     * ({@code inNamespace}: the indices of such connections in {@code previous}); the others are judged like those of
     * a new flow. Costs the connections that are new or judged again, and a walk of identities.
     */
    private static RejudgedConnections derivedAgain(RequiredFlow flow, FlowResult previous, int[] counts,
            int[] inNamespace, Map<SameConnection, Verdict> verdicts, PolicyEngine engine) {
        List<FlowConnection> flowConnections = flow.connections();
        int[] same = ResultReuse.sameConnections(flow, previous.flow());
        int[] now = new int[previous.connections().size()]; // for each connection before, its index now, or -1
        java.util.Arrays.fill(now, -1);
        int fresh = 0;
        for (int c = 0; c < same.length; c++) {
            if (same[c] >= 0) {
                now[same[c]] = c;
            } else {
                fresh++;
            }
        }
        int[] beforeCounts = counts.clone();
        for (int k = 0; k < now.length; k++) {
            if (now[k] < 0) { // gone with the change
                beforeCounts[previous.statusAt(k).ordinal()]--;
            }
        }
        beforeCounts[NOT_JUDGED.status().ordinal()] += fresh;
        RejudgedConnections connections = RejudgedConnections.reusing(same.length,
                c -> same[c] >= 0 ? previous.connections().get(same[c]) : NOT_JUDGED, beforeCounts,
                c -> FlowEvaluator.evaluate(flowConnections.get(c), engine));
        for (int c = 0; c < same.length; c++) {
            if (same[c] < 0) {
                FlowConnection connection = flowConnections.get(c);
                judge(connections, c, connection, judgedBefore(verdicts, connection), engine);
            }
        }
        for (int k : inNamespace) {
            if (now[k] >= 0) {
                judge(connections, now[k], flowConnections.get(now[k]), null, engine);
            }
        }
        return connections;
    }

    /** Stands for a connection of a flow derived again that was not judged before, until it is. */
    private static final ConnectionResult NOT_JUDGED = new ConnectionResult(null, null, FlowStatus.NOT_APPLICABLE);

    /** Connection {@code c} gets {@code kept}, or is judged: now when outside policy, else its status now. */
    private static void judge(RejudgedConnections connections, int c, FlowConnection connection, ConnectionResult kept,
            PolicyEngine engine) {
        if (connection.outsidePolicy()) {
            connections.judgeNow(c);
        } else if (kept != null) {
            connections.put(c, kept);
        } else { // judged now, explained when read
            connections.judgeLater(c, FlowEvaluator.status(engine.outcome(connection.connection())));
        }
    }

    /**
     * The connections of {@code result} (judged before the change, {@code counts} per status) with those at
     * {@code positions} judged again: their status now, their verdicts when read.
     */
    private static RejudgedConnections rejudgedIn(FlowResult result, int[] counts, int[] positions,
            PolicyEngine engine) {
        RejudgedConnections connections = RejudgedConnections.after(result.connections(), counts,
                previous -> FlowEvaluator.evaluate(previous.connection(), engine));
        for (int c : positions) {
            judge(connections, c, result.flow().connections().get(c), null, engine);
        }
        return connections;
    }

    /** The result of a connection between the same endpoints judged before, or null. */
    private static ConnectionResult judgedBefore(Map<SameConnection, Verdict> verdicts, FlowConnection connection) {
        Verdict verdict = verdicts.get(new SameConnection(connection.connection()));
        return verdict == null ? null : FlowEvaluator.result(connection, verdict);
    }
}

package io.netpolguard.guard;

import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.ChangeProjector;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.OperatorNamespace;
import io.netpolguard.dynatrace.ReadOnce;
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
        this(requiredFlows, settings, DerivedFlows.CARRIED_SIDES_AT_LEAST);
    }

    /** @param carriedSidesAtLeast see {@link DerivedFlows#DerivedFlows(RequiredFlows, int)} (tests carry every index) */
    Guard(RequiredFlows requiredFlows, GuardSettings settings, int carriedSidesAtLeast) {
        this.requiredFlows = requiredFlows;
        this.settings = settings;
        this.derived = new DerivedFlows(requiredFlows, carriedSidesAtLeast);
    }

    public GuardSettings settings() {
        return settings;
    }

    /** Every required flow of the snapshot with its status. */
    public List<FlowResult> check(ClusterSnapshot snapshot) {
        return new ArrayList<>(derived.evaluated(snapshot, flows -> evaluate(flows, snapshot.engine())));
    }

    /** Whether a NetworkPolicy change in {@code namespace} finds its connection index made for {@code snapshot}. */
    boolean connectionIndexReady(ClusterSnapshot snapshot, String namespace) {
        return derived.sidesReady(snapshot, namespace);
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
                afterResults = SamePoliciesEvaluation.after(afterFlows, after.engine(), evaluated, List.of(), null, null,
                        settings);
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
                afterResults = SamePoliciesEvaluation.after(afterFlows, after.engine(), evaluated,
                        derived.touching(before, namespace.name()), namespace.name(), flow -> derived.where(before, flow),
                        settings);
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
        // the object is the one the projected snapshot holds: read once for these problems and for its flows
        List<String> problems = "DynaKube".equals(change.kind()) ? ReadOnce.dynaKube(change.object()).problems()
                : ReadOnce.edgeConnect(change.object()).problems();
        return problems.stream().map(p -> change.kind() + " " + change.namespace() + "/" + change.name() + ": " + p)
                .toList();
    }

    private List<FlowResult> evaluate(List<RequiredFlow> flows, PolicyEngine engine) {
        List<FlowResult> results = new ArrayList<>(flows.size());
        for (RequiredFlow flow : flows) {
            if (settings.flowMode(flow.id()) == Mode.OFF) {
                continue;
            }
            List<ConnectionResult> connections = new ArrayList<>(flow.connections().size());
            for (FlowConnection connection : flow.connections()) {
                connections.add(FlowEvaluator.evaluate(connection, engine));
            }
            results.add(FlowEvaluator.result(flow, connections));
        }
        return results;
    }
}

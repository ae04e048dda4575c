package io.netpolguard.guard;

import io.netpolguard.cluster.Change;
import io.netpolguard.cluster.ChangeProjector;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.cluster.NamespaceInfo;
import io.netpolguard.dynatrace.DynaKubeReader;
import io.netpolguard.dynatrace.EdgeConnectReader;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.dynatrace.RequiredFlows;
import io.netpolguard.dynatrace.Severity;
import io.netpolguard.netpol.InvalidPolicyException;
import io.netpolguard.netpol.PolicyEngine;
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
        PolicyEngine engine = snapshot.engine();
        List<FlowResult> results = new ArrayList<>();
        for (RequiredFlow flow : derived.flows(snapshot)) {
            if (settings.flowMode(flow.id()) != Mode.OFF) {
                results.add(FlowEvaluator.evaluate(flow, engine));
            }
        }
        return results;
    }

    public List<String> problems(ClusterSnapshot snapshot) {
        return requiredFlows.problems(snapshot);
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
            List<RequiredFlow> flows = derived.touching(before, policy.namespace());
            beforeResults = evaluate(flows, before.engine());
            afterResults = evaluate(flows, after.engine());
        } else {
            // Namespace labels and Dynatrace objects decide which flows are required: derive both sides.
            beforeResults = evaluate(derived.flows(before), before.engine());
            afterResults = evaluate(requiredFlows.derive(after), after.engine());
            if (change instanceof Change.DynatraceChange dynatrace) {
                problems = problemsOf(dynatrace);
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

    private List<FlowResult> evaluate(List<RequiredFlow> flows, PolicyEngine engine) {
        List<FlowResult> results = new ArrayList<>(flows.size());
        for (RequiredFlow flow : flows) {
            if (settings.flowMode(flow.id()) != Mode.OFF) {
                results.add(FlowEvaluator.evaluate(flow, engine));
            }
        }
        return results;
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

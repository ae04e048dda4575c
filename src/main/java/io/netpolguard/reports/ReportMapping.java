package io.netpolguard.reports;

import io.netpolguard.dynatrace.FlowConnection;
import io.netpolguard.dynatrace.FlowEnd;
import io.netpolguard.dynatrace.RequiredFlow;
import io.netpolguard.dynatrace.Severity;
import io.netpolguard.guard.FlowExplainer;
import io.netpolguard.guard.FlowResult;
import io.netpolguard.guard.GuardSettings;
import io.netpolguard.guard.Mode;
import io.netpolguard.netpol.PodEndpoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns one audit into PolicyReports: one result per required flow that was judged (not-applicable flows are left
 * out), in the report of the namespace of the component the flow protects, and the audit's problems in the
 * ClusterPolicyReport. A flow's namespace: the DynaKube's or EdgeConnect's namespace for the flows of that object
 * (its components run there), the guard's namespace for {@code control-plane->netpol-guard}, the operator's
 * namespace for the operator's own flows. Flows to cluster-wide peers (the API server, the tenant) belong to the
 * component that makes them.
 */
public final class ReportMapping {
    /** The {@code policy} of every result. */
    public static final String POLICY = "netpol-guard";
    static final String CATEGORY = "Dynatrace Operator network flows";
    static final String PROBLEM_RULE = "audit-problem";
    private static final String GUARD_COMPONENT = "netpol-guard";
    private static final int MAX_RESOURCES = 10;

    private final GuardSettings settings;
    private final String guardNamespace;

    /** @param guardNamespace where the guard's pods run ({@code netpol-guard.self.namespace}) */
    public ReportMapping(GuardSettings settings, String guardNamespace) {
        this.settings = settings;
        this.guardNamespace = guardNamespace;
    }

    /**
     * The reports of one audit: one per namespace with at least one reported flow (sorted by namespace), then the
     * ClusterPolicyReport when the audit has problems.
     */
    public List<Report> reports(List<FlowResult> results, FlowExplainer explainer, List<String> problems,
            String operatorNamespace) {
        Map<String, List<ReportResult>> byNamespace = new TreeMap<>();
        List<FlowResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparing((FlowResult r) -> r.flow().id()).thenComparing(r -> r.flow().owner()));
        for (FlowResult result : sorted) {
            ReportOutcome outcome = outcome(result);
            if (outcome == null) {
                continue;
            }
            byNamespace.computeIfAbsent(namespaceOf(result.flow(), operatorNamespace), n -> new ArrayList<>())
                    .add(flowResult(result, outcome, explainer));
        }
        List<Report> reports = new ArrayList<>();
        byNamespace.forEach((namespace, list) -> reports.add(new Report(namespace, list)));
        if (!problems.isEmpty()) {
            reports.add(new Report(null, problems.stream().map(ReportMapping::problemResult).toList()));
        }
        return reports;
    }

    /** pass, fail, warn or error; null for a flow that is not reported (not applicable). */
    ReportOutcome outcome(FlowResult result) {
        return switch (result.status()) {
            case ALLOWED -> ReportOutcome.PASS;
            case BLOCKED -> wouldDeny(result.flow()) ? ReportOutcome.FAIL : ReportOutcome.WARN;
            case UNVERIFIABLE -> ReportOutcome.ERROR;
            case NOT_APPLICABLE -> null;
        };
    }

    /** Whether the guard denies a change that newly blocks this flow: a critical flow in enforce mode. */
    private boolean wouldDeny(RequiredFlow flow) {
        return severity(flow) == Severity.CRITICAL && settings.mode() == Mode.ENFORCE
                && settings.flowMode(flow.id()) == Mode.ENFORCE;
    }

    private Severity severity(RequiredFlow flow) {
        return settings.severity(flow.id(), flow.definition().severity());
    }

    String namespaceOf(RequiredFlow flow, String operatorNamespace) {
        String owner = flow.owner();
        int space = owner.indexOf(' ');
        int slash = owner.indexOf('/');
        if (space > 0 && slash > space) {
            return owner.substring(space + 1, slash);
        }
        if (GUARD_COMPONENT.equals(flow.definition().from()) || GUARD_COMPONENT.equals(flow.definition().to())) {
            return guardNamespace;
        }
        return operatorNamespace;
    }

    private ReportResult flowResult(FlowResult result, ReportOutcome outcome, FlowExplainer explainer) {
        RequiredFlow flow = result.flow();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("status", result.status().id());
        properties.put("from", flow.definition().from());
        properties.put("to", flow.definition().to());
        properties.put("ports", ports(result));
        properties.put("owner", flow.owner().isEmpty() ? "operator" : flow.owner());
        properties.put("mode", settings.mode() == Mode.ENFORCE ? settings.flowMode(flow.id()).id() : settings.mode().id());
        properties.put("connections", Integer.toString(result.connections().size()));
        long notAllowed = result.connections().stream().filter(c -> c.status() == result.status()).count();
        if (outcome != ReportOutcome.PASS) {
            properties.put("connections-" + result.status().id(), Long.toString(notAllowed));
        }
        return new ReportResult(flow.id(), outcome, severity(flow) == Severity.CRITICAL ? "critical" : "medium",
                explainer.explain(result), properties, resources(result));
    }

    /** The ports the flow's connections use ({@code UDP/53,TCP/53}), else the catalogue's. */
    private static String ports(FlowResult result) {
        Set<String> ports = new LinkedHashSet<>();
        for (var connection : result.connections()) {
            ports.add(connection.connection().connection().protocol() + "/" + connection.connection().connection().port());
        }
        return String.join(",", ports.isEmpty() ? result.flow().definition().ports() : ports);
    }

    /** The DynaKube or EdgeConnect the flow belongs to, then the pods and workloads at its ends (at most 10). */
    private static List<ObjectRef> resources(FlowResult result) {
        Set<ObjectRef> resources = new LinkedHashSet<>();
        String owner = result.flow().owner();
        int space = owner.indexOf(' ');
        int slash = owner.indexOf('/');
        if (space > 0 && slash > space) {
            resources.add(new ObjectRef("", owner.substring(0, space), owner.substring(space + 1, slash),
                    owner.substring(slash + 1)));
        }
        for (var connection : result.connections()) {
            FlowConnection ends = connection.connection();
            for (FlowEnd end : List.of(ends.source(), ends.destination())) {
                if (resources.size() < MAX_RESOURCES && end.endpoint() instanceof PodEndpoint pod && !pod.isExpected()) {
                    resources.add(new ObjectRef(apiVersion(pod.kind()), pod.kind(), pod.namespace(), pod.name()));
                }
            }
        }
        return List.copyOf(resources);
    }

    private static String apiVersion(String kind) {
        return switch (kind) {
            case "Pod" -> "v1";
            case "Job", "CronJob" -> "batch/v1";
            default -> "apps/v1";
        };
    }

    private static ReportResult problemResult(String problem) {
        return new ReportResult(PROBLEM_RULE, ReportOutcome.WARN, "medium", problem, Map.of(), List.of());
    }
}

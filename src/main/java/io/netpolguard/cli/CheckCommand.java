package io.netpolguard.cli;

import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.dynatrace.Severity;
import io.netpolguard.guard.FlowExplainer;
import io.netpolguard.guard.FlowResult;
import io.netpolguard.guard.FlowStatus;
import io.netpolguard.guard.Guard;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code check}: every flow the Dynatrace Operator needs in a cluster given as manifests, with its status. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Lists every flow the Dynatrace Operator needs in a cluster given as manifests, with its status "
                + "(allowed, blocked, unverifiable, not-applicable) and why.",
        footer = {"%nExit codes: 0 no critical flow blocked, 1 a critical flow is blocked, 2 bad input."})
public class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    NetpolGuardCommand parent;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    GuardOptions guardOptions;

    @Option(names = "--output", defaultValue = "text", paramLabel = "text|json",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Override
    public Integer call() {
        Guard guard = guardOptions.guard(parent.guardFactory());
        ClusterSnapshot snapshot = cluster.snapshot(spec.commandLine().getErr());
        if (!guard.hasAnythingToCheck(snapshot)) {
            throw new InputException("no Dynatrace Operator in " + cluster.describe() + ": no pods with the operator's or "
                    + "its webhook's labels, no DynaKube or EdgeConnect, and no netpol-guard pods (is the path right?)");
        }
        List<FlowResult> results = guard.check(snapshot);
        List<String> problems = guard.problems(snapshot);
        FlowExplainer explainer = guard.explainer(snapshot);
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.json) {
            out.println(Json.pretty(json(results, problems, explainer, guard)));
        } else {
            text(results, problems, explainer, guard, out);
        }
        out.flush();
        boolean criticalBlocked = results.stream().anyMatch(r -> r.status() == FlowStatus.BLOCKED
                && severity(guard, r) == Severity.CRITICAL);
        return criticalBlocked ? CommandLines.EXIT_FINDINGS : CommandLines.EXIT_OK;
    }

    private static Severity severity(Guard guard, FlowResult result) {
        return guard.settings().severity(result.flow().id(), result.flow().definition().severity());
    }

    private static Map<String, Object> json(List<FlowResult> results, List<String> problems, FlowExplainer explainer,
            Guard guard) {
        List<Map<String, Object>> flows = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (FlowStatus status : FlowStatus.values()) {
            counts.put(status.id(), 0);
        }
        for (FlowResult result : results) {
            Map<String, Object> flow = new LinkedHashMap<>();
            flow.put("id", result.flow().id());
            flow.put("owner", result.flow().owner());
            flow.put("severity", severity(guard, result).id());
            flow.put("status", result.status().id());
            flow.put("connections", result.connections().size());
            if (result.status() == FlowStatus.UNVERIFIABLE) {
                flow.put("reason", FlowExplainer.reason(result));
            }
            flow.put("explanation", explainer.explain(result));
            flows.add(flow);
            counts.merge(result.status().id(), 1, Integer::sum);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("flows", flows);
        json.put("summary", counts);
        json.put("problems", problems);
        return json;
    }

    private static void text(List<FlowResult> results, List<String> problems, FlowExplainer explainer, Guard guard,
            PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"FLOW", "FOR", "SEVERITY", "STATUS"});
        for (FlowResult result : results) {
            rows.add(new String[] {result.flow().id(), result.flow().owner().isEmpty() ? "-" : result.flow().owner(),
                    severity(guard, result).id(), result.status().id()});
        }
        Table.print(rows, out);
        for (FlowResult result : results) {
            if (result.status() == FlowStatus.BLOCKED || result.status() == FlowStatus.UNVERIFIABLE) {
                out.println();
                out.println(explainer.explain(result));
            }
        }
        if (!problems.isEmpty()) {
            out.println();
            out.println("Problems reading objects:");
            problems.forEach(p -> out.println("- " + p));
        }
        Map<FlowStatus, Long> counts = new LinkedHashMap<>();
        results.forEach(r -> counts.merge(r.status(), 1L, Long::sum));
        out.println();
        out.println(results.size() + " flows: " + String.join(", ", counts.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().id()).toList()));
    }
}

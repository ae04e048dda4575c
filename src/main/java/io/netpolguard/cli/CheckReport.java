package io.netpolguard.cli;

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

/** What {@code check} found in one cluster: every required flow's result, the problems, and how to explain them. */
record CheckReport(ClusterInput input, List<FlowResult> results, List<String> problems, FlowExplainer explainer,
        Guard guard) {

    Severity severity(FlowResult result) {
        return guard.settings().severity(result.flow().id(), result.flow().definition().severity());
    }

    boolean criticalBlocked() {
        return results.stream().anyMatch(r -> r.status() == FlowStatus.BLOCKED && severity(r) == Severity.CRITICAL);
    }


    Map<String, Object> json() {
        List<Map<String, Object>> flows = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (FlowStatus status : FlowStatus.values()) {
            counts.put(status.id(), 0);
        }
        for (FlowResult result : results) {
            Map<String, Object> flow = new LinkedHashMap<>();
            flow.put("id", result.flow().id());
            flow.put("owner", result.flow().owner());
            flow.put("severity", severity(result).id());
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

    void text(PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"FLOW", "FOR", "SEVERITY", "STATUS"});
        for (FlowResult result : results) {
            rows.add(new String[] {result.flow().id(), result.flow().owner().isEmpty() ? "-" : result.flow().owner(),
                    severity(result).id(), result.status().id()});
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

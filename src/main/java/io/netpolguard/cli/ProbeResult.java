package io.netpolguard.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A probe with its verdict, printed as JSON or as a table. */
record ProbeResult(Probe probe, boolean allowed, String explanation) {

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("from", probe.from());
        json.put("to", probe.to());
        json.put("port", probe.port().isInt() ? probe.port().asInt() : probe.port().asText());
        json.put("protocol", probe.protocol());
        json.put("allowed", allowed);
        json.put("explanation", explanation);
        return json;
    }

    static void printTable(List<ProbeResult> results, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"FROM", "TO", "PORT", "VERDICT"});
        for (ProbeResult result : results) {
            rows.add(new String[] {result.probe.from(), result.probe.to(),
                    result.probe.protocol() + "/" + result.probe.port().asText(), result.allowed ? "allowed" : "blocked"});
        }
        Table.print(rows, out);
        boolean first = true;
        for (int i = 0; i < results.size(); i++) {
            ProbeResult result = results.get(i);
            if (!result.allowed) {
                if (first) {
                    out.println();
                    first = false;
                }
                out.println("probe " + (i + 1) + " " + result.probe.from() + " -> " + result.probe.to() + ":");
                result.explanation.lines().forEach(line -> out.println("  " + line));
            }
        }
    }
}

package io.netpolguard.cli;

import io.netpolguard.dynatrace.FlowDefinition;
import io.netpolguard.dynatrace.Severity;
import io.netpolguard.guard.FlowExplainer;
import io.netpolguard.guard.FlowResult;
import io.netpolguard.guard.FlowStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code check --output sarif}: SARIF 2.1.0, one result per blocked or unverifiable flow. The rule is the flow id; the
 * level {@code error} for a blocked critical flow, {@code warning} for a blocked warning flow and for any unverifiable
 * flow (the guard cannot say it is blocked); the message the explanation. Locations are the policies that decide the
 * flow (else the DynaKube or EdgeConnect that needs it): the file and the line its document starts on when the input
 * was manifests, and always the object as a logical location ({@code NetworkPolicy/namespace/name}).
 */
final class SarifReport {
    static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

    private SarifReport() {
    }

    static Map<String, Object> of(CheckReport report, String toolVersion, Path workingDirectory) {
        FindingLocations locations = new FindingLocations(report.input());
        Map<String, Integer> ruleIndex = new LinkedHashMap<>();
        List<Map<String, Object>> rules = new ArrayList<>();
        List<Map<String, Object>> results = new ArrayList<>();
        for (FlowResult result : report.results()) {
            if (result.status() != FlowStatus.BLOCKED && result.status() != FlowStatus.UNVERIFIABLE) {
                continue;
            }
            String id = result.flow().id();
            if (!ruleIndex.containsKey(id)) {
                ruleIndex.put(id, rules.size());
                rules.add(rule(result.flow().definition(), report.severity(result)));
            }
            Map<String, Object> sarif = new LinkedHashMap<>();
            sarif.put("ruleId", id);
            sarif.put("ruleIndex", ruleIndex.get(id));
            sarif.put("level", level(result, report.severity(result)));
            sarif.put("message", Map.of("text", message(result, report)));
            sarif.put("locations", locations.of(result).stream().map(l -> location(l, workingDirectory)).toList());
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("status", result.status().id());
            properties.put("severity", report.severity(result).id());
            properties.put("owner", result.flow().owner());
            sarif.put("properties", properties);
            results.add(sarif);
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "netpol-guard");
        driver.put("version", toolVersion);
        driver.put("rules", rules);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", Map.of("driver", driver));
        run.put("results", results);
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("$schema", SCHEMA);
        log.put("version", "2.1.0");
        log.put("runs", List.of(run));
        return log;
    }

    static String level(FlowResult result, Severity severity) {
        return result.status() == FlowStatus.BLOCKED && severity == Severity.CRITICAL ? "error" : "warning";
    }

    private static String message(FlowResult result, CheckReport report) {
        String explanation = report.explainer().explain(result);
        String reason = result.status() == FlowStatus.UNVERIFIABLE ? FlowExplainer.reason(result) : null;
        return reason == null || explanation.contains(reason) ? explanation : reason + "\n" + explanation;
    }

    private static Map<String, Object> rule(FlowDefinition flow, Severity severity) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("id", flow.id());
        rule.put("shortDescription", Map.of("text", "The Dynatrace Operator needs " + flow.from() + " to reach " + flow.to()
                + (flow.ports().isEmpty() ? "" : " (" + String.join(", ", flow.ports()) + ")")));
        rule.put("defaultConfiguration", Map.of("level", severity == Severity.CRITICAL ? "error" : "warning"));
        rule.put("properties", Map.of("severity", severity.id()));
        return rule;
    }

    private static Map<String, Object> location(FindingLocations.Location location, Path workingDirectory) {
        Map<String, Object> sarif = new LinkedHashMap<>();
        location.entry().filter(e -> e.document().file() != null).ifPresent(entry -> {
            Map<String, Object> physical = new LinkedHashMap<>();
            physical.put("artifactLocation", Map.of("uri", uri(Path.of(entry.document().file()), workingDirectory)));
            if (entry.document().line() > 0) {
                physical.put("region", Map.of("startLine", entry.document().line()));
            }
            sarif.put("physicalLocation", physical);
        });
        Map<String, Object> logical = new LinkedHashMap<>();
        logical.put("name", location.name());
        logical.put("fullyQualifiedName", location.qualifiedName());
        logical.put("kind", "resource");
        sarif.put("logicalLocations", List.of(logical));
        return sarif;
    }

    /** A path relative to the working directory (as code scanning wants it, forward slashes), else a file URI. */
    static String uri(Path file, Path workingDirectory) {
        Path absolute = file.toAbsolutePath().normalize();
        if (absolute.startsWith(workingDirectory)) {
            Path relative = workingDirectory.relativize(absolute);
            List<String> parts = new ArrayList<>();
            relative.forEach(part -> parts.add(java.net.URLEncoder.encode(part.toString(),
                    java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")));
            return String.join("/", parts);
        }
        return absolute.toUri().toString();
    }
}

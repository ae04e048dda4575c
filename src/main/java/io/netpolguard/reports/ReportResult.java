package io.netpolguard.reports;

import java.util.List;
import java.util.Map;

/**
 * One result of a PolicyReport: a required flow (rule = its id) or a problem of the audit. {@code severity} is a
 * PolicyReport severity ({@code critical}, {@code medium}, ...).
 */
public record ReportResult(String rule, ReportOutcome outcome, String severity, String message,
        Map<String, String> properties, List<ObjectRef> resources) {

    public ReportResult {
        properties = Map.copyOf(properties);
        resources = List.copyOf(resources);
    }
}

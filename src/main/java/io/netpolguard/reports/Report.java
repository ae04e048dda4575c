package io.netpolguard.reports;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The PolicyReport of one namespace, or the ClusterPolicyReport when {@code namespace} is null. */
public record Report(String namespace, List<ReportResult> results) {

    public Report {
        results = List.copyOf(results);
    }

    public boolean clusterWide() {
        return namespace == null;
    }

    /** How many results have each outcome (every outcome present, 0 when none). */
    public Map<ReportOutcome, Integer> summary() {
        Map<ReportOutcome, Integer> counts = new EnumMap<>(ReportOutcome.class);
        for (ReportOutcome outcome : ReportOutcome.values()) {
            counts.put(outcome, 0);
        }
        results.forEach(r -> counts.merge(r.outcome(), 1, Integer::sum));
        return counts;
    }
}

package io.netpolguard.cli;

import io.netpolguard.dynatrace.Severity;
import io.netpolguard.guard.FlowExplainer;
import io.netpolguard.guard.FlowResult;
import io.netpolguard.guard.FlowStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code check --diff}: the required flows of a cluster before and after manifests are applied, compared flow by flow
 * (a flow is its id and the DynaKube or EdgeConnect that needs it). Only flows whose status or explanation changed are
 * listed, each with one {@link Kind}.
 */
final class CheckDiff {

    /** How a flow changed. */
    enum Kind {
        BLOCKED("blocked"), UNBLOCKED("unblocked"), UNVERIFIABLE("unverifiable"), VERIFIED("verified"),
        REASON_CHANGED("reason-changed"), ADDED("added"), REMOVED("removed"), CHANGED("changed");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        String id() {
            return id;
        }
    }

    /** One changed flow; {@code before} or {@code after} is null when the flow is not required there. */
    record Change(Kind kind, FlowResult before, FlowResult after, CheckReport beforeReport, CheckReport afterReport) {
        FlowResult flow() {
            return after != null ? after : before;
        }

        Severity severity() {
            return after != null ? afterReport.severity(after) : beforeReport.severity(before);
        }

        String status(FlowResult result) {
            return result == null ? "absent" : result.status().id();
        }

        /** The explanation after the change of a flow blocked or unverifiable then; empty otherwise. */
        String explanation() {
            if (after != null && (after.status() == FlowStatus.BLOCKED || after.status() == FlowStatus.UNVERIFIABLE)) {
                return afterReport.explainer().explain(after);
            }
            return "";
        }
    }

    private final List<Change> changes;
    private final List<String> problems;

    private CheckDiff(List<Change> changes, List<String> problems) {
        this.changes = changes;
        this.problems = problems;
    }

    static CheckDiff of(CheckReport before, CheckReport after) {
        Map<String, FlowResult> beforeByKey = new LinkedHashMap<>();
        before.results().forEach(r -> beforeByKey.put(r.flow().key(), r));
        Map<String, FlowResult> afterByKey = new LinkedHashMap<>();
        after.results().forEach(r -> afterByKey.put(r.flow().key(), r));
        Set<String> keys = new LinkedHashSet<>(afterByKey.keySet());
        keys.addAll(beforeByKey.keySet());
        List<Change> changes = new ArrayList<>();
        for (String key : keys) {
            FlowResult was = beforeByKey.get(key);
            FlowResult is = afterByKey.get(key);
            Kind kind = kind(was, is, was == null ? "" : before.explainer().explain(was),
                    is == null ? "" : after.explainer().explain(is));
            if (kind != null) {
                changes.add(new Change(kind, was, is, before, after));
            }
        }
        Set<String> problems = new LinkedHashSet<>(before.problems());
        problems.addAll(after.problems());
        return new CheckDiff(changes, List.copyOf(problems));
    }

    private static Kind kind(FlowResult before, FlowResult after, String beforeExplanation, String afterExplanation) {
        FlowStatus was = before == null ? null : before.status();
        FlowStatus is = after == null ? null : after.status();
        if (is == FlowStatus.BLOCKED && was != FlowStatus.BLOCKED) {
            return Kind.BLOCKED;
        }
        if (after == null) {
            return Kind.REMOVED;
        }
        if (was == FlowStatus.BLOCKED && is != FlowStatus.BLOCKED) {
            return Kind.UNBLOCKED;
        }
        if (is == FlowStatus.UNVERIFIABLE && was != FlowStatus.UNVERIFIABLE) {
            return Kind.UNVERIFIABLE;
        }
        if (was == FlowStatus.UNVERIFIABLE && is != FlowStatus.UNVERIFIABLE) {
            return Kind.VERIFIED;
        }
        if (before == null) {
            return Kind.ADDED;
        }
        if (was != is) {
            return Kind.CHANGED;
        }
        boolean explained = is == FlowStatus.BLOCKED || is == FlowStatus.UNVERIFIABLE;
        return explained && !beforeExplanation.equals(afterExplanation) ? Kind.REASON_CHANGED : null;
    }

    List<Change> changes() {
        return changes;
    }

    /** Whether a critical flow becomes blocked: what the webhook would deny. */
    boolean criticalBlocked() {
        return changes.stream().anyMatch(c -> c.kind() == Kind.BLOCKED && c.severity() == Severity.CRITICAL);
    }

    Map<String, Object> json() {
        List<Map<String, Object>> flows = new ArrayList<>();
        Map<String, Integer> summary = new LinkedHashMap<>();
        for (Change change : changes) {
            Map<String, Object> flow = new LinkedHashMap<>();
            flow.put("id", change.flow().flow().id());
            flow.put("owner", change.flow().flow().owner());
            flow.put("severity", change.severity().id());
            flow.put("change", change.kind().id());
            flow.put("before", change.status(change.before()));
            flow.put("after", change.status(change.after()));
            if (change.after() != null && change.after().status() == FlowStatus.UNVERIFIABLE) {
                flow.put("reason", FlowExplainer.reason(change.after()));
            }
            if (!change.explanation().isEmpty()) {
                flow.put("explanation", change.explanation());
            }
            flows.add(flow);
            summary.merge(change.kind().id(), 1, Integer::sum);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("changes", flows);
        json.put("summary", summary);
        json.put("problems", problems);
        return json;
    }

    void text(PrintWriter out) {
        if (changes.isEmpty()) {
            out.println("No required flow changes.");
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"FLOW", "FOR", "SEVERITY", "BEFORE", "AFTER", "CHANGE"});
            for (Change change : changes) {
                String owner = change.flow().flow().owner();
                rows.add(new String[] {change.flow().flow().id(), owner.isEmpty() ? "-" : owner, change.severity().id(),
                        change.status(change.before()), change.status(change.after()), change.kind().id()});
            }
            Table.print(rows, out);
            for (Change change : changes) {
                if (!change.explanation().isEmpty()) {
                    out.println();
                    out.println(change.explanation());
                }
            }
        }
        if (!problems.isEmpty()) {
            out.println();
            out.println("Problems reading objects:");
            problems.forEach(p -> out.println("- " + p));
        }
        Map<String, Integer> summary = new LinkedHashMap<>();
        changes.forEach(c -> summary.merge(c.kind().id(), 1, Integer::sum));
        out.println();
        out.println(changes.size() + " flows changed" + (summary.isEmpty() ? "" : ": " + String.join(", ",
                summary.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList())));
    }
}

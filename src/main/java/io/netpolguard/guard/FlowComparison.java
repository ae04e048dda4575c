package io.netpolguard.guard;

import io.netpolguard.cluster.Change;
import io.netpolguard.dynatrace.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What counts as newly blocked (spec §4): the flows before and after a change, compared flow by flow
 * (whole flows, as {@code check} reports them: see {@link DerivedFlows#touching}). A flow blocked after but not before is newly blocked, and denies
 * when it is critical and enforced; a flow that was already blocked never causes a denial, even when the
 * change blocks more of its connections; a flow allowed before and unverifiable after is a warning, and so is one
 * unverifiable before and after that the policies the guard reads newly block (only a policy it cannot read may still
 * allow it: a warning, never a denial); a flow blocked before and not after is unblocked.
 */
final class FlowComparison {
    private final GuardSettings settings;

    FlowComparison(GuardSettings settings) {
        this.settings = settings;
    }

    /**
     * @param unreadPolicies whether policies of kinds the guard does not evaluate or may not list are in the cluster
     *     (without them no flow is blocked by the readable policies and yet unverifiable)
     */
    List<Finding> compare(List<FlowResult> before, List<FlowResult> after, Change change, boolean exempt,
            boolean unreadPolicies) {
        Map<String, FlowResult> beforeByKey = new HashMap<>();
        before.forEach(r -> beforeByKey.put(r.flow().key(), r));
        Map<String, FlowResult> afterByKey = new LinkedHashMap<>();
        after.forEach(r -> afterByKey.put(r.flow().key(), r));
        List<Finding> findings = new ArrayList<>();
        for (FlowResult result : after) {
            FlowResult previous = beforeByKey.get(result.flow().key());
            Severity severity = severity(result);
            boolean newlyBlocked = result.status() == FlowStatus.BLOCKED
                    && (previous == null || previous.status() != FlowStatus.BLOCKED);
            if (newlyBlocked) {
                findings.add(new Finding(Finding.Kind.NEWLY_BLOCKED, result, severity,
                        !exempt && severity == Severity.CRITICAL && enforced(result.flow().id(), change)));
            } else if (result.status() == FlowStatus.BLOCKED) {
                findings.add(new Finding(Finding.Kind.STILL_BLOCKED, result, severity, false));
            } else if (result.status() == FlowStatus.UNVERIFIABLE
                    && (previous == null || previous.status() == FlowStatus.ALLOWED
                    || unreadPolicies && result.blockedUnlessUnread() && !previous.blockedUnlessUnread())) {
                findings.add(new Finding(Finding.Kind.NEWLY_UNVERIFIABLE, result, severity, false));
            }
        }
        for (FlowResult result : before) {
            FlowResult next = afterByKey.get(result.flow().key());
            if (result.status() == FlowStatus.BLOCKED && next != null && next.status() != FlowStatus.BLOCKED) {
                findings.add(new Finding(Finding.Kind.UNBLOCKED, next, severity(next), false));
            }
        }
        return findings;
    }

    private Severity severity(FlowResult result) {
        return settings.severity(result.flow().id(), result.flow().definition().severity());
    }

    private boolean enforced(String flowId, Change change) {
        return settings.mode() == Mode.ENFORCE && settings.flowMode(flowId) == Mode.ENFORCE
                && settings.kindMode(change.kind()) == Mode.ENFORCE;
    }
}

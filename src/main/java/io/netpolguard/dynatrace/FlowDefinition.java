package io.netpolguard.dynatrace;

import java.util.List;
import java.util.Set;

/**
 * One row of the flow catalogue: a flow id, its two ends, the ports, when it is required and how
 * severe it is to block it.
 *
 * @param from a {@link Component} or {@link PeerKind} id
 * @param ports entries as written in the catalogue ({@code TCP/443}, {@code peer}, {@code webhook-port}, ...)
 * @param when alternatives, any of which makes the flow required; each a set of facts ("!fact" negates)
 */
public record FlowDefinition(String id, String from, String to, List<String> ports, Scope scope,
        List<Set<String>> when, Severity severity) {

    /** How many instances of the flow a cluster has. */
    public enum Scope { OPERATOR, DYNAKUBE, EDGECONNECT, ALWAYS }

    /** Whether the flow is required given the facts that hold. */
    public boolean requiredGiven(Set<String> facts) {
        if (when.isEmpty()) {
            return true;
        }
        for (Set<String> alternative : when) {
            boolean all = true;
            for (String fact : alternative) {
                boolean negated = fact.startsWith("!");
                if (facts.contains(negated ? fact.substring(1) : fact) == negated) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }
}

package io.netpolguard.dynatrace;

import java.util.List;

/**
 * A flow the cluster needs, with its connections. {@code owner} names the DynaKube or EdgeConnect
 * it belongs to (empty for operator-wide flows). {@code unverifiableReason} is set when the flow
 * cannot be judged at all (a proxy in a secret, an apiUrl that is not a URL); {@code notes} carry
 * hints for the explanation.
 */
public record RequiredFlow(FlowDefinition definition, String owner, List<FlowConnection> connections,
        String unverifiableReason, List<String> notes) {

    public RequiredFlow {
        connections = connections instanceof AppRuns ? connections : List.copyOf(connections);
        notes = List.copyOf(notes);
    }

    public String id() {
        return definition.id();
    }

    /** {@code id} plus owner: the identity of this flow instance across snapshots. */
    public String key() {
        return key(id(), owner);
    }

    /** The key of the flow {@code id} of {@code owner}. */
    public static String key(String id, String owner) {
        return owner.isEmpty() ? id : id + " (" + owner + ")";
    }
}

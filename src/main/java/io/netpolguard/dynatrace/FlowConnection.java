package io.netpolguard.dynatrace;

import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.PodEndpoint;

/** One connection a required flow needs, with the ends it stands for. */
public record FlowConnection(FlowEnd source, FlowEnd destination, Connection connection) {

    /**
     * Whether no NetworkPolicy can affect the connection: neither end is a pod that policies select
     * (host-network pods and addresses outside the cluster are not). A host-network source talking
     * to a pod is still judged, by the pod's ingress rules on the node's address.
     */
    public boolean outsidePolicy() {
        return outsidePolicy(connection);
    }

    /** Whether no NetworkPolicy can affect {@code connection} ({@link #outsidePolicy()}). */
    public static boolean outsidePolicy(Connection connection) {
        return !selectable(connection.source()) && !selectable(connection.destination());
    }

    private static boolean selectable(Endpoint endpoint) {
        return endpoint instanceof PodEndpoint pod && !pod.hostNetwork();
    }

    /** Stable identity for comparing before and after a change. */
    public String key() {
        return connection.describe();
    }
}

package io.netpolguard.dynatrace;

import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.PodEndpoint;

/** One connection a required flow needs, with the ends it stands for. */
public record FlowConnection(FlowEnd source, FlowEnd destination, Connection connection) {

    /** Whether either end runs in the host network, where NetworkPolicy does not apply. */
    public boolean touchesHostNetwork() {
        return connection.source() instanceof PodEndpoint s && s.hostNetwork()
                || connection.destination() instanceof PodEndpoint d && d.hostNetwork();
    }

    /** Stable identity for comparing before and after a change. */
    public String key() {
        return connection.describe();
    }
}

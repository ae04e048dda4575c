package io.netpolguard.guard;

import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.Endpoint;
import io.netpolguard.netpol.ExternalEndpoint;
import io.netpolguard.netpol.PodEndpoint;
import io.netpolguard.netpol.Verdict;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A connection between the same endpoints, port and protocol: a cheap key for verdicts that stay valid while
 * policies and namespaces do. Pods are compared by identity (snapshots share their pods' endpoints, and
 * equal pods judge the same anyway), other endpoints (addresses, expected pods) by value.
 */
record SameConnection(Connection connection) {
    static Map<SameConnection, Verdict> verdicts(List<FlowResult> results) {
        Map<SameConnection, Verdict> verdicts = new HashMap<>();
        for (FlowResult result : results) {
            for (ConnectionResult connection : result.connections()) {
                if (connection.verdict() != null) {
                    verdicts.put(new SameConnection(connection.connection().connection()), connection.verdict());
                }
            }
        }
        return verdicts;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SameConnection same && same(same.connection.source(), connection.source())
                && same(same.connection.destination(), connection.destination())
                && same.connection.port() == connection.port() && same.connection.protocol() == connection.protocol();
    }

    @Override
    public int hashCode() {
        return (hash(connection.source()) * 31 + hash(connection.destination())) * 31 + connection.port();
    }

    private static boolean same(Endpoint a, Endpoint b) {
        return a == b || !isPod(a) && a.equals(b);
    }

    private static int hash(Endpoint endpoint) {
        if (isPod(endpoint)) {
            return System.identityHashCode(endpoint);
        }
        // a host's name hashes as cheaply as it is kept (its addresses would be hashed anew on every lookup)
        return endpoint instanceof ExternalEndpoint external ? external.host().hashCode() : endpoint.hashCode();
    }

    private static boolean isPod(Endpoint endpoint) {
        return endpoint instanceof PodEndpoint pod && pod.isPod();
    }
}

package io.netpolguard.server;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once every informer has synced and a snapshot was built, and while no informer has been without its watch
 * for longer than {@code netpol-guard.server.stale-grace}; when not ready, requests are allowed with a warning.
 * Informers of optional kinds that RBAC forbids to list do not hold it up; they are listed as "forbidden to list".
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {
    @Inject
    GuardServer server;

    @Override
    public HealthCheckResponse call() {
        var source = server.source();
        var stale = server.stale(source);
        var response = HealthCheckResponse.named("cluster-snapshot").status(source.synced() && stale.isEmpty())
                .withData("source", source.description());
        source.syncState().forEach(response::withData);
        var forbidden = source.forbidden();
        if (!forbidden.isEmpty()) {
            // optional kinds: the guard is ready, and what they could decide is unverifiable
            response.withData("forbidden to list", String.join(", ", new java.util.TreeSet<>(forbidden.keySet())));
        }
        if (!stale.isEmpty()) {
            response.withData("not watching", String.join(", ", stale));
        }
        return response.build();
    }
}

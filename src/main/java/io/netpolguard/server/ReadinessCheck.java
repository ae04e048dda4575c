package io.netpolguard.server;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once every informer has synced and a snapshot was built; until then requests are allowed with a warning. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {
    @Inject
    GuardServer server;

    @Override
    public HealthCheckResponse call() {
        var source = server.source();
        var response = HealthCheckResponse.named("cluster-snapshot").status(source.synced())
                .withData("source", source.description());
        source.syncState().forEach(response::withData);
        return response.build();
    }
}

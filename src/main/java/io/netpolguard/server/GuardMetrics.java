package io.netpolguard.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netpolguard.dynatrace.FlowCatalogue;
import io.netpolguard.guard.FlowResult;
import io.netpolguard.guard.FlowStatus;
import io.netpolguard.live.SnapshotSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prometheus metrics: admission requests by kind, operation and decision; decision latency;
 * currently blocked required flows by flow id; snapshot age; informer sync state.
 */
@ApplicationScoped
public class GuardMetrics {
    private final MeterRegistry registry;
    private final Timer latency;
    private final Map<String, AtomicInteger> blockedByFlow = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> unverifiableByFlow = new ConcurrentHashMap<>();
    private final AtomicInteger unreadablePolicies = new AtomicInteger();
    private final AtomicInteger operatorFound = new AtomicInteger();
    private final Timer rebuilds;
    private volatile SnapshotSource source;
    /** The informers whose gauges are registered. */
    private final Set<String> informersWithGauges = ConcurrentHashMap.newKeySet();

    @Inject
    public GuardMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("netpol_guard_decision_duration").description("Time to decide one admission request")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
        for (var flow : FlowCatalogue.standard().flows()) {
            AtomicInteger blocked = new AtomicInteger();
            blockedByFlow.put(flow.id(), blocked);
            Gauge.builder("netpol_guard_blocked_flows", blocked, AtomicInteger::get)
                    .description("Required flows currently blocked, per flow id (from the last audit)")
                    .tag("flow", flow.id()).register(registry);
            AtomicInteger unverifiable = new AtomicInteger();
            unverifiableByFlow.put(flow.id(), unverifiable);
            Gauge.builder("netpol_guard_unverifiable_flows", unverifiable, AtomicInteger::get)
                    .description("Required flows that cannot be verified, per flow id (from the last audit; "
                            + "GET /flows says why)")
                    .tag("flow", flow.id()).register(registry);
        }
        Gauge.builder("netpol_guard_unreadable_policies", unreadablePolicies, AtomicInteger::get)
                .description("NetworkPolicies of which some rule could not be read (from the last audit)")
                .register(registry);
        Gauge.builder("netpol_guard_operator_found", operatorFound, AtomicInteger::get)
                .description("1 when the cluster has the Dynatrace Operator (its pods, a DynaKube or an EdgeConnect), "
                        + "0 when not (from the last audit)").register(registry);
        this.rebuilds = Timer.builder("netpol_guard_snapshot_rebuild").description("Time to rebuild the cluster snapshot "
                + "after changes (live cluster)").publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        Gauge.builder("netpol_guard_snapshot_age_seconds", this, GuardMetrics::snapshotAgeSeconds)
                .description("Seconds since the cluster snapshot was last rebuilt").register(registry);
    }

    void watch(SnapshotSource watched) {
        this.source = watched;
        watched.onRebuild(rebuilds::record);
        registerInformers();
    }

    /**
     * Gauges for every informer of the source, also those started late (a CRD installed after the guard), each
     * registered once (Micrometer warns when a gauge is registered again); informer names are fixed or come from the
     * CRDs the guard knows.
     */
    void registerInformers() {
        SnapshotSource current = source;
        if (current == null) {
            return;
        }
        for (String name : current.syncState().keySet()) {
            if (!informersWithGauges.add(name)) {
                continue;
            }
            Gauge.builder("netpol_guard_informer_synced", this, m -> m.synced(name))
                    .description("1 when the informer has listed its objects").tag("resource", name).register(registry);
            Gauge.builder("netpol_guard_informer_not_watching_seconds", this, m -> m.notWatchingSeconds(name))
                    .description("Seconds since the informer lost its watch; 0 while it watches").tag("resource", name)
                    .register(registry);
            Gauge.builder("netpol_guard_informer_forbidden", this, m -> m.forbidden(name))
                    .description("1 while RBAC forbids the informer to list its kind (an optional policy kind: the "
                            + "flows it could decide are unverifiable)").tag("resource", name).register(registry);
        }
    }

    private double forbidden(String name) {
        SnapshotSource current = source;
        return current != null && current.forbidden().containsKey(name) ? 1 : 0;
    }

    private double notWatchingSeconds(String name) {
        SnapshotSource current = source;
        Instant since = current == null ? null : current.notWatchingSince().get(name);
        return since == null ? 0 : Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }

    /** Label values a request can bring; anything else is {@code other}, so no request can grow the metrics. */
    static final Set<String> KINDS = Set.of("NetworkPolicy", "Namespace", "DynaKube", "EdgeConnect",
            "ClusterNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy");
    static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");

    /** The counter of each label combination, registered once: a registry lookup per request costs more. */
    private final Map<List<String>, Counter> requestCounters = new ConcurrentHashMap<>();

    public void recordDecision(String kind, String operation, String decision, long nanos) {
        List<String> labels = List.of(KINDS.contains(kind) ? kind : "other",
                OPERATIONS.contains(operation) ? operation : "other", decision);
        requestCounters.computeIfAbsent(labels, l -> Counter.builder("netpol_guard_admission_requests")
                .description("Admission requests answered").tag("kind", l.get(0)).tag("operation", l.get(1))
                .tag("decision", l.get(2)).register(registry)).increment();
        latency.record(Duration.ofNanos(nanos));
    }

    void recordAudit(Iterable<FlowResult> results, int unreadable, boolean operator) {
        unreadablePolicies.set(unreadable);
        operatorFound.set(operator ? 1 : 0);
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        Map<String, Integer> unverifiable = new ConcurrentHashMap<>();
        for (FlowResult result : results) {
            if (result.status() == FlowStatus.BLOCKED) {
                counts.merge(result.flow().id(), 1, Integer::sum);
            } else if (result.status() == FlowStatus.UNVERIFIABLE) {
                unverifiable.merge(result.flow().id(), 1, Integer::sum);
            }
        }
        blockedByFlow.forEach((id, gauge) -> gauge.set(counts.getOrDefault(id, 0)));
        unverifiableByFlow.forEach((id, gauge) -> gauge.set(unverifiable.getOrDefault(id, 0)));
    }

    private double snapshotAgeSeconds() {
        SnapshotSource current = source;
        Instant built = current == null ? null : current.builtAt();
        return built == null ? Double.NaN : Duration.between(built, Instant.now()).toMillis() / 1000.0;
    }

    private double synced(String name) {
        SnapshotSource current = source;
        return current != null && Boolean.TRUE.equals(current.syncState().get(name)) ? 1 : 0;
    }
}

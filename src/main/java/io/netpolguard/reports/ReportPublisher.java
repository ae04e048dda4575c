package io.netpolguard.reports;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netpolguard.config.GuardConfig;
import io.netpolguard.config.GuardFactory;
import io.netpolguard.guard.FlowExplainer;
import io.netpolguard.guard.FlowResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Publishes each background audit as PolicyReports when {@code netpol-guard.reports.enabled} is set and the guard
 * reads a live cluster, from the one replica that holds the Lease. Publishing never affects admission decisions or
 * readiness: its errors (CRDs not installed, forbidden) are logged once per distinct error and counted in
 * {@code netpol_guard_policy_report_errors_total}.
 */
@ApplicationScoped
public class ReportPublisher {
    private static final Logger LOG = Logger.getLogger(ReportPublisher.class);

    private final GuardConfig.Reports config;
    private final ReportMapping mapping;
    private final String namespace;
    private final MeterRegistry registry;
    private final Counter errors;
    private final Timer publishing;
    private final Set<String> reportedErrors = new HashSet<>();
    private final ExecutorService takeover = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "policy-report-takeover");
        thread.setDaemon(true);
        return thread;
    });
    private volatile ReportLeader leader;
    private volatile ReportWriter writer;
    private volatile Audit latest;

    /** What one audit says, kept to publish at once when this replica becomes the writer. */
    public record Audit(List<FlowResult> results, FlowExplainer explainer, List<String> problems,
            String operatorNamespace) {
    }

    @Inject
    public ReportPublisher(GuardConfig config, GuardFactory factory, MeterRegistry registry) {
        this.config = config.reports();
        this.namespace = config.self().namespace();
        this.mapping = new ReportMapping(factory.guardSettings(), namespace);
        this.registry = registry;
        this.errors = Counter.builder("netpol_guard_policy_report_errors").description(
                "PolicyReport publishes that failed (the log says why, once per distinct error)").register(registry);
        this.publishing = Timer.builder("netpol_guard_policy_report_publish_duration").description(
                "Time to bring the PolicyReports in line with one audit (lists, applies, deletes)").register(registry);
        Gauge.builder("netpol_guard_policy_report_leader", this, p -> p.leading() ? 1 : 0)
                .description("1 while this replica holds the Lease and writes the PolicyReports").register(registry);
    }

    public boolean enabled() {
        return config.enabled();
    }

    public boolean leading() {
        ReportLeader current = leader;
        return current != null && current.leading();
    }

    /**
     * Starts the leader election when reports are enabled and the guard reads a live cluster; says once why not
     * when they are enabled without one.
     */
    public synchronized void start(boolean liveCluster, Supplier<KubernetesClient> client) {
        if (!config.enabled() || leader != null) {
            return;
        }
        if (!liveCluster) {
            LOG.warn("netpol-guard.reports.enabled is set, but the guard reads manifests, not a live cluster: "
                    + "no PolicyReports are published");
            return;
        }
        KubernetesClient kubernetes = client.get();
        writer = new ReportWriter(kubernetes);
        leader = new ReportLeader(kubernetes, new ReportLeader.Settings(namespace, config.leaseName(), identity(),
                config.leaseDuration(), config.renewDeadline(), config.retryPeriod()),
                () -> takeover.execute(this::publishLatest));
        LOG.infof("PolicyReports enabled: %s competes for Lease %s/%s", leader.identity(), namespace, config.leaseName());
        leader.start();
    }

    public synchronized void stop() {
        takeover.shutdownNow();
        if (leader != null) {
            leader.close();
        }
    }

    /** Publishes the audit when this replica is the writer; otherwise only keeps it. Never throws. */
    public void publish(Audit audit) {
        latest = audit;
        publishLatest();
    }

    private synchronized void publishLatest() {
        ReportLeader current = leader;
        Audit audit = latest;
        if (current == null || audit == null || !current.leading()) {
            return;
        }
        long start = System.nanoTime();
        try {
            List<Report> reports = mapping.reports(audit.results(), audit.explainer(), audit.problems(),
                    audit.operatorNamespace());
            ReportWriter.Outcome outcome = writer.write(reports, current.identity(), current::leading);
            count("create", outcome.created());
            count("update", outcome.updated());
            count("delete", outcome.deleted());
            if (!reportedErrors.isEmpty()) {
                LOG.info("PolicyReports are published again");
                reportedErrors.clear();
            }
        } catch (RuntimeException e) {
            errors.increment();
            String description = describe(e);
            if (reportedErrors.add(description)) {
                LOG.warnf("cannot publish PolicyReports (admission decisions are not affected; said once until it "
                        + "works): %s", description);
            }
        } finally {
            publishing.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private void count(String operation, int writes) {
        if (writes > 0) {
            Counter.builder("netpol_guard_policy_report_writes").description("PolicyReports created, updated, deleted")
                    .tag("operation", operation).register(registry).increment(writes);
        }
    }

    /** One line for an error, the same each time the same problem recurs. */
    static String describe(RuntimeException e) {
        if (e instanceof ReportWriter.NotInstalledException) {
            return e.getMessage();
        }
        if (e instanceof KubernetesClientException client) {
            String message = client.getStatus() != null && client.getStatus().getMessage() != null
                    ? client.getStatus().getMessage() : String.valueOf(client.getMessage()).lines().findFirst().orElse("");
            return client.getCode() == 403
                    ? "forbidden (HTTP 403; the RBAC of k8s/base/optional/policy-reports grants it): " + message
                    : "HTTP " + client.getCode() + ": " + message;
        }
        return e.toString();
    }

    private String identity() {
        if (config.identity().isPresent() && !config.identity().get().isBlank()) {
            return config.identity().get();
        }
        String hostname = System.getenv("HOSTNAME");
        if (hostname != null && !hostname.isBlank()) {
            return hostname;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "netpol-guard-" + ProcessHandle.current().pid();
        }
    }
}

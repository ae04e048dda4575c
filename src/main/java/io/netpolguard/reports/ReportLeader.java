package io.netpolguard.reports;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Lease-based leader election (the Kubernetes client's LeaderElector with a LeaseLock): only the holder writes
 * reports. A replica that loses the Lease (it could not renew within the renew deadline, or another took it)
 * stops at once and becomes a candidate again; a replica that stops normally releases the Lease, so another takes over
 * at its next try instead of waiting for the Lease to expire.
 */
public final class ReportLeader implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReportLeader.class);

    /** Lease, identity and timings. */
    public record Settings(String namespace, String leaseName, String identity, Duration leaseDuration,
            Duration renewDeadline, Duration retryPeriod) {
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final Runnable onStartLeading;
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "policy-report-election");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean leading;
    private volatile boolean closed;
    private volatile CompletableFuture<?> election;

    /** @param onStartLeading run when this replica becomes the writer (on the election's thread) */
    public ReportLeader(KubernetesClient client, Settings settings, Runnable onStartLeading) {
        this.client = client;
        this.settings = settings;
        this.onStartLeading = onStartLeading;
    }

    public boolean leading() {
        return leading;
    }

    public String identity() {
        return settings.identity();
    }

    public synchronized void start() {
        if (closed) {
            return;
        }
        var config = new LeaderElectionConfigBuilder().withName(settings.leaseName())
                .withLock(new LeaseLock(settings.namespace(), settings.leaseName(), settings.identity()))
                .withLeaseDuration(settings.leaseDuration()).withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod()).withReleaseOnCancel()
                .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading, this::newLeader))
                .build();
        CompletableFuture<?> running = client.leaderElector().withConfig(config).build().start();
        election = running;
        running.whenComplete((ignored, error) -> {
            leading = false;
            if (!closed) {
                // lost the Lease (or could not renew it): a candidate again after one retry period
                restarts.schedule(this::start, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void startedLeading() {
        leading = true;
        LOG.infof("%s holds Lease %s/%s and writes the PolicyReports", settings.identity(), settings.namespace(),
                settings.leaseName());
        onStartLeading.run();
    }

    private void stoppedLeading() {
        if (leading) {
            LOG.infof("%s no longer holds Lease %s/%s and stops writing PolicyReports", settings.identity(),
                    settings.namespace(), settings.leaseName());
        }
        leading = false;
    }

    private void newLeader(String identity) {
        if (identity != null && !identity.equals(settings.identity())) {
            LOG.debugf("PolicyReports are written by %s", identity);
        }
    }

    /** Stops the election and releases the Lease when held. */
    @Override
    public synchronized void close() {
        boolean wasLeading = leading;
        closed = true;
        leading = false;
        restarts.shutdownNow();
        CompletableFuture<?> running = election;
        if (running != null) {
            // runs the elector's stop on this thread: it releases the Lease when this replica holds it
            running.cancel(true);
        }
        if (wasLeading) {
            clearHolder();
        }
    }

    /**
     * The elector's release leaves this replica's name in the Lease (it only shortens the duration), so the others
     * would still wait a whole lease duration: clear the holder, unless another replica holds it by now (the update
     * fails on a Lease changed since it was read).
     */
    private void clearHolder() {
        try {
            var leases = client.leases().inNamespace(settings.namespace()).withName(settings.leaseName());
            var lease = leases.get();
            if (lease != null && lease.getSpec() != null && settings.identity().equals(lease.getSpec().getHolderIdentity())) {
                lease.getSpec().setHolderIdentity("");
                client.resource(lease).update();
                LOG.infof("%s stopped writing PolicyReports and released Lease %s/%s", settings.identity(),
                        settings.namespace(), settings.leaseName());
            }
        } catch (KubernetesClientException e) {
            LOG.infof("%s stopped writing PolicyReports; Lease %s/%s expires by itself (%s)", settings.identity(),
                    settings.namespace(), settings.leaseName(), e.getMessage());
        }
    }
}

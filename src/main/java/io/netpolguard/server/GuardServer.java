package io.netpolguard.server;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.netpolguard.admission.AdmissionHandler;
import io.netpolguard.admission.AdmissionRequest;
import io.netpolguard.admission.AdmissionResponses;
import io.netpolguard.cluster.ClusterSnapshot;
import io.netpolguard.config.GuardConfig;
import io.netpolguard.config.GuardFactory;
import io.netpolguard.dynatrace.OperatorNamespace;
import io.netpolguard.guard.FlowExplainer;
import io.netpolguard.guard.FlowResult;
import io.netpolguard.guard.Guard;
import io.netpolguard.live.LiveCluster;
import io.netpolguard.live.ManifestSource;
import io.netpolguard.live.SnapshotSource;
import io.netpolguard.reports.ReportPublisher;
import io.quarkus.vertx.http.HttpServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.jboss.logging.Logger;

/**
 * The running webhook: which snapshot source it reads, the decisions it makes on it, and the
 * periodic audit of every required flow. Decisions read memory only; nothing on the request path
 * calls the API server.
 */
@ApplicationScoped
public class GuardServer {
    private static final Logger LOG = Logger.getLogger(GuardServer.class);
    static final String SYNCING_WARNING = "netpol-guard is still syncing its view of the cluster and did not check "
            + "this change; it was allowed";

    private final GuardConfig config;
    private final Guard guard;
    private final AdmissionHandler handler;
    private final GuardMetrics metrics;
    private final Instance<KubernetesClient> client;
    private final Instance<HttpServer> httpServer;
    private final ReportPublisher reports;
    private volatile SnapshotSource source;
    private volatile AuditReport lastAudit;
    private ScheduledExecutorService auditor;

    @Inject
    public GuardServer(GuardConfig config, GuardFactory factory, GuardMetrics metrics, Instance<KubernetesClient> client,
            Instance<HttpServer> httpServer, ReportPublisher reports) {
        this.config = config;
        this.guard = factory.guard();
        this.handler = new AdmissionHandler(guard);
        this.metrics = metrics;
        this.client = client;
        this.httpServer = httpServer;
        this.reports = reports;
    }

    /** One audit of all required flows, as published at GET /flows. */
    public record AuditReport(Instant at, String source, List<FlowResult> results, FlowExplainer explainer,
            List<String> problems, OperatorNamespace operator) {
    }

    /** Said in GET /flows and the log when the cluster has no Dynatrace Operator at all. */
    static final String NO_OPERATOR = "no Dynatrace Operator found: no pods with the operator's or its webhook's labels, "
            + "and no DynaKube or EdgeConnect; only the guard's own flow is checked";

    /**
     * Starts the source (informers) and the periodic audit; called when the server starts serving (never
     * for a command). Without a certificate it says that the webhook is on plain HTTP, for local use only.
     */
    public synchronized void start() {
        SnapshotSource started = source();
        if (!httpsConfigured()) {
            LOG.info(plainHttpNotice(port(HttpServer::getPort, "quarkus.http.port"),
                    port(HttpServer::getManagementPort, "quarkus.management.port")));
            if (started instanceof LiveCluster) {
                LOG.warn("no TLS certificate is configured, so the API server cannot call this guard over HTTPS and "
                        + "every change will pass unchecked (failurePolicy Ignore); set QUARKUS_TLS_KEY_STORE_PEM__0__CERT "
                        + "and QUARKUS_TLS_KEY_STORE_PEM__0__KEY (note the double underscores)");
            }
        }
        reports.start(started instanceof LiveCluster, client::get);
        if (auditor == null) {
            auditor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "flow-audit");
                thread.setDaemon(true);
                return thread;
            });
            long every = Math.max(1, config.server().auditInterval().toMillis());
            auditor.scheduleWithFixedDelay(this::auditQuietly, 0, every, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Stops the audit and the informers when the application stops (after in-flight requests finished). Only a
     * guard that was created: creating it here would repeat a configuration error as a stack trace.
     */
    void stop(@jakarta.enterprise.event.Observes(notifyObserver = jakarta.enterprise.event.Reception.IF_EXISTS)
            io.quarkus.runtime.ShutdownEvent event) {
        ScheduledExecutorService running = auditor;
        if (running != null) {
            running.shutdownNow();
        }
        reports.stop();
        if (source instanceof LiveCluster live) {
            live.stop();
        }
    }

    /** The source in use, chosen on first use: the live cluster when reachable, else the configured manifests. */
    /** The judgement's settings (modes and severities as configured). */
    public io.netpolguard.guard.GuardSettings settings() {
        return guard.settings();
    }

    public SnapshotSource source() {
        SnapshotSource current = source;
        if (current == null) {
            synchronized (this) {
                if (source == null) {
                    source = chooseSource();
                    metrics.watch(source);
                    source.onSnapshot(guard::prepare);
                    LOG.infof("netpol-guard reads %s", source.description());
                }
                current = source;
            }
        }
        return current;
    }

    /** Replaces the source (tests, embedding). */
    public synchronized void useSource(SnapshotSource replacement) {
        this.source = replacement;
        metrics.watch(replacement);
        this.lastAudit = null;
    }

    public AdmissionHandler.Outcome decide(AdmissionRequest request) {
        SnapshotSource current = source();
        if (!current.synced() && request.change() != null) {
            return new AdmissionHandler.Outcome(request,
                    AdmissionResponses.allow(request.uid(), List.of(SYNCING_WARNING), "warn"), "warn", List.of());
        }
        List<String> stale = stale(current);
        if (!stale.isEmpty() && request.change() != null) {
            String warning = FlowExplainer.warning("netpol-guard lost its watch of " + String.join(", ", stale)
                    + " and did not check this change against a stale view; it was allowed");
            return new AdmissionHandler.Outcome(request, AdmissionResponses.allow(request.uid(), List.of(warning), "warn"),
                    "warn", List.of());
        }
        try {
            return handler.handle(request, current.snapshot());
        } catch (RuntimeException e) {
            // A bug in judging one object must not turn into a 500: the API server would then block
            // (failurePolicy Fail) or silently allow (Ignore) every such change. Allow it, say so, log it.
            LOG.errorf(e, "checking %s (uid %s) failed; it was allowed", request.describe(), request.uid());
            String warning = FlowExplainer.warning("netpol-guard failed to check this " + request.kind()
                    + " and allowed it: " + e);
            return new AdmissionHandler.Outcome(request, AdmissionResponses.allow(request.uid(), List.of(warning), "warn"),
                    "warn", List.of());
        }
    }

    /** The informers without a watch for longer than the grace period, each with since when. */
    public List<String> stale(SnapshotSource current) {
        Instant limit = Instant.now().minus(config.server().staleGrace());
        List<String> stale = new ArrayList<>();
        current.notWatchingSince().forEach((name, since) -> {
            if (!since.isAfter(limit)) {
                stale.add(name + " (since " + since + ")");
            }
        });
        java.util.Collections.sort(stale);
        return stale;
    }

    public AuditReport audit() {
        AuditReport report = lastAudit;
        if (report == null || report.at().plus(config.server().auditInterval()).isBefore(Instant.now())) {
            report = runAudit();
        }
        return report;
    }

    private void auditQuietly() {
        try {
            AuditReport report = runAudit();
            SnapshotSource current = source();
            // Reports only from a complete, current view: an unsynced or stale one would remove reports wrongly.
            if (reports.enabled() && current.synced() && stale(current).isEmpty()) {
                reports.publish(new ReportPublisher.Audit(report.results(), report.explainer(), report.problems(),
                        report.operator().namespace()));
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "flow audit failed");
        }
    }

    private synchronized AuditReport runAudit() {
        SnapshotSource current = source();
        ClusterSnapshot snapshot = current.snapshot();
        List<FlowResult> results = guard.check(snapshot);
        OperatorNamespace operator = guard.operatorNamespace(snapshot);
        List<String> problems = new ArrayList<>();
        if (!operator.found() && current.synced()) {
            problems.add(NO_OPERATOR);
            if (lastAudit == null || lastAudit.operator().found()) {
                LOG.warn(NO_OPERATOR);
            }
        }
        problems.addAll(current.problems());
        problems.addAll(guard.problems(snapshot));
        AuditReport report = new AuditReport(Instant.now(), current.description(), results, guard.explainer(snapshot),
                problems, operator);
        metrics.recordAudit(results, guard.unreadablePolicies(snapshot).size(), operator.found());
        metrics.registerInformers();
        lastAudit = report;
        return report;
    }

    private SnapshotSource chooseSource() {
        String mode = config.server().source();
        boolean cluster = switch (mode) {
            case "cluster" -> true;
            case "manifests" -> false;
            case "auto" -> clusterConfigured();
            default -> throw new IllegalArgumentException("netpol-guard.server.source: '" + mode
                    + "' (expected auto, cluster or manifests)");
        };
        if (cluster) {
            LiveCluster live = new LiveCluster(client.get(), config.server().snapshotDelay().toMillis(),
                    problem -> LOG.warnf("cannot read part of a NetworkPolicy (flows it could allow are unverifiable): %s",
                            problem));
            live.start();
            return live;
        }
        return new ManifestSource(config.server().manifests().stream().map(Path::of).toList());
    }

    /**
     * The start-up line of a guard without a certificate: where the webhook and health are, and that
     * this is for local use only.
     */
    static String plainHttpNotice(String httpPort, String managementPort) {
        return "no TLS certificate is configured: POST /validate and GET /flows are served over plain HTTP on port "
                + httpPort + ", for local use only (the API server calls webhooks over HTTPS only); health and metrics "
                + "on the management port " + managementPort;
    }

    /**
     * A port of the running HTTP server: the one it bound (registered by Quarkus for the plain HTTP port,
     * and for the management port only when it differs from the configured one, i.e. a random port), else
     * the configured one.
     */
    private String port(ToIntFunction<HttpServer> bound, String property) {
        try {
            int value = bound.applyAsInt(httpServer.get());
            if (value > 0) {
                return Integer.toString(value);
            }
        } catch (RuntimeException e) {
            // not known to the server: the configured port below
        }
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue(property, String.class)
                .orElse("?");
    }

    private static boolean httpsConfigured() {
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("quarkus.tls.") && name.endsWith(".cert") && name.contains("key-store.pem")) {
                return true;
            }
        }
        return false;
    }

    /** A kubeconfig or an in-cluster service account is present. */
    static boolean clusterConfigured() {
        String kubeconfig = System.getenv("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank() && Files.exists(Path.of(kubeconfig.split(java.io.File.pathSeparator)[0]))) {
            return true;
        }
        return Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config"))
                || Files.exists(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"));
    }
}

package io.netpolguard.admission;

import io.netpolguard.server.GuardMetrics;
import io.netpolguard.server.GuardServer;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * {@code POST /validate}: AdmissionReview v1 in, AdmissionReview out. Protocol only: the decision is
 * the guard's. A body that is not an AdmissionReview is a 400 with a readable error.
 */
@Path("/validate")
public class ValidateResource {
    private static final Logger LOG = Logger.getLogger("io.netpolguard.decision");
    /** The decision's own CPU time, beside its wall time: under a busy machine the two part. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported();

    @Inject
    GuardServer server;

    @Inject
    GuardMetrics metrics;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response validate(byte[] body) {
        long start = System.nanoTime();
        long cpuStart = CPU_TIME ? THREADS.getCurrentThreadCpuTime() : 0;
        AdmissionRequest request;
        try {
            request = AdmissionRequestReader.read(body == null ? new byte[0] : body);
        } catch (BadAdmissionReviewException e) {
            LOG.warnf("rejected a request that is not an AdmissionReview: %s", e.getMessage());
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(Map.of("error", e.getMessage(), "code", 400)).type(MediaType.APPLICATION_JSON).build();
        }
        AdmissionHandler.Outcome outcome = server.decide(request);
        long nanos = System.nanoTime() - start;
        long cpuNanos = CPU_TIME ? THREADS.getCurrentThreadCpuTime() - cpuStart : -1;
        metrics.recordDecision(request.kind(), request.operation(), outcome.decision(), nanos);
        log(outcome, nanos, cpuNanos);
        return Response.ok(outcome.response()).build();
    }

    /** {@code nanos} in milliseconds with three decimals, whatever the locale: {@code 0.085}. */
    static String millis(long nanos) {
        long micros = Math.round(nanos / 1000.0);
        String fraction = Long.toString(1000 + micros % 1000).substring(1);
        return micros / 1000 + "." + fraction;
    }

    /** @param cpuNanos the decision's CPU time on its thread; negative when the JVM cannot tell */
    private static void log(AdmissionHandler.Outcome outcome, long nanos, long cpuNanos) {
        AdmissionRequest request = outcome.request();
        String blocked = String.join(",", outcome.blockedFlows());
        MDC.put("uid", request.uid());
        MDC.put("decision", outcome.decision());
        MDC.put("blockedFlows", blocked);
        try {
            // concatenated, not String.format: a format call costs more than the decision of most requests
            LOG.info("uid=" + request.uid() + " kind=" + request.kind() + " object="
                    + (request.namespace() == null || request.namespace().isEmpty() ? request.name()
                            : request.namespace() + "/" + request.name())
                    + " operation=" + request.operation() + " dryRun=" + request.dryRun() + " decision="
                    + outcome.decision() + " blocked-flows=" + (blocked.isEmpty() ? "-" : blocked) + " latency="
                    + millis(nanos) + "ms" + (cpuNanos < 0 ? "" : " cpu=" + millis(cpuNanos) + "ms") + (outcome.unverifiableFlows().isEmpty() ? ""
                            : " unverifiable=[" + String.join("; ", outcome.unverifiableFlows()) + "]"));
        } finally {
            MDC.remove("uid");
            MDC.remove("decision");
            MDC.remove("blockedFlows");
        }
    }
}

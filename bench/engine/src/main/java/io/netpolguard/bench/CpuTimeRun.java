package io.netpolguard.bench;

import io.netpolguard.netpol.Connection;
import io.netpolguard.netpol.PolicyEngine;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A companion to the JMH run for shared, noisy machines: the same scenarios as
 * {@link EngineBenchmark}, timed in this thread's CPU time (ThreadMXBean) rather than wall time,
 * so that time spent descheduled by other processes does not count. Cache pollution by
 * neighbours still does. Prints, per scenario, ns of CPU per evaluation (minimum and median of
 * the rounds) and the evaluations per CPU-second that the minimum implies.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.netpolguard.bench.CpuTimeRun [policies...]}
 * (default 10 100 1000). Environment: CPU_ROUNDS (default 7), CPU_ROUND_MS (target CPU ms per round,
 * default 500), CPU_WARMUP_MS (default 3000).
 */
public final class CpuTimeRun {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static volatile boolean sink;

    public static void main(String[] args) throws Exception {
        List<Integer> counts = new ArrayList<>();
        for (String arg : args) {
            counts.add(Integer.parseInt(arg));
        }
        if (counts.isEmpty()) {
            counts = List.of(10, 100, 1000);
        }
        int rounds = env("CPU_ROUNDS", 7);
        long roundNanos = env("CPU_ROUND_MS", 500) * 1_000_000L;
        long warmupNanos = env("CPU_WARMUP_MS", 3000) * 1_000_000L;
        System.out.printf("%-28s%12s%16s%16s%18s%n", "scenario", "policies/ns", "min CPU ns/op", "median ns/op",
                "ops per CPU-s");
        for (int policies : counts) {
            EngineBenchmark state = new EngineBenchmark();
            state.policies = policies;
            state.setUp();
            Object[][] scenarios = {
                    {"allowed", state.engine, state.allowed},
                    {"blocked", state.engine, state.blocked},
                    {"allowedSelectionCacheFull", state.cacheFullEngine, state.allowed},
                    {"blockedSelectionCacheFull", state.cacheFullEngine, state.blocked}};
            for (Object[] s : scenarios) {
                PolicyEngine engine = (PolicyEngine) s[1];
                Connection connection = (Connection) s[2];
                long batch = calibrate(engine, connection, warmupNanos, roundNanos);
                List<Double> perOp = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    long start = THREADS.getCurrentThreadCpuTime();
                    run(engine, connection, batch);
                    perOp.add((THREADS.getCurrentThreadCpuTime() - start) / (double) batch);
                }
                Collections.sort(perOp);
                double min = perOp.get(0);
                double median = perOp.get(perOp.size() / 2);
                System.out.printf(Locale.ROOT, "%-28s%12d%16.1f%16.1f%,18.0f%n", s[0], policies, min, median, 1e9 / min);
            }
        }
    }

    /** Warms up for about warmupNanos of CPU and returns a batch size of about roundNanos of CPU. */
    private static long calibrate(PolicyEngine engine, Connection connection, long warmupNanos, long roundNanos) {
        long batch = 1_000;
        long spent = 0;
        double perOp = 1;
        while (spent < warmupNanos) {
            long start = THREADS.getCurrentThreadCpuTime();
            run(engine, connection, batch);
            long took = Math.max(1, THREADS.getCurrentThreadCpuTime() - start);
            spent += took;
            perOp = took / (double) batch;
            batch = Math.max(1_000, Math.min(batch * 2, (long) (roundNanos / perOp)));
        }
        return Math.max(1_000, (long) (roundNanos / perOp));
    }

    private static void run(PolicyEngine engine, Connection connection, long times) {
        boolean any = false;
        for (long i = 0; i < times; i++) {
            any ^= engine.evaluate(connection).allowed();
        }
        sink = any;
    }

    private static int env(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }
}

package io.netpolguard.fuzz;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Runs one call of an entry point on a fuzzed input within a time bound (a hang, such as catastrophic regex
 * backtracking or a huge number expanded digit by digit, fails instead of stalling the build) and lets only the
 * entry point's documented exceptions through. Any other exception or error, a stack overflow included, fails with
 * the input printed. The bound is on the CPU time of the call's thread, which a busy machine does not stretch as it
 * stretches wall time (a 4 MB input took over 5 s of wall time at load 14); a call that does not finish within
 * {@value #WALL_FACTOR} times the bound in wall time (blocked, not computing) fails too. A call past the bound is run
 * once more and fails only if it is past it again: a hang always is.
 */
public final class Bounded {
    /** Seconds of CPU time one call may take: {@code -Dfuzz.timeout-seconds}, 5 unless set. */
    public static final long TIMEOUT_SECONDS = Long.getLong("fuzz.timeout-seconds", 5);
    static final int WALL_FACTOR = 12;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static ExecutorService executor = newExecutor();

    private Bounded() {
    }

    private static ExecutorService newExecutor() {
        return Executors.newSingleThreadExecutor(task -> {
            // the default stack size, as the server's request threads have
            Thread thread = new Thread(task, "fuzz-call");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs the call; any exception fails. */
    public static <T> T call(Object input, String what, Callable<T> call) {
        return documented(input, what, call, e -> false).orElse(null);
    }

    public static void run(Object input, String what, Runnable call) {
        call(input, what, () -> {
            call.run();
            return null;
        });
    }

    /**
     * Runs the call; an exception that {@code documented} accepts is an expected answer to bad input (empty result),
     * provided its message says what is wrong, in one or more lines without a stack trace.
     */
    public static <T> Optional<T> documented(Object input, String what, Callable<T> call,
            Predicate<Throwable> documented) {
        return documented(input, what, call, documented, TIMEOUT_SECONDS);
    }

    static synchronized <T> Optional<T> documented(Object input, String what, Callable<T> call,
            Predicate<Throwable> documented, long timeoutSeconds) {
        try {
            return attempt(input, what, call, documented, timeoutSeconds);
        } catch (TookTooLong once) {
            // A hang takes too long every time. One slow call in a CI run (0.3-0.5 s of CPU when run again, over 5 s
            // there) is tried once more before it counts as one.
            System.out.printf("%s took more than %d s of CPU time once; trying it again%n", what, timeoutSeconds);
            try {
                return attempt(input, what, call, documented, timeoutSeconds);
            } catch (TookTooLong twice) {
                throw new AssertionError(twice.getMessage() + " (twice)");
            }
        }
    }

    /** A call past its time bound. */
    private static final class TookTooLong extends RuntimeException {
        TookTooLong(String message) {
            super(message, null, false, false);
        }
    }

    private static <T> Optional<T> attempt(Object input, String what, Callable<T> call, Predicate<Throwable> documented,
            long timeoutSeconds) {
        // the executor's thread runs call after call: its CPU time counts from the start of this one
        AtomicLong worker = new AtomicLong(-1);
        AtomicLong cpuAtStart = new AtomicLong();
        Future<T> future = executor.submit(() -> {
            cpuAtStart.set(THREADS.getCurrentThreadCpuTime());
            worker.set(Thread.currentThread().getId());
            return call.call();
        });
        Throwable thrown;
        long start = System.nanoTime();
        try {
            while (true) {
                try {
                    return Optional.ofNullable(future.get(100, TimeUnit.MILLISECONDS));
                } catch (TimeoutException e) {
                    long cpu = worker.get() < 0 ? 0 : THREADS.getThreadCpuTime(worker.get()) - cpuAtStart.get();
                    boolean tooLong = cpu > TimeUnit.SECONDS.toNanos(timeoutSeconds)
                            || System.nanoTime() - start > TimeUnit.SECONDS.toNanos(timeoutSeconds * WALL_FACTOR);
                    if (tooLong) {
                        future.cancel(true);
                        executor.shutdownNow();
                        executor = newExecutor();
                        throw new TookTooLong(what + " did not finish within " + timeoutSeconds + " s of CPU time (or "
                                + timeoutSeconds * WALL_FACTOR + " s of wall time) on " + input);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + " was interrupted", e);
        } catch (ExecutionException e) {
            thrown = e.getCause();
        }
        if (documented.test(thrown)) {
            String message = thrown.getMessage();
            if (message == null || message.isBlank() || message.contains("\tat ")) {
                throw new AssertionError(what + " threw " + thrown.getClass().getSimpleName()
                        + " without a readable message (" + message + ") on " + input, thrown);
            }
            return Optional.empty();
        }
        throw new AssertionError(what + " threw " + thrown + " (not a documented input error) on " + input, thrown);
    }
}

package io.netpolguard.fuzz;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Runs one call of an entry point on a fuzzed input within a time bound (a hang, such as catastrophic regex
 * backtracking or a huge number expanded digit by digit, fails instead of stalling the build) and lets only the
 * entry point's documented exceptions through. Any other exception or error, a stack overflow included, fails with
 * the input printed.
 */
public final class Bounded {
    /** Seconds one call may take: {@code -Dfuzz.timeout-seconds}, 5 unless set. */
    public static final long TIMEOUT_SECONDS = Long.getLong("fuzz.timeout-seconds", 5);
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
    public static synchronized <T> Optional<T> documented(Object input, String what, Callable<T> call,
            Predicate<Throwable> documented) {
        Future<T> future = executor.submit(call);
        Throwable thrown;
        try {
            return Optional.ofNullable(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            future.cancel(true);
            executor.shutdownNow();
            executor = newExecutor();
            throw new AssertionError(what + " did not finish within " + TIMEOUT_SECONDS + " s on " + input);
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

package io.netpolguard.connectivity;

import java.io.PrintWriter;

/** Says what a long computation is doing, on standard error; quiet for the first second, so small runs print nothing. */
public final class Progress {
    public static final Progress NONE = new Progress(null);
    private static final long QUIET_NANOS = 1_000_000_000L;

    private final PrintWriter err;
    private final long start = System.nanoTime();

    public Progress(PrintWriter err) {
        this.err = err;
    }

    public void say(String message) {
        long elapsed = System.nanoTime() - start;
        if (err == null || elapsed < QUIET_NANOS) {
            return;
        }
        err.printf("[%.1f s] %s%n", elapsed / 1e9, message);
        err.flush();
    }
}

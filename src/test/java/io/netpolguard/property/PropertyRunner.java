package io.netpolguard.property;

import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A minimal property-test runner on plain JUnit: generates {@code tries} inputs from a seeded {@link Random},
 * checks each, and on a failure shrinks the input greedily (the first smaller candidate that still fails, until
 * none does) and fails with the seed, the try and the shrunk input. Try {@code i} uses {@code new Random(seed + i)},
 * so a failure is reproduced with {@code -Dproperty-tests.seed=<seed>}.
 *
 * <p>System properties: {@value #TRIES} overrides every property's tries (the {@code properties-long} Maven
 * profile sets it), {@value #SEED} fixes the seed.
 */
public final class PropertyRunner {
    public static final String TRIES = "property-tests.tries";
    public static final String SEED = "property-tests.seed";
    private static final int MAX_SHRINK_STEPS = 5_000;

    private PropertyRunner() {
    }

    /** The number of tries to run: the system property when set, else {@code defaultTries}. */
    public static int tries(int defaultTries) {
        String configured = System.getProperty(TRIES, "");
        return configured.isBlank() ? defaultTries : Integer.parseInt(configured.trim());
    }

    /**
     * Runs the property and returns the number of tries that ran (all of them, or it throws).
     *
     * @param shrink smaller variants of a failing input, tried in order
     */
    public static <T> int check(String name, int defaultTries, Function<Random, T> generator,
            Function<T, List<T>> shrink, Consumer<T> property) {
        int tries = tries(defaultTries);
        String fixed = System.getProperty(SEED, "");
        long seed = fixed.isBlank() ? new Random().nextLong() : Long.parseLong(fixed.trim());
        long start = System.nanoTime();
        for (int i = 0; i < tries; i++) {
            T input = generator.apply(new Random(seed + i));
            Throwable failure = failure(property, input);
            if (failure != null) {
                Shrunk<T> shrunk = shrink(input, failure, shrink, property);
                AssertionError error = new AssertionError("property " + name + " failed on try " + (i + 1) + " of "
                        + tries + " (seed " + seed + "; rerun with -D" + SEED + "=" + seed + "), shrunk in "
                        + shrunk.steps + " steps to:\n" + shrunk.input + "\n" + shrunk.failure.getMessage(),
                        shrunk.failure);
                throw error;
            }
        }
        System.out.printf("property %s: %d tries passed (seed %d) in %d ms%n", name, tries, seed,
                (System.nanoTime() - start) / 1_000_000);
        return tries;
    }

    private record Shrunk<T>(T input, Throwable failure, int steps) {
    }

    private static <T> Shrunk<T> shrink(T input, Throwable failure, Function<T, List<T>> shrink, Consumer<T> property) {
        T current = input;
        Throwable currentFailure = failure;
        int steps = 0;
        boolean smaller = true;
        while (smaller && steps < MAX_SHRINK_STEPS) {
            smaller = false;
            for (T candidate : shrink.apply(current)) {
                if (++steps >= MAX_SHRINK_STEPS) {
                    break;
                }
                Throwable candidateFailure = failure(property, candidate);
                if (candidateFailure != null) {
                    current = candidate;
                    currentFailure = candidateFailure;
                    smaller = true;
                    break;
                }
            }
        }
        return new Shrunk<>(current, currentFailure, steps);
    }

    private static <T> Throwable failure(Consumer<T> property, T input) {
        try {
            property.accept(input);
            return null;
        } catch (AssertionError | RuntimeException e) {
            return e;
        }
    }
}

package io.netpolguard.fuzz;

import io.netpolguard.property.PropertyRunner;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The fuzzers' short run in the default build: the same generators as the Jazzer fuzz tests, driven by a seeded
 * {@link java.util.Random} through the project's {@link PropertyRunner} (a failure names the seed to rerun it with
 * {@code -Dproperty-tests.seed}). {@code -Dfuzz.tries=N} (or {@code -Dproperty-tests.tries=N}) runs more.
 */
public final class ShortRun {
    public static final String TRIES = "fuzz.tries";

    private ShortRun() {
    }

    /** Runs {@code tries} generated inputs through the property; returns the inputs per second. */
    public static double run(String name, int defaultTries, Function<Choices, FuzzInput> generator,
            Consumer<FuzzInput> property) {
        int tries = Integer.getInteger(TRIES, defaultTries);
        long start = System.nanoTime();
        int ran = PropertyRunner.check("fuzz " + name, tries, random -> generator.apply(Choices.of(random)),
                input -> List.of(), property);
        double seconds = (System.nanoTime() - start) / 1e9;
        double perSecond = ran / Math.max(seconds, 1e-9);
        System.out.printf("fuzz %s: %d inputs in %.1f s, %.0f inputs/s%n", name, ran, seconds, perSecond);
        return perSecond;
    }
}

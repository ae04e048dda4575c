package io.netpolguard.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.List;
import java.util.Random;

/**
 * Where a generator's choices come from: a seeded {@link Random} (the short run in the default build) or Jazzer's
 * {@link FuzzedDataProvider} (coverage-guided fuzzing, which learns which choices reach new code).
 */
public interface Choices {

    /** A number from 0 to {@code bound - 1}. */
    int pick(int bound);

    /** True in about {@code percent} of the cases. */
    default boolean chance(int percent) {
        return pick(100) < percent;
    }

    default int between(int min, int max) {
        return min + pick(max - min + 1);
    }

    default <T> T oneOf(List<T> items) {
        return items.get(pick(items.size()));
    }

    /** Any text, up to {@code maxLength} characters (valid UTF-16). */
    String text(int maxLength);

    /** Any bytes, up to {@code maxLength}. */
    byte[] bytes(int maxLength);

    static Choices of(Random random) {
        return new Choices() {
            @Override
            public int pick(int bound) {
                return bound <= 1 ? 0 : random.nextInt(bound);
            }

            @Override
            public String text(int maxLength) {
                int length = random.nextInt(maxLength + 1);
                StringBuilder text = new StringBuilder(length);
                while (text.length() < length) {
                    int kind = random.nextInt(10);
                    int codePoint = kind < 6 ? 0x20 + random.nextInt(0x5f) // printable ASCII
                            : kind < 8 ? random.nextInt(0x20) // control characters
                            : kind < 9 ? 0xa0 + random.nextInt(0xd800 - 0xa0) // the rest of the BMP
                            : 0x10000 + random.nextInt(0x10ffff - 0x10000); // beyond it (surrogate pairs)
                    text.appendCodePoint(codePoint);
                }
                return text.toString();
            }

            @Override
            public byte[] bytes(int maxLength) {
                byte[] bytes = new byte[random.nextInt(maxLength + 1)];
                random.nextBytes(bytes);
                return bytes;
            }
        };
    }

    static Choices of(FuzzedDataProvider data) {
        return new Choices() {
            @Override
            public int pick(int bound) {
                return bound <= 1 ? 0 : data.consumeInt(0, bound - 1);
            }

            @Override
            public String text(int maxLength) {
                return data.consumeString(maxLength);
            }

            @Override
            public byte[] bytes(int maxLength) {
                return data.consumeBytes(maxLength);
            }
        };
    }
}

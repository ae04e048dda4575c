package io.netpolguard.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One generated input: the bytes an entry point reads, the seed they were made from and the mutations applied, so
 * that a failure prints everything needed to turn it into a regression test.
 */
public record FuzzInput(String seed, List<String> mutations, byte[] bytes) {
    private static final int SHOWN = 6_000;

    public static FuzzInput raw(byte[] bytes) {
        return new FuzzInput("raw bytes", List.of(), bytes);
    }

    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        String text = text();
        StringBuilder shown = new StringBuilder();
        text.substring(0, Math.min(text.length(), SHOWN)).codePoints().forEach(c -> {
            if (c == '\n' || c >= 0x20 && c < 0x7f) {
                shown.appendCodePoint(c);
            } else if (c < 0x10000) {
                shown.append(String.format("\\u%04x", c));
            } else {
                shown.append(Character.toChars(c));
            }
        });
        return "seed " + seed + ", mutations " + mutations + ", " + bytes.length + " bytes"
                + (text.length() > SHOWN ? " (first " + SHOWN + " characters shown)" : "") + ":\n" + shown;
    }
}

package io.netpolguard.guard;

import java.util.Locale;

/** What the guard does about a newly blocked critical flow: deny, warn, or nothing. */
public enum Mode {
    ENFORCE, WARN, OFF;

    public static Mode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown mode '" + value + "' (expected enforce, warn or off)");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.netpolguard.dynatrace;

import java.util.Locale;

/** How bad it is when a required flow is newly blocked. */
public enum Severity {
    CRITICAL, WARNING;

    public static Severity parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown severity '" + value + "' (expected critical or warning)");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

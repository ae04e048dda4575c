package io.netpolguard.guard;

import java.util.Locale;

/** The outcome recorded in the audit annotation {@code decision}. */
public enum Decision {
    ALLOW, WARN, DENY;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

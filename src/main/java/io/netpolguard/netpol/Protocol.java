package io.netpolguard.netpol;

import java.util.Locale;

/** The transport protocols a NetworkPolicy port can name. */
public enum Protocol {
    TCP, UDP, SCTP;

    /** Parses a protocol name; {@code null} or blank means TCP, as in the NetworkPolicy API. */
    public static Protocol parse(String value) {
        if (value == null || value.isBlank()) {
            return TCP;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown protocol '" + value + "' (expected TCP, UDP or SCTP)");
        }
    }
}

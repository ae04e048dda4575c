package io.netpolguard.netpol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Parses IP literals without ever touching DNS. */
public final class IpAddresses {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** Longer than the longest IP literal (eight groups with an IPv4 tail: 45 characters): not an address. */
    private static final int MAX_LENGTH = 47;

    private IpAddresses() {
    }

    /** The address when {@code text} is an IPv4 or IPv6 literal, empty otherwise (host names included). */
    public static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String value = text.trim();
        if (value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        if (value.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        if (IPV4.matcher(value).matches()) {
            for (String part : value.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return Optional.empty();
                }
            }
        } else if (!ipv6Characters(value)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(value));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * Hex digits, ':' and '.', with at least one ':'. Checked in one pass: the pattern it replaces,
     * {@code [0-9a-fA-F:.]*:[0-9a-fA-F:.]*}, backtracked quadratically on a long run of colons followed by another
     * character (seconds for a 40 kB ipBlock.cidr).
     */
    private static boolean ipv6Characters(String value) {
        boolean colon = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean hex = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (c == ':') {
                colon = true;
            } else if (!hex && c != '.') {
                return false;
            }
        }
        return colon;
    }

    public static boolean isLiteral(String text) {
        return parse(text).isPresent();
    }

    /** The address as written, IPv6 shortened as RFC 5952 says ({@code 2001:db8::1}). */
    public static String text(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return address.getHostAddress();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xFF) << 8 | bytes[2 * i + 1] & 0xFF;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            out.append(Integer.toHexString(groups[i]));
            if (i < 7) {
                out.append(':');
            }
        }
        return out.toString();
    }
}

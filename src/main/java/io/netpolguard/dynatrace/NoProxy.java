package io.netpolguard.dynatrace;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Hosts reached without the proxy, from a comma-separated list (the DynaKube's
 * {@code feature.dynatrace.com/no-proxy}, the EdgeConnect's {@code spec.proxy.noProxy}).
 */
public record NoProxy(List<String> entries) {
    public static final NoProxy NONE = new NoProxy(List.of());

    public NoProxy {
        entries = List.copyOf(entries);
    }

    public static NoProxy parse(String commaSeparated) {
        if (commaSeparated == null) {
            return NONE;
        }
        List<String> entries = new ArrayList<>();
        for (String entry : commaSeparated.split(",")) {
            if (!entry.isBlank()) {
                entries.add(entry.trim().toLowerCase(Locale.ROOT));
            }
        }
        return new NoProxy(entries);
    }

    /**
     * Whether a host bypasses the proxy: an entry equal to it, or a domain suffix of it ({@code .example.com}
     * or {@code example.com}), as Go's http.ProxyFromEnvironment reads NO_PROXY.
     */
    public boolean bypasses(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        for (String entry : entries) {
            if (entry.equals("*")) {
                return true;
            }
            String domain = entry.startsWith(".") ? entry.substring(1) : entry.startsWith("*.") ? entry.substring(2) : entry;
            if (lower.equals(domain) || lower.endsWith("." + domain)) {
                return true;
            }
        }
        return false;
    }
}

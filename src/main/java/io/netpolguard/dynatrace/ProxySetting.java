package io.netpolguard.dynatrace;

/**
 * {@code spec.proxy}: a literal URL, or a secret reference that the guard cannot read (the flow to the
 * proxy is then unverifiable).
 */
public record ProxySetting(String value, String secretName) {

    public boolean fromSecret() {
        return value == null && secretName != null;
    }
}

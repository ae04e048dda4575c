package io.netpolguard.dynatrace;

/**
 * {@code spec.proxy}: a literal URL, or a secret reference that the guard cannot read (the flow to the
 * proxy is then unverifiable), with the hosts reached without it (the EdgeConnect's {@code noProxy}).
 */
public record ProxySetting(String value, String secretName, NoProxy noProxy) {

    public ProxySetting(String value, String secretName) {
        this(value, secretName, NoProxy.NONE);
    }

    public boolean fromSecret() {
        return value == null && secretName != null;
    }
}

package io.netpolguard.dynatrace;

/** The OneAgent modes of a DynaKube; exactly one may be set. */
public enum OneAgentMode {
    CLASSIC_FULL_STACK("classicFullStack", false, true),
    CLOUD_NATIVE_FULL_STACK("cloudNativeFullStack", true, true),
    APPLICATION_MONITORING("applicationMonitoring", true, false),
    HOST_MONITORING("hostMonitoring", false, true);

    private final String field;
    private final boolean injects;
    private final boolean hostAgent;

    OneAgentMode(String field, boolean injects, boolean hostAgent) {
        this.field = field;
        this.injects = injects;
        this.hostAgent = hostAgent;
    }

    /** The field name under {@code spec.oneAgent}. */
    public String field() {
        return field;
    }

    /** Whether the operator injects code modules into application pods in this mode. */
    public boolean injects() {
        return injects;
    }

    /** Whether this mode runs the OneAgent DaemonSet on every node. */
    public boolean hostAgent() {
        return hostAgent;
    }
}

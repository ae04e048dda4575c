package io.netpolguard.guard;

/** The status of a required flow (spec §3). */
public enum FlowStatus {
    ALLOWED("allowed"), BLOCKED("blocked"), UNVERIFIABLE("unverifiable"), NOT_APPLICABLE("not-applicable");

    private final String id;

    FlowStatus(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}

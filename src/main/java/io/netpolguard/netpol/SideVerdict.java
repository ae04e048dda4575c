package io.netpolguard.netpol;

import java.util.List;

/**
 * The verdict of one side of a connection: egress of the source or ingress of the destination.
 * {@code isolating} is empty when no policy isolates that pod for this direction. {@code ranges} are
 * where the peer's address may be (each must be allowed); {@code leftOut} those of them this side does
 * not allow when it allows others.
 */
public record SideVerdict(Direction direction, Endpoint subject, List<CompiledPolicy> isolating, Outcome outcome,
        CompiledPolicy allowingPolicy, Rule allowingRule, List<Cidr> ranges, List<Cidr> leftOut) {

    public SideVerdict {
        ranges = List.copyOf(ranges);
        leftOut = List.copyOf(leftOut);
    }

    public boolean isolated() {
        return !isolating.isEmpty();
    }

    static SideVerdict notIsolated(Direction direction, Endpoint subject) {
        return new SideVerdict(direction, subject, List.of(), Outcome.ALLOWED, null, null, List.of(), List.of());
    }
}

package io.netpolguard.live;

/** The live cluster cannot be read well enough to judge anything (unreachable, refused, no such context): exit 2. */
public class UnreadableClusterException extends RuntimeException {
    public UnreadableClusterException(String message) {
        super(message);
    }
}

package io.netpolguard.guard;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.UnaryOperator;

/**
 * The connections of a flow after a policy change, from those before it. Some are judged again at once; others only
 * get their status, known from a connection that shares their verdict on the changed side (see
 * {@link PolicyChangeRejudging}), and their full verdict, with its explanation, is made when someone reads it. A
 * change that touches thousands of connections then costs a status each, and a verdict only for the few a message
 * shows. Used by the request that made it, from one thread.
 */
final class RejudgedConnections extends AbstractList<ConnectionResult> implements RandomAccess {
    private final List<ConnectionResult> before;
    private final UnaryOperator<ConnectionResult> judge;
    /** Per connection: null while unchanged, its status when only that is known yet, else its result. */
    private final Object[] after;

    /** @param judge the result after the change of a connection, from its result before */
    RejudgedConnections(List<ConnectionResult> before, UnaryOperator<ConnectionResult> judge) {
        this.before = before;
        this.judge = judge;
        this.after = new Object[before.size()];
    }

    /** The result of connection {@code index} before the change. */
    ConnectionResult before(int index) {
        return before.get(index);
    }

    /** Judges connection {@code index} again now (once). */
    ConnectionResult judgeNow(int index) {
        if (after[index] instanceof ConnectionResult judged) {
            return judged;
        }
        ConnectionResult result = judge.apply(before.get(index));
        assert after[index] == null || after[index] == result.status()
                : "status " + after[index] + " given, " + result.status() + " judged: " + result.connection().key();
        after[index] = result;
        return result;
    }

    /** Connection {@code index} has {@code status} after the change; its verdict is made when read. */
    void judgeLater(int index, FlowStatus status) {
        if (!(after[index] instanceof ConnectionResult)) {
            after[index] = status;
        }
    }

    FlowStatus status(int index) {
        Object result = after[index];
        if (result instanceof FlowStatus status) {
            return status;
        }
        return result instanceof ConnectionResult judged ? judged.status() : before.get(index).status();
    }

    @Override
    public ConnectionResult get(int index) {
        Object result = after[index];
        if (result instanceof ConnectionResult judged) {
            return judged;
        }
        return result != null ? judgeNow(index) : before.get(index);
    }

    @Override
    public int size() {
        return before.size();
    }

    /** The status of connection {@code index} of {@code connections}, without making a verdict that is not made yet. */
    static FlowStatus statusAt(List<ConnectionResult> connections, int index) {
        return connections instanceof RejudgedConnections rejudged ? rejudged.status(index)
                : connections.get(index).status();
    }
}

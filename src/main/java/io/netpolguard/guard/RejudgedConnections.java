package io.netpolguard.guard;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * The connections of a flow after a change. Some are judged at once; others only get their status (known from a
 * connection that shares their verdict on the changed side, see {@link PolicyChangeRejudging}, or from the outcome
 * of each side alone), and their full verdict, with its explanation, is made when someone reads it. A change that
 * touches thousands of connections then costs a status each, and a verdict only for the few a message shows. Used
 * by the request that made it, from one thread.
 */
final class RejudgedConnections extends AbstractList<ConnectionResult> implements RandomAccess {
    private final int size;
    private final IntFunction<ConnectionResult> unchanged;
    private final IntFunction<ConnectionResult> judge;
    /** Per connection: null while unchanged, its status when only that is known yet, else its result. */
    private final Object[] after;

    private RejudgedConnections(int size, IntFunction<ConnectionResult> unchanged, IntFunction<ConnectionResult> judge) {
        this.size = size;
        this.unchanged = unchanged;
        this.judge = judge;
        this.after = new Object[size];
    }

    /**
     * The connections of a flow after a policy change, each unchanged until judged again.
     *
     * @param judge the result after the change of a connection, from its result before
     */
    static RejudgedConnections after(List<ConnectionResult> before, UnaryOperator<ConnectionResult> judge) {
        return new RejudgedConnections(before.size(), before::get, i -> judge.apply(before.get(i)));
    }

    /**
     * The connections of a flow not judged before: each must be {@link #put} or given a status ({@link #judgeLater}).
     *
     * @param judge the result of connection {@code index}
     */
    static RejudgedConnections fresh(int size, IntFunction<ConnectionResult> judge) {
        return new RejudgedConnections(size, i -> {
            throw new IllegalStateException("connection " + i + " was not judged");
        }, judge);
    }

    /** The result of connection {@code index} before the change. */
    ConnectionResult before(int index) {
        return unchanged.apply(index);
    }

    /** Connection {@code index} has {@code result}. */
    void put(int index, ConnectionResult result) {
        after[index] = result;
    }

    /** Judges connection {@code index} again now (once). */
    ConnectionResult judgeNow(int index) {
        if (after[index] instanceof ConnectionResult judged) {
            return judged;
        }
        ConnectionResult result = judge.apply(index);
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
        return result instanceof ConnectionResult judged ? judged.status() : unchanged.apply(index).status();
    }

    @Override
    public ConnectionResult get(int index) {
        Object result = after[index];
        if (result instanceof ConnectionResult judged) {
            return judged;
        }
        return result != null ? judgeNow(index) : unchanged.apply(index);
    }

    @Override
    public int size() {
        return size;
    }

    /** The status of connection {@code index} of {@code connections}, without making a verdict that is not made yet. */
    static FlowStatus statusAt(List<ConnectionResult> connections, int index) {
        return connections instanceof RejudgedConnections rejudged ? rejudged.status(index)
                : connections.get(index).status();
    }
}

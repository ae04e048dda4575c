package io.netpolguard.guard;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * The connections of a flow after a change. Some are judged at once; others only get their status (known from a
 * connection that shares their verdict on the changed side, see {@link PolicyChangeRejudging}, or from the outcome
 * of each side alone), and their full verdict, with its explanation, is made when someone reads it. A change that
 * touches thousands of connections then costs a status each, and a verdict only for the few a message shows; the
 * connections per status are counted as they change, so the flow's status costs what changed, not the flow's size.
 * Used by the request that made it, from one thread.
 */
final class RejudgedConnections extends AbstractList<ConnectionResult> implements RandomAccess {
    private static final FlowStatus[] STATUSES = FlowStatus.values();
    /** Up to this many indices are picked in one pass over the changed connections rather than sorting them all. */
    private static final int FEW = 16;

    /**
     * The statuses of a flow's connections before a change, one byte each ({@link FlowStatus#ordinal()}), and how
     * many have each: a change that touches thousands of connections reads these instead of each result.
     */
    record Statuses(byte[] each, int[] counts) {
        FlowStatus at(int index) {
            return STATUSES[each[index]];
        }
    }

    private final int size;
    private final IntFunction<ConnectionResult> unchanged;
    /** The status of each connection until it is judged again ({@link FlowStatus#ordinal()}). */
    private final byte[] beforeStatuses;
    private final IntFunction<ConnectionResult> judge;
    /**
     * Per connection: 0 while unchanged, else its status after the change plus one; made when the first connection
     * changes (a byte each: a change that gives thousands of connections a status keeps no object per connection).
     */
    private byte[] after;
    /** The verdicts made after the change, by connection: those judged now and those read. */
    private Map<Integer, ConnectionResult> judged;
    private final int[] beforeCounts;
    private final int[] counts;
    /**
     * The connections that got a status or result, in the order they got it; null once they are more than an eighth
     * of all (then looking at every connection costs about what sorting these would).
     */
    private int[] changed = new int[16];
    private int changedSize;

    private RejudgedConnections(int size, IntFunction<ConnectionResult> unchanged, byte[] beforeStatuses,
            IntFunction<ConnectionResult> judge, int[] counts) {
        this.size = size;
        this.unchanged = unchanged;
        this.beforeStatuses = beforeStatuses;
        this.judge = judge;
        this.beforeCounts = counts;
        this.counts = counts.clone();
    }

    /**
     * The connections of a flow after a policy change, each unchanged until judged again.
     *
     * @param statuses the statuses of {@code before} ({@link #statuses(List)})
     * @param judge the result after the change of a connection, from its result before
     */
    static RejudgedConnections after(List<ConnectionResult> before, Statuses statuses,
            UnaryOperator<ConnectionResult> judge) {
        return new RejudgedConnections(before.size(), before::get, statuses.each(), i -> judge.apply(before.get(i)),
                statuses.counts());
    }

    /**
     * The connections of a flow, each with a status already: kept from a connection judged before or found for a new
     * one. Each keeps it until judged again.
     *
     * @param statuses the status of each connection ({@link FlowStatus#ordinal()})
     * @param kept the result of a connection that has one already, else null: its verdict is made when read
     * @param judge the result of connection {@code index}
     */
    static RejudgedConnections derived(byte[] statuses, IntFunction<ConnectionResult> kept,
            IntFunction<ConnectionResult> judge) {
        return new RejudgedConnections(statuses.length, kept, statuses, judge, counts(statuses));
    }

    /**
     * How many of {@code statuses} have each status, counted a run of equal ones at a time: a flow's statuses come in
     * long runs, and a count in memory raised for each would wait on its own last store.
     */
    private static int[] counts(byte[] statuses) {
        int[] counts = new int[STATUSES.length];
        int runStart = 0;
        for (int i = 1; i <= statuses.length; i++) {
            if (i == statuses.length || statuses[i] != statuses[runStart]) {
                counts[statuses[runStart]] += i - runStart;
                runStart = i;
            }
        }
        return counts;
    }

    /** The status of each of {@code connections}, and how many have each. */
    static Statuses statuses(List<ConnectionResult> connections) {
        byte[] each = new byte[connections.size()];
        int[] counts = new int[STATUSES.length];
        for (int i = 0; i < connections.size(); i++) {
            int status = statusAt(connections, i).ordinal();
            each[i] = (byte) status;
            counts[status]++;
        }
        return new Statuses(each, counts);
    }

    /** The result of connection {@code index} before the change. */
    ConnectionResult before(int index) {
        return unchanged.apply(index);
    }

    /** Judges connection {@code index} again now (once). */
    ConnectionResult judgeNow(int index) {
        ConnectionResult made = judgedAt(index);
        if (made != null) {
            return made;
        }
        ConnectionResult result = judge.apply(index);
        assert afterAt(index) == null || afterAt(index) == result.status()
                : "status " + afterAt(index) + " given, " + result.status() + " judged: " + result.connection().key();
        recount(index, result.status());
        if (judged == null) {
            judged = new HashMap<>();
        }
        judged.put(index, result);
        return result;
    }

    /** Connection {@code index} has {@code status} after the change; its verdict is made when read. */
    void judgeLater(int index, FlowStatus status) {
        if (judgedAt(index) == null) {
            recount(index, status);
        }
    }

    private ConnectionResult judgedAt(int index) {
        return judged == null ? null : judged.get(index);
    }

    /** The status given after the change, or null. */
    private FlowStatus afterAt(int index) {
        return after == null || after[index] == 0 ? null : STATUSES[after[index] - 1];
    }

    /** Connection {@code index} has {@code status} after the change, counted. */
    private void recount(int index, FlowStatus status) {
        if (afterAt(index) == null && changed != null) {
            if (changedSize == changed.length) {
                changed = changedSize >= size / 8 ? null : java.util.Arrays.copyOf(changed, changedSize * 2);
            }
            if (changed != null) {
                changed[changedSize++] = index;
            }
        }
        counts[status(index).ordinal()]--;
        counts[status.ordinal()]++;
        if (after == null) {
            after = new byte[size];
        }
        after[index] = (byte) (status.ordinal() + 1);
    }

    /** The status of connection {@code index} now. */
    FlowStatus status(int index) {
        FlowStatus status = afterAt(index);
        return status != null ? status : STATUSES[beforeStatuses[index]];
    }

    /**
     * The first {@code limit} indices of connections with {@code status}, in order. When no connection had it before
     * the change, only the connections that changed are looked at.
     */
    int[] indicesWith(FlowStatus status, int limit) {
        int[] found = new int[Math.min(limit, count(status))];
        int n = 0;
        if (beforeCounts[status.ordinal()] > 0 || changed == null) {
            for (int i = 0; i < size && n < found.length; i++) {
                if (status(i) == status) {
                    found[n++] = i;
                }
            }
            return found;
        }
        if (found.length > FEW) {
            int[] candidates = java.util.Arrays.copyOf(changed, changedSize);
            java.util.Arrays.sort(candidates);
            for (int i = 0; i < candidates.length && n < found.length; i++) {
                if (status(candidates[i]) == status) {
                    found[n++] = candidates[i];
                }
            }
            return found;
        }
        // a message reads only the first few: the smallest changed indices with the status, kept in order
        for (int i = 0; i < changedSize && found.length > 0; i++) {
            int index = changed[i];
            if ((n < found.length || index < found[n - 1]) && status(index) == status) {
                int at = n < found.length ? n++ : n - 1;
                while (at > 0 && found[at - 1] > index) {
                    found[at] = found[at - 1];
                    at--;
                }
                found[at] = index;
            }
        }
        return found;
    }

    /** How many connections have {@code status}. */
    int count(FlowStatus status) {
        return counts[status.ordinal()];
    }

    @Override
    public ConnectionResult get(int index) {
        ConnectionResult made = judgedAt(index);
        if (made != null) {
            return made;
        }
        if (afterAt(index) != null) {
            return judgeNow(index);
        }
        ConnectionResult kept = unchanged.apply(index);
        return kept != null ? kept : judgeNow(index);
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

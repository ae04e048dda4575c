package io.netpolguard.dynatrace;

import java.util.Arrays;

/**
 * For each connection of a flow now, the index of the very same connection object in the flow before, or -1 for a
 * new one: kept as stretches of connections, each new or the continuation of a stretch before, so that a flow from
 * thousands of apps whose namespaces mostly stay costs its stretches, not an index per connection.
 */
public final class SameConnections {
    private final int[] starts; // the first connection of each stretch; the last entry is the size
    private final int[] from; // for each stretch, the index before of its first connection, or -1: all new
    private int lastStretch; // where the last read was (a racy hint, checked before use)

    private SameConnections(int[] starts, int[] from) {
        this.starts = starts;
        this.from = from;
    }

    /** Made from stretches given as their starts (the last entry the size) and where each was before (-1: new). */
    static SameConnections ofStretches(int[] starts, int[] from) {
        return new SameConnections(starts, from);
    }

    /** Made from the index before of each connection (-1: new). */
    public static SameConnections of(int[] same) {
        int[] starts = new int[same.length + 1];
        int[] from = new int[same.length];
        int stretches = 0;
        for (int c = 0; c < same.length; c++) {
            boolean continues = c > 0 && (same[c] < 0 ? same[c - 1] < 0 : same[c - 1] >= 0 && same[c] == same[c - 1] + 1);
            if (!continues) {
                starts[stretches] = c;
                from[stretches++] = same[c];
            }
        }
        starts[stretches] = same.length;
        return new SameConnections(Arrays.copyOf(starts, stretches + 1), Arrays.copyOf(from, stretches));
    }

    /** How many connections there are now. */
    public int size() {
        return starts[from.length];
    }

    /** The index before of connection {@code c} now, or -1 when it is new. */
    public int at(int c) {
        int stretch = stretchOf(c);
        return from[stretch] < 0 ? -1 : from[stretch] + c - starts[stretch];
    }

    /** The stretches: {@link #start}, {@link #end} and {@link #isNew} of each. */
    public int stretches() {
        return from.length;
    }

    public int start(int stretch) {
        return starts[stretch];
    }

    public int end(int stretch) {
        return starts[stretch + 1];
    }

    public boolean isNew(int stretch) {
        return from[stretch] < 0;
    }

    /** {@code now[c] = before[at(c)]} for each connection that is not new. */
    public void copyKept(byte[] before, byte[] now) {
        for (int s = 0; s < from.length; s++) {
            if (from[s] >= 0) {
                System.arraycopy(before, from[s], now, starts[s], starts[s + 1] - starts[s]);
            }
        }
    }

    /** For each connection before, its index now, or -1 when it is gone. */
    public int[] inverse(int sizeBefore) {
        int[] now = new int[sizeBefore];
        Arrays.fill(now, -1);
        for (int s = 0; s < from.length; s++) {
            for (int c = starts[s]; from[s] >= 0 && c < starts[s + 1]; c++) {
                now[from[s] + c - starts[s]] = c;
            }
        }
        return now;
    }

    private int stretchOf(int c) {
        int stretch = stretchAt(starts, from.length, c, lastStretch);
        lastStretch = stretch;
        return stretch;
    }

    /**
     * Of {@code count} stretches starting at {@code starts} (ascending; {@code starts[count]} the size), the one that
     * holds {@code index}: {@code hint} when it does (reads come mostly in order), else found by bisection.
     */
    static int stretchAt(int[] starts, int count, int index, int hint) {
        if (index < 0 || index >= starts[count]) {
            throw new IndexOutOfBoundsException(index);
        }
        if (hint < count && starts[hint] <= index && index < starts[hint + 1]) {
            return hint;
        }
        int low = 0;
        int high = count - 1;
        while (low < high) { // the last stretch starting at or before index
            int middle = (low + high + 1) >>> 1;
            if (starts[middle] <= index) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        return low;
    }
}

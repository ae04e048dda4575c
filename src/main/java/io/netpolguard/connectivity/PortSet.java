package io.netpolguard.connectivity;

import io.netpolguard.netpol.Protocol;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ports per protocol: for each protocol, sorted disjoint inclusive ranges, kept as {@code [from0, to0, from1, to1, ...]}.
 * Immutable.
 */
public final class PortSet {
    public static final int MAX_PORT = 65535;
    private static final Protocol[] PROTOCOLS = Protocol.values();
    private static final int[] NONE = new int[0];
    private static final int[] EVERY_PORT = {1, MAX_PORT};
    public static final PortSet EMPTY = new PortSet(new int[][] {NONE, NONE, NONE});
    public static final PortSet ALL = new PortSet(new int[][] {EVERY_PORT, EVERY_PORT, EVERY_PORT});

    private final int[][] ranges;
    private String text;

    private PortSet(int[][] ranges) {
        this.ranges = ranges;
    }

    /** Ranges of one protocol, each {@code from, to}; they may overlap and come in any order. */
    public static PortSet of(Protocol protocol, int... fromTo) {
        Builder builder = new Builder();
        for (int i = 0; i + 1 < fromTo.length; i += 2) {
            builder.add(protocol, fromTo[i], fromTo[i + 1]);
        }
        return builder.build();
    }

    /** Parses what {@link #toString()} writes: {@code TCP 80,443-445; UDP 53}, {@code all ports} or {@code none}. */
    public static PortSet parse(String text) {
        String value = text.strip();
        if (value.equals("all ports")) {
            return ALL;
        }
        Builder builder = new Builder();
        if (value.isEmpty() || value.equals("none")) {
            return EMPTY;
        }
        for (String part : value.split(";")) {
            String[] words = part.strip().split(" ", 2);
            if (words.length != 2) {
                throw new IllegalArgumentException("'" + part.strip() + "' is not PROTOCOL PORTS");
            }
            Protocol protocol = Protocol.parse(words[0]);
            for (String range : words[1].split(",")) {
                String[] bounds = range.strip().split("-", 2);
                int from = Integer.parseInt(bounds[0].strip());
                builder.add(protocol, from, bounds.length == 2 ? Integer.parseInt(bounds[1].strip()) : from);
            }
        }
        return builder.build();
    }

    public boolean isEmpty() {
        for (int[] protocolRanges : ranges) {
            if (protocolRanges.length > 0) {
                return false;
            }
        }
        return true;
    }

    public boolean isAll() {
        return equals(ALL);
    }

    /** The inclusive ranges of one protocol, {@code from, to} pairs. */
    public int[] ranges(Protocol protocol) {
        return ranges[protocol.ordinal()].clone();
    }

    public boolean contains(Protocol protocol, int port) {
        int[] r = ranges[protocol.ordinal()];
        for (int i = 0; i < r.length; i += 2) {
            if (port >= r[i] && port <= r[i + 1]) {
                return true;
            }
        }
        return false;
    }

    public PortSet union(PortSet other) {
        if (other.isEmpty() || this == other) {
            return this;
        }
        return isEmpty() ? other : combine(other, (a, b) -> a || b);
    }

    public PortSet intersect(PortSet other) {
        if (other == ALL || this == other) {
            return this;
        }
        return this == ALL ? other : combine(other, (a, b) -> a && b);
    }

    public PortSet minus(PortSet other) {
        if (other.isEmpty()) {
            return this;
        }
        return isEmpty() ? this : combine(other, (a, b) -> a && !b);
    }

    private interface Rule {
        boolean keep(boolean inThis, boolean inOther);
    }

    private PortSet combine(PortSet other, Rule rule) {
        int[][] result = new int[PROTOCOLS.length][];
        for (int p = 0; p < PROTOCOLS.length; p++) {
            result[p] = combine(ranges[p], other.ranges[p], rule);
        }
        return new PortSet(result);
    }

    /** A sweep over the boundaries of both range lists. */
    private static int[] combine(int[] a, int[] b, Rule rule) {
        int[] cuts = new int[a.length + b.length + 2];
        int n = 0;
        for (int i = 0; i < a.length; i += 2) {
            cuts[n++] = a[i];
            cuts[n++] = a[i + 1] + 1;
        }
        for (int i = 0; i < b.length; i += 2) {
            cuts[n++] = b[i];
            cuts[n++] = b[i + 1] + 1;
        }
        cuts[n++] = 1;
        cuts[n++] = MAX_PORT + 1;
        Arrays.sort(cuts, 0, n);
        int[] out = new int[n * 2];
        int size = 0;
        int ia = 0;
        int ib = 0;
        for (int k = 0; k + 1 < n; k++) {
            int from = cuts[k];
            int to = cuts[k + 1] - 1;
            if (from > to) {
                continue;
            }
            while (ia < a.length && a[ia + 1] < from) {
                ia += 2;
            }
            while (ib < b.length && b[ib + 1] < from) {
                ib += 2;
            }
            boolean inA = ia < a.length && a[ia] <= from;
            boolean inB = ib < b.length && b[ib] <= from;
            if (rule.keep(inA, inB)) {
                if (size > 0 && out[size - 1] == from - 1) {
                    out[size - 1] = to;
                } else {
                    out[size++] = from;
                    out[size++] = to;
                }
            }
        }
        return size == 0 ? NONE : Arrays.copyOf(out, size);
    }

    /** Per protocol with any port, its ranges as text: {@code {"TCP": "80,443-445"}}. */
    public Map<String, String> byProtocol() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Protocol protocol : PROTOCOLS) {
            int[] r = ranges[protocol.ordinal()];
            if (r.length > 0) {
                out.put(protocol.name(), rangesText(r));
            }
        }
        return out;
    }

    private static String rangesText(int[] r) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < r.length; i += 2) {
            if (i > 0) {
                out.append(',');
            }
            out.append(r[i]);
            if (r[i + 1] != r[i]) {
                out.append('-').append(r[i + 1]);
            }
        }
        return out.toString();
    }

    /** {@code TCP 80,443-445; UDP 53}, {@code all ports} when every port of every protocol, {@code none} when empty. */
    @Override
    public String toString() {
        if (text == null) {
            List<String> parts = new ArrayList<>();
            byProtocol().forEach((protocol, ranges) -> parts.add(protocol + " " + ranges));
            text = isAll() ? "all ports" : isEmpty() ? "none" : String.join("; ", parts);
        }
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PortSet other && Arrays.deepEquals(ranges, other.ranges);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(ranges);
    }

    /** Collects ranges; adjacent and overlapping ones are merged. */
    public static final class Builder {
        private final List<List<int[]>> pending = new ArrayList<>();

        public Builder() {
            for (int i = 0; i < PROTOCOLS.length; i++) {
                pending.add(new ArrayList<>());
            }
        }

        public Builder add(Protocol protocol, int from, int to) {
            if (from < 1 || to > MAX_PORT || from > to) {
                throw new IllegalArgumentException("port range " + from + "-" + to + " is outside 1..65535");
            }
            pending.get(protocol.ordinal()).add(new int[] {from, to});
            return this;
        }

        public PortSet build() {
            int[][] result = new int[PROTOCOLS.length][];
            for (int p = 0; p < PROTOCOLS.length; p++) {
                List<int[]> list = pending.get(p);
                list.sort((x, y) -> Integer.compare(x[0], y[0]));
                List<Integer> out = new ArrayList<>();
                for (int[] range : list) {
                    if (!out.isEmpty() && range[0] <= out.get(out.size() - 1) + 1) {
                        out.set(out.size() - 1, Math.max(out.get(out.size() - 1), range[1]));
                    } else {
                        out.add(range[0]);
                        out.add(range[1]);
                    }
                }
                result[p] = out.isEmpty() ? NONE : out.stream().mapToInt(Integer::intValue).toArray();
            }
            PortSet built = new PortSet(result);
            return built.equals(ALL) ? ALL : built.isEmpty() ? EMPTY : built;
        }
    }
}

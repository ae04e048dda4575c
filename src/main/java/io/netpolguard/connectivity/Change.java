package io.netpolguard.connectivity;

/** One difference between two maps: a connection added, removed, or whose ports changed. */
public record Change(Kind kind, End from, End to, Link before, Link after) implements Comparable<Change> {

    public enum Kind {
        added, removed, changed
    }

    @Override
    public int compareTo(Change other) {
        int byFrom = from.compareTo(other.from);
        return byFrom != 0 ? byFrom : to.compareTo(other.to);
    }
}

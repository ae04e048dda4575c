package io.netpolguard.connectivity;

import java.util.Arrays;

/** Sets of small ints kept as sorted arrays without duplicates. */
final class IntSets {
    static final int[] EMPTY = new int[0];

    private IntSets() {
    }

    static boolean contains(int[] set, int value) {
        return Arrays.binarySearch(set, value) >= 0;
    }

    static int[] union(int[] a, int[] b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        int[] out = new int[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            int next;
            if (j >= b.length || i < a.length && a[i] < b[j]) {
                next = a[i++];
            } else if (i >= a.length || b[j] < a[i]) {
                next = b[j++];
            } else {
                next = a[i++];
                j++;
            }
            out[n++] = next;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** Sorts and removes duplicates from the first {@code size} values. */
    static int[] of(int[] values, int size) {
        if (size == 0) {
            return EMPTY;
        }
        int[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int n = 1;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] != sorted[n - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return n == sorted.length ? sorted : Arrays.copyOf(sorted, n);
    }
}

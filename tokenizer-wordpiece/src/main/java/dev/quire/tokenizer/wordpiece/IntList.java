package dev.quire.tokenizer.wordpiece;

import java.util.Arrays;

/** A growable list of ints without boxing. */
final class IntList {
    int[] a;
    int size;

    IntList() {
        this(16);
    }

    IntList(int capacity) {
        a = new int[Math.max(4, capacity)];
    }

    void add(int v) {
        if (size == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
        }
        a[size++] = v;
    }

    void addAll(int[] src, int from, int len) {
        ensure(size + len);
        System.arraycopy(src, from, a, size, len);
        size += len;
    }

    void ensure(int capacity) {
        if (capacity > a.length) {
            a = Arrays.copyOf(a, Math.max(capacity, a.length * 2));
        }
    }

    int get(int i) {
        return a[i];
    }

    int[] toArray() {
        return Arrays.copyOf(a, size);
    }
}

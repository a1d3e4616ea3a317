package dev.quire.tokenizer.bpe;

import java.util.Arrays;

/** A growable {@code int[]} without boxing. Not thread-safe. */
final class IntList {

    int[] a;
    int size;

    IntList(int capacity) {
        a = new int[Math.max(4, capacity)];
    }

    void add(int v) {
        if (size == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
        }
        a[size++] = v;
    }

    void add2(int v, int w) {
        if (size + 2 > a.length) {
            a = Arrays.copyOf(a, Math.max(a.length * 2, size + 2));
        }
        a[size] = v;
        a[size + 1] = w;
        size += 2;
    }

    int get(int i) {
        return a[i];
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    int[] toArray() {
        return Arrays.copyOf(a, size);
    }
}

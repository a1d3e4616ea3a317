package dev.quire.tokenizer.bpe;

import java.util.Arrays;

/** An open-addressing map from non-negative longs to longs, absent values read as 0. Not thread-safe. */
final class LongLongMap {

    private static final long EMPTY = -1L;

    private long[] keys;
    private long[] vals;
    private int mask;
    private int size;

    LongLongMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        vals = new long[cap];
        Arrays.fill(keys, EMPTY);
        mask = cap - 1;
    }

    private static int mix(long k) {
        k *= 0x9E3779B97F4A7C15L;
        return (int) (k ^ (k >>> 31) ^ (k >>> 47));
    }

    private int slot(long key) {
        int s = mix(key) & mask;
        while (keys[s] != EMPTY && keys[s] != key) {
            s = (s + 1) & mask;
        }
        return s;
    }

    long get(long key) {
        int s = slot(key);
        return keys[s] == key ? vals[s] : 0L;
    }

    boolean containsKey(long key) {
        return keys[slot(key)] == key;
    }

    /** The value of {@code key}, or {@code absent} when it has none. */
    long getOrDefault(long key, long absent) {
        int s = slot(key);
        return keys[s] == key ? vals[s] : absent;
    }

    void put(long key, long value) {
        int s = slot(key);
        if (keys[s] != key) {
            keys[s] = key;
            if (++size * 2 > keys.length) {
                vals[s] = value;
                grow();
                return;
            }
        }
        vals[s] = value;
    }

    /** Adds {@code delta} to the value of {@code key} (0 when absent) and returns the sum. */
    long add(long key, long delta) {
        int s = slot(key);
        if (keys[s] != key) {
            keys[s] = key;
            vals[s] = delta;
            if (++size * 2 > keys.length) {
                grow();
            }
            return delta;
        }
        return vals[s] += delta;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] ok = keys;
        long[] ov = vals;
        keys = new long[ok.length * 2];
        vals = new long[ok.length * 2];
        Arrays.fill(keys, EMPTY);
        mask = keys.length - 1;
        for (int i = 0; i < ok.length; i++) {
            if (ok[i] != EMPTY) {
                int s = slot(ok[i]);
                keys[s] = ok[i];
                vals[s] = ov[i];
            }
        }
    }

    /** Calls {@code f} for every entry (order unspecified). */
    void forEach(Entry f) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                f.accept(keys[i], vals[i]);
            }
        }
    }

    void clear() {
        Arrays.fill(keys, EMPTY);
        size = 0;
    }

    @FunctionalInterface
    interface Entry {
        void accept(long key, long value);
    }
}

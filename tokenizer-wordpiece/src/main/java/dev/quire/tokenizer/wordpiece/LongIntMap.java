package dev.quire.tokenizer.wordpiece;

import java.util.Arrays;

/** An open-addressing map from non-negative longs to ints (missing keys read as 0). */
final class LongIntMap {
    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    LongIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, -1L);
        values = new int[cap];
        mask = cap - 1;
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }

    int get(long key) {
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == -1L) {
                return 0;
            }
            i = (i + 1) & mask;
        }
    }

    void add(long key, int delta) {
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                values[i] += delta;
                return;
            }
            if (k == -1L) {
                keys[i] = key;
                values[i] = delta;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] ok = keys;
        int[] ov = values;
        keys = new long[ok.length * 2];
        Arrays.fill(keys, -1L);
        values = new int[ok.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] != -1L) {
                add(ok[j], ov[j]);
            }
        }
    }
}

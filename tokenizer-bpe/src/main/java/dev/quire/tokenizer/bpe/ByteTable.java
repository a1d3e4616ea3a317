package dev.quire.tokenizer.bpe;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An immutable map from byte strings to non-negative ints (token bytes to rank or id), built for the
 * BPE hot path: open addressing with linear probing over one {@code long[]} holding, per slot, a key
 * word and the value side by side. A key of at most 7 bytes (almost every token) is stored packed in
 * its key word together with its length, so a lookup is one 8-byte read of the caller's buffer, a
 * multiply-shift hash and, usually, one cache line. Longer keys store a 56-bit hash there and are
 * compared against a byte pool. Lookups allocate nothing. Safe for concurrent readers once built.
 */
final class ByteTable {

    /** Buffers passed to {@link #get} should have this many readable bytes after the key (else a slower path). */
    static final int SLACK = 8;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LONG_MARK = 0xFFL << 56;

    private final long[] slots;      // [2s] key word (0 = empty), [2s + 1] value
    private final int[] longStart;   // per slot, keys of 8+ bytes: start in the pool
    private final int[] longLen;     // per slot, keys of 8+ bytes: length
    private final byte[] pool;
    private final int mask;
    private final int size;

    /**
     * @param keys   distinct non-empty keys
     * @param values their values, {@code >= 0}
     * @throws IllegalArgumentException on a duplicate or empty key
     */
    ByteTable(byte[][] keys, int[] values) {
        int n = keys.length;
        long total = 0;
        for (byte[] k : keys) {
            if (k.length >= 8) {
                total += k.length;
            }
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("vocabulary too large: " + total + " bytes of tokens");
        }
        pool = new byte[(int) total];
        int cap = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
        slots = new long[2 * cap];
        longStart = new int[cap];
        longLen = new int[cap];
        mask = cap - 1;
        int at = 0;
        for (int i = 0; i < n; i++) {
            byte[] k = keys[i];
            if (k.length == 0) {
                throw new IllegalArgumentException("empty token");
            }
            long word = keyWord(k, 0, k.length);
            int s = slotOf(word) & mask;
            while (slots[2 * s] != 0) {
                if (slots[2 * s] == word && (k.length < 8 || equalLong(s, k, 0, k.length))) {
                    throw new IllegalArgumentException("duplicate token bytes " + Arrays.toString(k));
                }
                s = (s + 1) & mask;
            }
            slots[2 * s] = word;
            slots[2 * s + 1] = values[i];
            if (k.length >= 8) {
                System.arraycopy(k, 0, pool, at, k.length);
                longStart[s] = at;
                longLen[s] = k.length;
                at += k.length;
            }
        }
        size = n;
    }

    int size() {
        return size;
    }

    /** The value of {@code b[from, from + len)} ({@code len >= 1}), or -1. */
    int get(byte[] b, int from, int len) {
        long word = keyWord(b, from, len);
        int s = slotOf(word) & mask;
        long[] t = slots;
        if (len < 8) {
            while (true) {
                long w = t[2 * s];
                if (w == word) {
                    return (int) t[2 * s + 1];
                }
                if (w == 0) {
                    return -1;
                }
                s = (s + 1) & mask;
            }
        }
        while (true) {
            long w = t[2 * s];
            if (w == word && equalLong(s, b, from, len)) {
                return (int) t[2 * s + 1];
            }
            if (w == 0) {
                return -1;
            }
            s = (s + 1) & mask;
        }
    }

    /** The value of a key of at most 7 bytes given as its {@link #keyWord}, or -1. */
    int getWord(long word) {
        int s = slotOf(word) & mask;
        long[] t = slots;
        while (true) {
            long w = t[2 * s];
            if (w == word) {
                return (int) t[2 * s + 1];
            }
            if (w == 0) {
                return -1;
            }
            s = (s + 1) & mask;
        }
    }

    private boolean equalLong(int s, byte[] b, int from, int len) {
        return longLen[s] == len && Arrays.equals(pool, longStart[s], longStart[s] + len, b, from, from + len);
    }

    /** Short keys: the bytes packed little-endian with the length in the top byte. Long keys: a marked 56-bit hash. */
    static long keyWord(byte[] b, int from, int len) {
        if (len < 8) {
            long v;
            if (from + 8 <= b.length) {
                v = (long) LONG_LE.get(b, from) & ((1L << (len << 3)) - 1);
            } else {
                v = 0;
                for (int i = len - 1; i >= 0; i--) {
                    v = v << 8 | (b[from + i] & 0xFFL);
                }
            }
            return v | (long) len << 56;
        }
        return (hash(b, from, len) & ~LONG_MARK) | LONG_MARK;
    }

    static int slotOf(long word) {
        long h = word * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) ^ (int) h;
    }

    /** A 64-bit hash of {@code b[from, from + len)}, 8 bytes at a time. */
    static long hash(byte[] b, int from, int len) {
        long h = len * 0x9E3779B97F4A7C15L;
        int i = from;
        int end = from + len;
        while (end - i >= 8) {
            long w = (long) LONG_LE.get(b, i);
            h = (h ^ w) * 0xFF51AFD7ED558CCDL;
            h ^= h >>> 29;
            i += 8;
        }
        long w = 0;
        int shift = 0;
        while (i < end) {
            w |= (b[i++] & 0xFFL) << shift;
            shift += 8;
        }
        h = (h ^ w) * 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 32;
        return h * 0x9E3779B97F4A7C15L;
    }
}

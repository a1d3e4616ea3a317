package dev.quire.tokenizer.bpe;

import java.util.Arrays;

/**
 * The byte-pair merging inside one piece: start from one part per byte, repeatedly merge the adjacent
 * pair with the lowest rank (the leftmost one among equal ranks), stop when no adjacent pair has a
 * rank. That is tiktoken's {@code _byte_pair_merge} and Hugging Face's {@code Word::merge_all}; the
 * two models differ only in what the rank of a pair is:
 * <ul>
 *   <li>{@link Ranks} (tiktoken): the rank of the concatenated bytes, which is also the merged token's id;</li>
 *   <li>{@link Merges} (Hugging Face): the index of the pair in the merge list; the merged token's id
 *       comes from the list.</li>
 * </ul>
 *
 * <p>Short pieces use tiktoken's array scan (quadratic, fastest for a few dozen bytes); longer pieces
 * use a doubly linked list of parts and a binary min-heap of (rank, position) with lazy deletion, which
 * is {@code O(n log n)} and gives the same result: at every step both pick the least (rank, position)
 * among the current pairs. Huge pieces (a megabyte without a space) replace the heap by one bucket per
 * rank, emptied in rank order and, within a bucket, in position order; a merge can only create pairs
 * of other ranks, and when it creates one of a lower rank (possible in a vocabulary whose ranks are
 * not those of training) the scan steps back to it, so the order is still exactly the heap's.
 */
abstract sealed class MergeModel {

    /** Pieces up to this many bytes are merged with the array scan. */
    static final int SHORT = 48;

    /** Pieces longer than this use rank buckets instead of the binary heap. */
    static final int HUGE = 4096;

    /** Entries of the pair cache of long pieces. */
    static final int CACHE = 4096;

    /** "No merge" in a pair-info long: greater than every real (rank &lt;&lt; 32 | id). */
    static final long NONE = Long.MAX_VALUE;

    /** Pieces up to this many bytes that need merging are remembered in the per-thread piece cache. */
    static final int CACHED_PIECE = 32;

    /** Entries of the per-thread piece cache (direct-mapped). */
    static final int PIECES = 4096;

    /**
     * Scratch arrays and the piece cache of one thread: each model keeps one per thread, so models stay
     * immutable and thread-safe and nothing is shared between threads.
     */
    private final ThreadLocal<Work> work = ThreadLocal.withInitial(Work::new);

    /** This thread's scratch space for this model (not reentrant: one encode call at a time per thread). */
    final Work work() {
        return work.get();
    }

    /** Per-thread scratch arrays and piece cache. */
    static final class Work {
        final long[] pieceHash = new long[PIECES];
        final byte[][] pieceKey = new byte[PIECES][];
        final int[][] pieceIds = new int[PIECES][];
        final int[][] pieceSpans = new int[PIECES][];
        final IntList cacheIds = new IntList(16);
        final IntList cacheSpans = new IntList(32);

        int[] start = new int[64];
        int[] id = new int[64];
        long[] pair = new long[64];
        int[] next = new int[0];
        int[] prev = new int[0];
        long[] heap = new long[0];
        /** The UTF-8 bytes of the current piece. */
        byte[] bytes = new byte[256];
        /** For each byte of the piece: the UTF-16 index where its code point starts / ends (offsets only). */
        int[] charStart = new int[0];
        int[] charEnd = new int[0];
        /** Token spans of the current piece (offsets only). */
        final IntList spans = new IntList(64);

        /** Drops buffers a huge text made large, so that an idle thread does not hold megabytes. */
        void trim() {
            if (bytes.length > 1 << 16) {
                bytes = new byte[256];
                charStart = new int[0];
                charEnd = new int[0];
            }
            if (next.length > 1 << 14) {
                start = new int[64];
                id = new int[64];
                pair = new long[64];
                next = new int[0];
                prev = new int[0];
                heap = new long[0];
            }
        }

        void ensureShort(int n) {
            if (start.length < n + 1) {
                int c = Math.max(n + 1, start.length * 2);
                start = new int[c];
                id = new int[c];
                pair = new long[c];
            }
        }

        /** A small direct-mapped cache of pair lookups for long pieces (keys are ByteTable key words). */
        long[] cacheKey;
        long[] cacheVal;

        void ensureLong(int n) {
            ensureShort(n);
            if (cacheKey == null) {
                cacheKey = new long[CACHE];
                cacheVal = new long[CACHE];
            }
            if (next.length < n + 1) {
                int c = Math.max(n + 1, next.length * 2);
                next = new int[c];
                prev = new int[c];
            }
            if (heap.length < 3 * n + 4) {
                heap = new long[Math.max(3 * n + 4, heap.length * 2)];
            }
        }
    }

    /**
     * The info of merging the part {@code b[start, mid)} (id {@code left}) with {@code b[mid, end)}
     * (id {@code right}): {@code rank << 32 | mergedId}, or {@link #NONE}.
     */
    abstract long pair(byte[] b, int start, int end, int left, int right);

    /** {@link #pair} through the cache of {@code w} (allocated by {@link Work#ensureLong}). */
    long pairCached(byte[] b, int start, int end, int left, int right, Work w) {
        return pair(b, start, end, left, right);
    }

    /** An exclusive upper bound of the ranks {@link #pair} returns. */
    abstract int rankBound();

    /** The id of the single byte {@code v} (0..255), or -1 if the vocabulary has none. */
    abstract int byteId(int v);

    /** The id of the whole piece without merging, or -1 (tiktoken's shortcut; Hugging Face's {@code ignore_merges}). */
    abstract int wholePiece(byte[] b, int n);

    /**
     * Appends the ids of piece {@code b[0, n)} to {@code ids}, and when {@code spans} is not null the
     * byte span {@code [start, end)} in the piece of every token.
     */
    final void encode(byte[] b, int n, IntList ids, IntList spans, Work w) {
        if (n == 1) {
            int id = byteId(b[0] & 0xFF);
            if (id >= 0) {
                ids.add(id);
                if (spans != null) {
                    spans.add2(0, 1);
                }
            }
            return;
        }
        int whole = wholePiece(b, n);
        if (whole >= 0) {
            ids.add(whole);
            if (spans != null) {
                spans.add2(0, n);
            }
            return;
        }
        if (n <= CACHED_PIECE) {
            long h = ByteTable.hash(b, 0, n);
            int slot = (int) (h ^ (h >>> 32)) & (PIECES - 1);
            byte[] key = w.pieceKey[slot];
            if (w.pieceHash[slot] == h && key != null && key.length == n && Arrays.equals(key, 0, n, b, 0, n)) {
                for (int id : w.pieceIds[slot]) {
                    ids.add(id);
                }
                if (spans != null) {
                    for (int v : w.pieceSpans[slot]) {
                        spans.add(v);
                    }
                }
                return;
            }
            IntList ci = w.cacheIds;
            IntList cs = w.cacheSpans;
            ci.clear();
            cs.clear();
            mergeShort(b, n, ci, cs, w);
            w.pieceHash[slot] = h;
            w.pieceKey[slot] = Arrays.copyOf(b, n);
            w.pieceIds[slot] = ci.toArray();
            w.pieceSpans[slot] = cs.toArray();
            for (int i = 0; i < ci.size; i++) {
                ids.add(ci.a[i]);
            }
            if (spans != null) {
                for (int i = 0; i < cs.size; i++) {
                    spans.add(cs.a[i]);
                }
            }
        } else if (n <= SHORT) {
            mergeShort(b, n, ids, spans, w);
        } else if (n <= HUGE) {
            mergeLong(b, n, ids, spans, w);
        } else {
            mergeHuge(b, n, ids, spans, w);
        }
    }

    /** Initial parts, one per byte that has an id; returns their number. */
    private int initParts(byte[] b, int n, Work w) {
        int m = 0;
        int[] start = w.start;
        int[] id = w.id;
        for (int i = 0; i < n; i++) {
            int t = byteId(b[i] & 0xFF);
            if (t >= 0) {
                start[m] = i;
                id[m] = t;
                m++;
            }
        }
        start[m] = n;
        return m;
    }

    private void mergeShort(byte[] b, int n, IntList ids, IntList spans, Work w) {
        w.ensureShort(n);
        int m = initParts(b, n, w);
        int[] start = w.start;
        int[] id = w.id;
        long[] pair = w.pair;
        for (int i = 0; i + 1 < m; i++) {
            pair[i] = pair(b, start[i], start[i + 2], id[i], id[i + 1]);
        }
        if (m > 0) {
            pair[m - 1] = NONE;
        }
        while (m > 1) {
            long best = NONE;
            int at = -1;
            for (int i = 0; i + 1 < m; i++) {
                if (pair[i] < best) {
                    best = pair[i];
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            id[at] = (int) best;
            // Remove part at + 1.
            int tail = m - at - 2;
            System.arraycopy(start, at + 2, start, at + 1, tail + 1);
            System.arraycopy(id, at + 2, id, at + 1, tail);
            System.arraycopy(pair, at + 2, pair, at + 1, tail);
            m--;
            pair[at] = at + 1 < m ? pair(b, start[at], start[at + 2], id[at], id[at + 1]) : NONE;
            if (at > 0) {
                pair[at - 1] = pair(b, start[at - 1], start[at + 1], id[at - 1], id[at]);
            }
        }
        for (int i = 0; i < m; i++) {
            ids.add(id[i]);
            if (spans != null) {
                spans.add2(start[i], start[i + 1]);
            }
        }
    }

    private void mergeLong(byte[] b, int n, IntList ids, IntList spans, Work w) {
        w.ensureLong(n);
        int m = initParts(b, n, w);
        int[] start = w.start;
        int[] id = w.id;
        long[] pair = w.pair;
        int[] next = w.next;
        int[] prev = w.prev;
        long[] heap = w.heap;
        int hs = 0;
        for (int i = 0; i < m; i++) {
            next[i] = i + 1 < m ? i + 1 : -1;
            prev[i] = i - 1;
        }
        for (int i = 0; i + 1 < m; i++) {
            long p = pairCached(b, start[i], start[i + 2], id[i], id[i + 1], w);
            pair[i] = p;
            if (p != NONE) {
                hs = push(heap, hs, (p >>> 32) << 32 | i);
            }
        }
        if (m > 0) {
            pair[m - 1] = NONE;
        }
        while (hs > 0) {
            long top = heap[0];
            hs = pop(heap, hs);
            int i = (int) top;
            long p = pair[i];
            if (p == NONE || (p >>> 32) != (top >>> 32)) {
                continue; // stale: the part was merged away or its right neighbour changed
            }
            int j = next[i];
            id[i] = (int) p;
            int k = next[j];
            next[i] = k;
            pair[j] = NONE;
            if (k >= 0) {
                prev[k] = i;
                long q = pairCached(b, start[i], end(k, next, start, n), id[i], id[k], w);
                pair[i] = q;
                if (q != NONE) {
                    hs = push(heap, hs, (q >>> 32) << 32 | i);
                }
            } else {
                pair[i] = NONE;
            }
            int h = prev[i];
            if (h >= 0) {
                long q = pairCached(b, start[h], end(i, next, start, n), id[h], id[i], w);
                pair[h] = q;
                if (q != NONE) {
                    hs = push(heap, hs, (q >>> 32) << 32 | h);
                }
            }
        }
        for (int i = m > 0 ? 0 : -1; i >= 0; i = next[i]) {
            ids.add(id[i]);
            if (spans != null) {
                spans.add2(start[i], end(i, next, start, n));
            }
        }
    }

    private void mergeHuge(byte[] b, int n, IntList ids, IntList spans, Work w) {
        w.ensureLong(n);
        int m = initParts(b, n, w);
        int[] start = w.start;
        int[] id = w.id;
        long[] pair = w.pair;
        int[] next = w.next;
        int[] prev = w.prev;
        int bound = rankBound();
        int[] head = new int[bound];
        Arrays.fill(head, -1);
        Buckets q = new Buckets(head, 3 * m + 16);
        for (int i = 0; i < m; i++) {
            next[i] = i + 1 < m ? i + 1 : -1;
            prev[i] = i - 1;
        }
        for (int i = 0; i + 1 < m; i++) {
            long p = pairCached(b, start[i], start[i + 2], id[i], id[i + 1], w);
            pair[i] = p;
            if (p != NONE) {
                q.push((int) (p >>> 32), i);
            }
        }
        if (m > 0) {
            pair[m - 1] = NONE;
        }
        int[] batch = new int[16];
        while (true) {
            int r = q.cur;
            while (r < bound && head[r] < 0) {
                r++;
            }
            if (r >= bound) {
                break;
            }
            q.cur = r;
            int k = 0;
            for (int e = head[r]; e >= 0; e = q.link[e]) {
                if (k == batch.length) {
                    batch = Arrays.copyOf(batch, k * 2);
                }
                batch[k++] = q.pos[e];
            }
            head[r] = -1;
            Arrays.sort(batch, 0, k);
            for (int j = 0; j < k; j++) {
                int i = batch[j];
                long p = pair[i];
                if (p == NONE || (p >>> 32) != r) {
                    continue; // stale
                }
                int nx = next[i];
                id[i] = (int) p;
                int after = next[nx];
                next[i] = after;
                pair[nx] = NONE;
                if (after >= 0) {
                    prev[after] = i;
                    long t = pairCached(b, start[i], end(after, next, start, n), id[i], id[after], w);
                    pair[i] = t;
                    if (t != NONE) {
                        q.push((int) (t >>> 32), i);
                    }
                } else {
                    pair[i] = NONE;
                }
                int h = prev[i];
                if (h >= 0) {
                    long t = pairCached(b, start[h], end(i, next, start, n), id[h], id[i], w);
                    pair[h] = t;
                    if (t != NONE) {
                        q.push((int) (t >>> 32), h);
                    }
                }
                if (q.cur < r) {
                    // A pair of lower rank appeared: it goes first; the rest of this bucket waits.
                    for (int jj = j + 1; jj < k; jj++) {
                        q.push(r, batch[jj]);
                    }
                    break;
                }
            }
        }
        for (int i = m > 0 ? 0 : -1; i >= 0; i = next[i]) {
            ids.add(id[i]);
            if (spans != null) {
                spans.add2(start[i], end(i, next, start, n));
            }
        }
    }

    /** Singly linked lists of positions, one per rank, and the least rank that may be non-empty. */
    private static final class Buckets {
        final int[] head;
        int[] pos;
        int[] link;
        int size;
        int cur = Integer.MAX_VALUE;

        Buckets(int[] head, int capacity) {
            this.head = head;
            pos = new int[capacity];
            link = new int[capacity];
        }

        void push(int rank, int position) {
            if (size == pos.length) {
                pos = Arrays.copyOf(pos, size * 2);
                link = Arrays.copyOf(link, size * 2);
            }
            pos[size] = position;
            link[size] = head[rank];
            head[rank] = size++;
            if (rank < cur) {
                cur = rank;
            }
        }
    }

    private static int end(int i, int[] next, int[] start, int n) {
        int k = next[i];
        return k >= 0 ? start[k] : n;
    }

    private static int push(long[] heap, int size, long v) {
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long pv = heap[parent];
            if (pv <= v) {
                break;
            }
            heap[i] = pv;
            i = parent;
        }
        heap[i] = v;
        return size + 1;
    }

    private static int pop(long[] heap, int size) {
        int n = size - 1;
        long v = heap[n];
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) {
                break;
            }
            if (c + 1 < n && heap[c + 1] < heap[c]) {
                c++;
            }
            if (heap[c] >= v) {
                break;
            }
            heap[i] = heap[c];
            i = c;
        }
        if (n > 0) {
            heap[i] = v;
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------

    /** tiktoken: every token's bytes have a rank, which is also its id; a pair's rank is its concatenation's. */
    static final class Ranks extends MergeModel {
        final ByteTable table;
        private final int[] byteRank = new int[256];
        private final int bound;

        /** @param bound one more than the greatest rank in {@code table} */
        Ranks(ByteTable table, int bound) {
            this.table = table;
            this.bound = bound;
            byte[] one = new byte[1];
            for (int v = 0; v < 256; v++) {
                one[0] = (byte) v;
                byteRank[v] = table.get(one, 0, 1);
            }
        }

        /** The first byte value with no rank, or -1 when all 256 have one. */
        int missingByte() {
            for (int v = 0; v < 256; v++) {
                if (byteRank[v] < 0) {
                    return v;
                }
            }
            return -1;
        }

        @Override
        long pair(byte[] b, int start, int end, int left, int right) {
            int r = table.get(b, start, end - start);
            return r < 0 ? NONE : (long) r << 32 | r;
        }

        @Override
        long pairCached(byte[] b, int start, int end, int left, int right, Work w) {
            int len = end - start;
            if (len >= 8) {
                return pair(b, start, end, left, right);
            }
            long word = ByteTable.keyWord(b, start, len);
            int h = ByteTable.slotOf(word) & (CACHE - 1);
            if (w.cacheKey[h] == word) {
                return w.cacheVal[h];
            }
            int r = table.getWord(word);
            long v = r < 0 ? NONE : (long) r << 32 | r;
            w.cacheKey[h] = word;
            w.cacheVal[h] = v;
            return v;
        }

        @Override
        int rankBound() {
            return bound;
        }

        @Override
        int byteId(int v) {
            return byteRank[v];
        }

        @Override
        int wholePiece(byte[] b, int n) {
            return table.get(b, 0, n);
        }
    }

    /** Hugging Face: a list of merges, pair of ids to (rank, merged id). */
    static final class Merges extends MergeModel {
        private final long[] keys;
        private final long[] vals;
        private final int mask;
        private final int[] byteIds;
        private final ByteTable vocab; // non-null only for ignore_merges
        private final int ranks;

        /**
         * @param left    left ids, in merge order (rank = index)
         * @param right   right ids
         * @param merged  merged ids
         * @param byteIds the id of every single byte, -1 when none
         * @param vocab   all tokens by bytes when whole pieces in the vocabulary skip merging, else null
         */
        Merges(int[] left, int[] right, int[] merged, int[] byteIds, ByteTable vocab) {
            int n = left.length;
            int cap = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
            keys = new long[cap];
            vals = new long[cap];
            Arrays.fill(keys, -1L);
            mask = cap - 1;
            for (int r = 0; r < n; r++) {
                long k = (long) left[r] << 32 | (right[r] & 0xFFFFFFFFL);
                int s = mix(k) & mask;
                while (keys[s] != -1L && keys[s] != k) {
                    s = (s + 1) & mask;
                }
                // A repeated merge takes its last rank, as Hugging Face's map does when it loads the list.
                keys[s] = k;
                vals[s] = (long) r << 32 | merged[r];
            }
            this.byteIds = byteIds.clone();
            this.vocab = vocab;
            this.ranks = Math.max(1, n);
        }

        private static int mix(long k) {
            k *= 0x9E3779B97F4A7C15L;
            return (int) (k ^ (k >>> 29) ^ (k >>> 47));
        }

        long lookup(int left, int right) {
            long k = (long) left << 32 | (right & 0xFFFFFFFFL);
            int s = mix(k) & mask;
            while (true) {
                long key = keys[s];
                if (key == k) {
                    return vals[s];
                }
                if (key == -1L) {
                    return NONE;
                }
                s = (s + 1) & mask;
            }
        }

        @Override
        long pair(byte[] b, int start, int end, int left, int right) {
            return lookup(left, right);
        }

        @Override
        int rankBound() {
            return ranks;
        }

        @Override
        int byteId(int v) {
            return byteIds[v];
        }

        @Override
        int wholePiece(byte[] b, int n) {
            return vocab == null ? -1 : vocab.get(b, 0, n);
        }
    }
}

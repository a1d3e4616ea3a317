package dev.quire.tokenizer.wordpiece;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WordPiece in time linear in the word's length: the LinMaxMatch trie of Song et al., "Fast
 * WordPiece Tokenization" (EMNLP 2021), which gives exactly the tokens of greedy
 * longest-match-first, with failure links {@code f(u)} and failure pops {@code F(u)} precomputed
 * for every node, so that no character is read twice.
 *
 * <p>Two tries share one double array: the start trie holds every token as written (a word's first
 * piece is matched there), the continuation trie, whose root plays the paper's {@code r#}, holds
 * the part after the continuing-subword prefix of every token that has it. Edges are UTF-16 units,
 * remapped to a dense alphabet; a transition is {@code t = base[node] + code(c)}, valid when
 * {@code check[t] == node}.
 */
final class LinMaxMatchTrie {

    static final int START_ROOT = 0;
    static final int CONT_ROOT = 1;

    /** Alphabet code of every UTF-16 unit; 0 for units that no token contains. */
    final char[] code = new char[65536];
    final int[] base;
    final int[] check;
    /** Failure link of each node, or -1 (the paper's null). */
    final int[] fail;
    /** Failure pops of each node: {@code pops[popStart[n] .. popStart[n] + popLen[n])}. */
    final int[] popStart;
    final int[] popLen;
    final int[] pops;
    /** Units covered by token id when it is the first piece of a word / a continuation piece. */
    final int[] firstLen;
    final int[] contLen;

    /**
     * @param tokens token of each id ({@code null} for unused ids)
     * @param prefix the continuing-subword prefix, e.g. {@code "##"}
     */
    LinMaxMatchTrie(String[] tokens, String prefix) {
        // ---- 1. pointer trie
        List<Map<Character, Integer>> kids = new ArrayList<>();
        IntList tokenAt = new IntList();
        IntList depth = new IntList();
        kids.add(new HashMap<>());
        tokenAt.add(-1);
        depth.add(0);
        kids.add(new HashMap<>());
        tokenAt.add(-1);
        depth.add(0);
        firstLen = new int[tokens.length];
        contLen = new int[tokens.length];
        int alphabet = 0;
        for (int id = 0; id < tokens.length; id++) {
            String t = tokens[id];
            contLen[id] = -1;
            if (t == null || t.isEmpty()) {
                continue;
            }
            firstLen[id] = t.length();
            for (int pass = 0; pass < 2; pass++) {
                int root;
                int from;
                if (pass == 0) {
                    root = START_ROOT;
                    from = 0;
                } else {
                    if (prefix.isEmpty() || !t.startsWith(prefix) || t.length() == prefix.length()) {
                        continue;
                    }
                    root = CONT_ROOT;
                    from = prefix.length();
                    contLen[id] = t.length() - from;
                }
                int node = root;
                for (int i = from; i < t.length(); i++) {
                    char c = t.charAt(i);
                    if (code[c] == 0) {
                        code[c] = (char) ++alphabet;
                    }
                    Integer next = kids.get(node).get(c);
                    if (next == null) {
                        next = kids.size();
                        kids.add(new HashMap<>(4));
                        tokenAt.add(-1);
                        depth.add(depth.get(node) + 1);
                        kids.get(node).put(c, next);
                    }
                    node = next;
                }
                if (tokenAt.get(node) < 0) {
                    tokenAt.a[node] = id;
                }
            }
        }
        int n = kids.size();

        // ---- 2. failure links and pops (continuation trie first: start-trie links point into it)
        int[] pFail = new int[n];
        int[] pPopStart = new int[n];
        int[] pPopLen = new int[n];
        IntList pool = new IntList(n * 2);
        pFail[START_ROOT] = -1;
        pFail[CONT_ROOT] = -1;
        for (int root : new int[] {CONT_ROOT, START_ROOT}) {
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            queue.add(root);
            while (!queue.isEmpty()) {
                int v = queue.poll();
                for (Map.Entry<Character, Integer> e : kids.get(v).entrySet()) {
                    char c = e.getKey();
                    int u = e.getValue();
                    queue.add(u);
                    if (tokenAt.get(u) >= 0) {
                        pFail[u] = CONT_ROOT;
                        pPopStart[u] = pool.size;
                        pPopLen[u] = 1;
                        pool.add(tokenAt.get(u));
                        continue;
                    }
                    int z = pFail[v];
                    int zStartMark = pool.size;
                    // F(u) = F(v) + Z: copy F(v) first, then append the pops met while following links
                    pool.addAll(pool.a, pPopStart[v], pPopLen[v]);
                    while (z != -1 && !kids.get(z).containsKey(c)) {
                        pool.addAll(pool.a, pPopStart[z], pPopLen[z]);
                        z = pFail[z];
                    }
                    if (z != -1) {
                        pFail[u] = kids.get(z).get(c);
                        pPopStart[u] = zStartMark;
                        pPopLen[u] = pool.size - zStartMark;
                    } else {
                        pool.size = zStartMark;
                        pFail[u] = -1;
                        pPopStart[u] = 0;
                        pPopLen[u] = 0;
                    }
                }
            }
        }

        // ---- 3. double array
        int[] index = new int[n];
        Arrays.fill(index, -1);
        index[START_ROOT] = START_ROOT;
        index[CONT_ROOT] = CONT_ROOT;
        int cap = Math.max(1024, n * 2 + alphabet + 2);
        int[] b = new int[cap];
        int[] chk = new int[cap];
        Arrays.fill(chk, -1);
        chk[START_ROOT] = -2;
        chk[CONT_ROOT] = -2;
        int nextFree = 2;
        int maxIndex = 1;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(START_ROOT);
        queue.add(CONT_ROOT);
        while (!queue.isEmpty()) {
            int v = queue.poll();
            Map<Character, Integer> ch = kids.get(v);
            if (ch.isEmpty()) {
                continue;
            }
            int[] codes = new int[ch.size()];
            int k = 0;
            for (char c : ch.keySet()) {
                codes[k++] = code[c];
            }
            Arrays.sort(codes);
            while (nextFree < chk.length && chk[nextFree] != -1) {
                nextFree++;
            }
            // first fit for the first child's slot; a stretch that turns out almost full is
            // skipped by later searches (the usual double-array heuristic), keeping the build linear
            int scanStart = Math.max(nextFree, codes[0] + 1);
            int pos = scanStart - 1;
            int occupied = 0;
            int bv;
            while (true) {
                pos++;
                bv = pos - codes[0];
                int need = bv + codes[codes.length - 1] + alphabet + 2;
                if (need >= chk.length) {
                    int newCap = Math.max(need + 1, chk.length * 2);
                    b = Arrays.copyOf(b, newCap);
                    int old = chk.length;
                    chk = Arrays.copyOf(chk, newCap);
                    Arrays.fill(chk, old, newCap, -1);
                }
                if (chk[pos] != -1) {
                    occupied++;
                    continue;
                }
                boolean fits = true;
                for (int j = 1; j < codes.length; j++) {
                    if (chk[bv + codes[j]] != -1) {
                        fits = false;
                        break;
                    }
                }
                if (fits) {
                    break;
                }
            }
            if (pos - scanStart > 16 && occupied * 20 >= (pos - scanStart) * 19) {
                nextFree = pos;
            }
            int vi = index[v];
            b[vi] = bv;
            for (Map.Entry<Character, Integer> e : ch.entrySet()) {
                int slot = bv + code[e.getKey()];
                chk[slot] = vi;
                index[e.getValue()] = slot;
                maxIndex = Math.max(maxIndex, slot);
                queue.add(e.getValue());
            }
        }
        int size = maxIndex + alphabet + 2;
        base = Arrays.copyOf(b, size);
        check = Arrays.copyOf(chk, size);
        for (int i = 0; i < size; i++) {
            if (check[i] == -2) {
                check[i] = -1;
            }
        }
        fail = new int[size];
        popStart = new int[size];
        popLen = new int[size];
        Arrays.fill(fail, -1);
        for (int v = 0; v < n; v++) {
            int vi = index[v];
            fail[vi] = pFail[v] < 0 ? -1 : index[pFail[v]];
            popStart[vi] = pPopStart[v];
            popLen[vi] = pPopLen[v];
        }
        pops = pool.toArray();
    }

    /**
     * Tokenizes the word {@code buf[from, to)}, appending token ids to {@code ids} and, when
     * {@code starts} is not null, each token's span of units to {@code starts}/{@code ends}.
     *
     * @return false if the word cannot be covered by the vocabulary (nothing appended)
     */
    boolean match(char[] buf, int from, int to, IntList ids, IntList starts, IntList ends) {
        final char[] code = this.code;
        final int[] base = this.base;
        final int[] check = this.check;
        final int[] fail = this.fail;
        int mark = ids.size;
        int offMark = starts == null ? 0 : starts.size;
        int node = START_ROOT;
        int pos = from;
        boolean first = true;
        for (int i = from; i < to; i++) {
            int k = code[buf[i]];
            if (k == 0) {
                return reset(ids, starts, ends, mark, offMark);
            }
            while (true) {
                int t = base[node] + k;
                if (check[t] == node) {
                    node = t;
                    break;
                }
                int f = fail[node];
                if (f < 0) {
                    return reset(ids, starts, ends, mark, offMark);
                }
                pos = emit(node, ids, starts, ends, pos, first);
                first = false;
                node = f;
            }
        }
        while (node != CONT_ROOT) {
            int f = fail[node];
            if (f < 0) {
                return reset(ids, starts, ends, mark, offMark);
            }
            pos = emit(node, ids, starts, ends, pos, first);
            first = false;
            node = f;
        }
        return true;
    }

    private static boolean reset(IntList ids, IntList starts, IntList ends, int mark, int offMark) {
        ids.size = mark;
        if (starts != null) {
            starts.size = offMark;
            ends.size = offMark;
        }
        return false;
    }

    private int emit(int node, IntList ids, IntList starts, IntList ends, int pos, boolean first) {
        int s = popStart[node];
        int len = popLen[node];
        ids.addAll(pops, s, len);
        if (starts != null) {
            for (int j = 0; j < len; j++) {
                int id = pops[s + j];
                int w = first && j == 0 ? firstLen[id] : contLen[id];
                starts.add(pos);
                pos += w;
                ends.add(pos);
            }
        }
        return pos;
    }
}

package dev.quire.tokenizer.bpe;

import dev.quire.api.ProgressListener;
import dev.quire.api.TokenizerTrainer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Learns a byte-level BPE vocabulary with the semantics of Hugging Face's {@code BpeTrainer} behind a
 * {@code ByteLevel(add_prefix_space=False)} pre-tokenizer, so that the same corpus and settings give
 * the same vocabulary, ids and merge list as {@code tokenizers}:
 * <ol>
 *   <li>each document is cut into pieces by the GPT-2 rule and every piece counted (only these word
 *       counts are kept, never the text, so memory is bounded by the number of distinct words);</li>
 *   <li>ids: the special tokens first, in the order given, then the alphabet (the bytes seen, plus all
 *       256 with the initial byte-level alphabet) in the code-point order of their byte-level
 *       characters;</li>
 *   <li>repeatedly the most frequent adjacent pair is merged into a new token (ties: the pair with the
 *       smaller left id, then the smaller right id), the counts of neighbouring pairs updated in every
 *       word holding it, until the vocabulary has {@code vocabSize} entries, no pair is left, or the best
 *       pair is rarer than {@code minFrequency}.</li>
 * </ol>
 * Stale queue entries are re-queued with their current count, exactly as the Rust implementation does,
 * which matters for its tie-breaking.
 *
 * <p>Hugging Face's {@code train(files)} feeds a file line by line, each line with its end-of-line
 * characters; {@link #trainFiles} does the same. Instances hold only settings and are thread-safe.
 *
 * <p><b>Stability:</b> stable.
 */
public final class BpeTrainer implements TokenizerTrainer {

    private final int vocabSize;
    private final long minFrequency;
    private final List<String> specialTokens;
    private final boolean initialAlphabet;

    /**
     * @param vocabSize       the size to reach, special tokens and alphabet included
     * @param minFrequency    pairs seen fewer times are not merged ({@code BpeTrainer(min_frequency)})
     * @param specialTokens   special tokens, given the first ids and registered as added tokens
     * @param initialAlphabet whether all 256 byte-level characters are in the vocabulary even when not
     *                        seen ({@code initial_alphabet=ByteLevel.alphabet()}); otherwise only bytes seen
     * @throws IllegalArgumentException on a negative size or frequency, or an empty or repeated special token
     */
    public BpeTrainer(int vocabSize, long minFrequency, List<String> specialTokens, boolean initialAlphabet) {
        if (vocabSize < 0) {
            throw new IllegalArgumentException("bpe option 'vocabSize' must be >= 0, got " + vocabSize);
        }
        if (minFrequency < 0) {
            throw new IllegalArgumentException("bpe option 'minFrequency' must be >= 0, got " + minFrequency);
        }
        for (int i = 0; i < specialTokens.size(); i++) {
            String s = specialTokens.get(i);
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("bpe option 'specialTokens' has an empty token at index " + i);
            }
            if (specialTokens.indexOf(s) != i) {
                throw new IllegalArgumentException("bpe option 'specialTokens' repeats '" + s + "'");
            }
        }
        this.vocabSize = vocabSize;
        this.minFrequency = minFrequency;
        this.specialTokens = List.copyOf(specialTokens);
        this.initialAlphabet = initialAlphabet;
    }

    /** With the full byte-level initial alphabet. */
    public BpeTrainer(int vocabSize, long minFrequency, List<String> specialTokens) {
        this(vocabSize, minFrequency, specialTokens, true);
    }

    /**
     * Trains on {@code documents}, each pre-tokenized as one sequence.
     *
     * @throws IllegalArgumentException if the result would have no tokens at all
     */
    @Override
    public BpeTokenizer train(Iterator<String> documents, ProgressListener progress) {
        WordCounter counter = new WordCounter();
        long n = 0;
        while (documents.hasNext()) {
            counter.add(documents.next());
            if ((++n & 0x3FFF) == 0) {
                progress.update(n, -1, "counting words: " + n + " sequences, " + counter.size() + " distinct words");
            }
        }
        progress.update(n, n, "counted " + counter.size() + " distinct words in " + n + " sequences");
        return learn(counter, progress);
    }

    /** Trains on text files read line by line, each line with its line ending, as {@code tokenizers}' {@code train(files)}. */
    public BpeTokenizer trainFiles(List<Path> files, ProgressListener progress) throws IOException {
        WordCounter counter = new WordCounter();
        long bytes = 0;
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        for (Path f : files) {
            Iterator<String> it = lines(f);
            while (it.hasNext()) {
                String line = it.next();
                counter.add(line);
                bytes += line.length();
                if ((counter.sequences & 0x3FFF) == 0) {
                    progress.update(Math.min(bytes, total), total, "counting words: " + counter.size() + " distinct");
                }
            }
        }
        progress.update(total, total, "counted " + counter.size() + " distinct words");
        return learn(counter, progress);
    }

    /**
     * The lines of a UTF-8 text file, each with its line ending ({@code \n}, {@code \r\n} or a lone
     * {@code \r}... only {@code \n} ends a line, as in Rust's {@code BufRead}), read lazily.
     */
    public static Iterator<String> lines(Path file) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), 1 << 16);
        return new Iterator<>() {
            private String next = read();

            private String read() {
                try {
                    StringBuilder sb = null;
                    int c;
                    while ((c = r.read()) >= 0) {
                        if (sb == null) {
                            sb = new StringBuilder(80);
                        }
                        sb.append((char) c);
                        if (c == '\n') {
                            break;
                        }
                    }
                    if (sb == null) {
                        r.close();
                        return null;
                    }
                    return sb.toString();
                } catch (IOException e) {
                    throw new UncheckedIOException(file + ": " + e.getMessage(), e);
                }
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public String next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                String s = next;
                next = read();
                return s;
            }
        };
    }

    /** Counts the pieces of sequences: the only thing training keeps of the corpus. */
    static final class WordCounter {
        final HashMap<String, long[]> counts = new HashMap<>(1 << 16);
        long sequences;

        void add(String sequence) {
            sequences++;
            String t = BpeTokenizer.withoutLoneSurrogates(sequence);
            char[] s = t.toCharArray();
            int p = 0;
            while (p < s.length) {
                int e = PreTokenizer.R50K_BASE.next(s, p, s.length);
                String w = t.substring(p, e);
                long[] c = counts.get(w);
                if (c == null) {
                    counts.put(w, new long[] {1});
                } else {
                    c[0]++;
                }
                p = e;
            }
        }

        int size() {
            return counts.size();
        }
    }

    /**
     * The merge queue: a binary max-heap of (count, pair, words) in parallel arrays, so that comparisons
     * touch no objects. Greater means a higher count, then a smaller pair (left id, then right id), the
     * order of {@code tokenizers}' {@code Merge}.
     */
    private static final class Queue {
        long[] count = new long[1024];
        long[] pair = new long[1024];
        int[][] words = new int[1024][];
        int size;

        boolean isEmpty() {
            return size == 0;
        }

        private boolean above(long c1, long p1, int j) {
            return c1 != count[j] ? c1 > count[j] : p1 < pair[j];
        }

        void push(long c, long p, int[] w) {
            if (size == count.length) {
                count = Arrays.copyOf(count, size * 2);
                pair = Arrays.copyOf(pair, size * 2);
                words = Arrays.copyOf(words, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!above(c, p, parent)) {
                    break;
                }
                count[i] = count[parent];
                pair[i] = pair[parent];
                words[i] = words[parent];
                i = parent;
            }
            count[i] = c;
            pair[i] = p;
            words[i] = w;
        }

        /** Removes the top; read it first from index 0. */
        void pop() {
            int n = --size;
            long c = count[n];
            long p = pair[n];
            int[] w = words[n];
            words[n] = null;
            if (n == 0) {
                return;
            }
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= n) {
                    break;
                }
                if (child + 1 < n && above(count[child + 1], pair[child + 1], child)) {
                    child++;
                }
                boolean childAbove = count[child] != c ? count[child] > c : pair[child] < p;
                if (!childAbove) {
                    break;
                }
                count[i] = count[child];
                pair[i] = pair[child];
                words[i] = words[child];
                i = child;
            }
            count[i] = c;
            pair[i] = p;
            words[i] = w;
        }
    }

    private BpeTokenizer learn(WordCounter counter, ProgressListener progress) {
        // 1. Special tokens.
        List<String> idToWord = new ArrayList<>();
        Map<String, Integer> wordToId = new HashMap<>();
        for (String s : specialTokens) {
            wordToId.put(s, idToWord.size());
            idToWord.add(s);
        }
        // 2. Alphabet: the bytes seen (and all of them with the initial alphabet), by character.
        boolean[] present = new boolean[256];
        int nWords = counter.counts.size();
        byte[][] wordBytes = new byte[nWords][];
        long[] counts = new long[nWords];
        int wi = 0;
        for (Map.Entry<String, long[]> e : counter.counts.entrySet()) {
            byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
            wordBytes[wi] = b;
            counts[wi++] = e.getValue()[0];
            for (byte x : b) {
                present[x & 0xFF] = true;
            }
        }
        counter.counts.clear();
        if (initialAlphabet) {
            Arrays.fill(present, true);
        }
        int[] byteId = new int[256];
        Arrays.fill(byteId, -1);
        for (char c : ByteLevel.alphabet()) {
            int b = ByteLevel.byteOf(c);
            if (present[b]) {
                String s = String.valueOf(c);
                Integer existing = wordToId.get(s);
                if (existing == null) {
                    existing = idToWord.size();
                    wordToId.put(s, existing);
                    idToWord.add(s);
                }
                byteId[b] = existing;
            }
        }
        // 3. Words as symbol ids.
        int[][] sym = new int[nWords][];
        int[] len = new int[nWords];
        for (int i = 0; i < nWords; i++) {
            byte[] b = wordBytes[i];
            int[] w = new int[b.length];
            for (int j = 0; j < b.length; j++) {
                w[j] = byteId[b[j] & 0xFF];
            }
            sym[i] = w;
            len[i] = b.length;
            wordBytes[i] = null;
        }
        // 4. Pair counts and where each pair occurs.
        LongLongMap pairCounts = new LongLongMap(1 << 16);
        LongLongMap whereIndex = new LongLongMap(1 << 16);
        List<IntList> where = new ArrayList<>();
        for (int i = 0; i < nWords; i++) {
            int[] w = sym[i];
            for (int j = 0; j + 1 < len[i]; j++) {
                long pair = key(w[j], w[j + 1]);
                pairCounts.add(pair, counts[i]);
                addWhere(whereIndex, where, pair, i);
            }
        }
        Queue queue = new Queue();
        whereIndex.forEach((pair, idx) -> {
            long c = pairCounts.get(pair);
            if (c > 0) {
                queue.push(c, pair, where.get((int) idx).toArray());
            }
        });
        where.clear();
        progress.update(idToWord.size(), vocabSize, "merging: " + queue.size + " pairs");

        // 5. Merges.
        IntList mergeLeft = new IntList(Math.max(16, vocabSize));
        IntList mergeRight = new IntList(Math.max(16, vocabSize));
        long lastReport = System.nanoTime();
        while (idToWord.size() < vocabSize && !queue.isEmpty()) {
            long topCount = queue.count[0];
            long topPair = queue.pair[0];
            int[] topWords = queue.words[0];
            queue.pop();
            long current = pairCounts.get(topPair);
            if (topCount != current) {
                queue.push(current, topPair, topWords);
                continue;
            }
            if (topCount < 1 || minFrequency > topCount) {
                break;
            }
            int a = (int) (topPair >>> 32);
            int b = (int) topPair;
            String merged = idToWord.get(a) + idToWord.get(b);
            Integer newId = wordToId.get(merged);
            if (newId == null) {
                newId = idToWord.size();
                wordToId.put(merged, newId);
                idToWord.add(merged);
            }
            mergeLeft.add(a);
            mergeRight.add(b);
            int rep = newId;
            LongLongMap changed = new LongLongMap(16);
            for (int i : topWords) {
                merge(sym[i], len, i, a, b, rep, counts[i], pairCounts, changed, where);
            }
            changed.forEach((pair, idx) -> {
                long c = pairCounts.get(pair);
                if (c > 0) {
                    queue.push(c, pair, where.get((int) idx).toArray());
                }
            });
            where.clear();
            long now = System.nanoTime();
            if (now - lastReport > 200_000_000L) {
                lastReport = now;
                progress.update(idToWord.size(), vocabSize, mergeLeft.size() + " merges");
            }
        }
        progress.update(idToWord.size(), vocabSize, mergeLeft.size() + " merges, vocabulary " + idToWord.size());
        if (idToWord.isEmpty()) {
            throw new IllegalArgumentException("the corpus and settings give an empty vocabulary");
        }
        return build(idToWord, mergeLeft.toArray(), mergeRight.toArray());
    }

    private static long key(int a, int b) {
        return (long) a << 32 | (b & 0xFFFFFFFFL);
    }

    private static void addWhere(LongLongMap whereIndex, List<IntList> where, long pair, int word) {
        long idx = whereIndex.getOrDefault(pair, -1);
        IntList l;
        if (idx < 0) {
            l = new IntList(4);
            whereIndex.put(pair, where.size());
            where.add(l);
        } else {
            l = where.get((int) idx);
        }
        if (l.size == 0 || l.a[l.size - 1] != word) {
            l.add(word);
        }
    }

    /** Merges every (a, b) in word {@code wi}, left to right, as {@code Word::merge}, and records the pair count changes. */
    private static void merge(int[] w, int[] len, int wi, int a, int b, int rep, long count,
                              LongLongMap pairCounts, LongLongMap whereIndex, List<IntList> where) {
        int n = len[wi];
        int i = 0;
        while (i < n) {
            if (w[i] == a && i + 1 < n && w[i + 1] == b) {
                if (i > 0) {
                    pairCounts.add(key(w[i - 1], a), -count);
                    long np = key(w[i - 1], rep);
                    pairCounts.add(np, count);
                    addWhere(whereIndex, where, np, wi);
                }
                w[i] = rep;
                System.arraycopy(w, i + 2, w, i + 1, n - i - 2);
                n--;
                if (i < n - 1) {
                    pairCounts.add(key(b, w[i + 1]), -count);
                    long np = key(rep, w[i + 1]);
                    pairCounts.add(np, count);
                    addWhere(whereIndex, where, np, wi);
                }
            }
            i++;
        }
        len[wi] = n;
    }

    private BpeTokenizer build(List<String> idToWord, int[] left, int[] right) {
        String[] vocab = idToWord.toArray(new String[0]);
        Map<String, Integer> specials = new LinkedHashMap<>();
        List<HfConfig.AddedToken> added = new ArrayList<>();
        for (int i = 0; i < specialTokens.size(); i++) {
            specials.put(specialTokens.get(i), i);
            added.add(new HfConfig.AddedToken(i, specialTokens.get(i), false, false, false, false, true));
        }
        byte[][] tokenBytes = new byte[vocab.length][];
        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < vocab.length; id++) {
            tokenBytes[id] = HfTokenizerJson.spelledBytes(vocab[id]);
            ids.put(vocab[id], id);
        }
        int[] merged = new int[left.length];
        for (int r = 0; r < left.length; r++) {
            merged[r] = ids.get(vocab[left[r]] + vocab[right[r]]);
        }
        int[] byteIds = new int[256];
        for (int v = 0; v < 256; v++) {
            Integer id = ids.get(String.valueOf(ByteLevel.charOf(v)));
            byteIds[v] = id == null ? -1 : id;
        }
        HfConfig cfg = new HfConfig(vocab, left, right, List.copyOf(added), false, true, true, false, null, false,
                HfConfig.defaultExtra());
        return new BpeTokenizer("", PreTokenizer.R50K_BASE, new MergeModel.Merges(left, right, merged, byteIds, null),
                tokenBytes, specials, cfg);
    }
}

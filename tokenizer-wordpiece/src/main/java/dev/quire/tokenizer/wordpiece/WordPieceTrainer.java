package dev.quire.tokenizer.wordpiece;

import dev.quire.api.ProgressListener;
import dev.quire.api.TokenizerTrainer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Learns a WordPiece vocabulary with the semantics of Hugging Face's {@code WordPieceTrainer}, which
 * runs its BPE trainer with the continuing-subword prefix and keeps the resulting vocabulary:
 * <ol>
 *   <li>the special tokens, in the order given;</li>
 *   <li>the alphabet: every character of the (normalized, pre-tokenized) words, optionally limited
 *       to the {@code limitAlphabet} most frequent ones plus the initial alphabet, in code-point
 *       order;</li>
 *   <li>every character that occurs after the first position of a word, with the prefix
 *       ({@code ##e});</li>
 *   <li>merges of the most frequent adjacent pair (ties: the pair of smaller ids), counted over
 *       word counts, until the vocabulary has {@code vocabSize} tokens or no pair occurs
 *       {@code minFrequency} times; merging {@code a} with {@code ##b} gives {@code ab}.</li>
 * </ol>
 * Only word counts are kept in memory, never the text.
 *
 * <p>Hugging Face gives the prefixed characters of step 3 their ids in the iteration order of a
 * randomly seeded hash map, so its own runs differ from each other in those ids and, through the
 * tie-break on ids, occasionally in the order (and at the vocabulary's edge the choice) of equally
 * frequent merges. This trainer orders them by code point, unless {@link Config#symbolOrder()}
 * gives an order, which reproduces a given Hugging Face run exactly.
 */
public final class WordPieceTrainer implements TokenizerTrainer {

    /**
     * Training settings, named as in Hugging Face.
     *
     * @param vocabSize               the target vocabulary size, special tokens included
     * @param minFrequency            pairs seen fewer times are not merged
     * @param specialTokens           added first, in order; must include {@code [UNK]}
     * @param limitAlphabet           keep at most this many characters (0: no limit)
     * @param initialAlphabet         characters always in the alphabet (the first code point of each string)
     * @param continuingSubwordPrefix the prefix of non-initial pieces ({@code ##})
     * @param maxTokenLength          merged tokens longer than this (in characters) are not formed (0: no limit)
     * @param lowercase               the {@link BertNormalizer}'s {@code lowercase}
     * @param symbolOrder             optional order in which prefixed characters get their ids (see above)
     */
    public record Config(int vocabSize, long minFrequency, List<String> specialTokens, int limitAlphabet,
                         List<String> initialAlphabet, String continuingSubwordPrefix, int maxTokenLength,
                         boolean lowercase, List<String> symbolOrder) {

        public Config {
            if (vocabSize < 1) {
                throw new IllegalArgumentException("vocabSize must be >= 1, got " + vocabSize);
            }
            if (minFrequency < 0) {
                throw new IllegalArgumentException("minFrequency must be >= 0, got " + minFrequency);
            }
            if (limitAlphabet < 0) {
                throw new IllegalArgumentException("limitAlphabet must be >= 0 (0: no limit), got " + limitAlphabet);
            }
            if (maxTokenLength < 0) {
                throw new IllegalArgumentException("maxTokenLength must be >= 0 (0: no limit), got " + maxTokenLength);
            }
            specialTokens = List.copyOf(specialTokens);
            initialAlphabet = List.copyOf(initialAlphabet);
            symbolOrder = List.copyOf(symbolOrder);
            if (continuingSubwordPrefix == null) {
                throw new IllegalArgumentException("continuingSubwordPrefix must not be null");
            }
            for (String s : specialTokens) {
                if (s == null || s.isEmpty()) {
                    throw new IllegalArgumentException("special tokens must be non-empty strings");
                }
            }
        }

        /** BERT's usual settings: {@code [PAD] [UNK] [CLS] [SEP] [MASK]}, {@code ##}, lower-casing. */
        public static Config bert(int vocabSize, long minFrequency) {
            return new Config(vocabSize, minFrequency, List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"), 0,
                    List.of(), "##", 0, true, List.of());
        }

        /** These settings with {@link #symbolOrder()} set. */
        public Config withSymbolOrder(List<String> order) {
            return new Config(vocabSize, minFrequency, specialTokens, limitAlphabet, initialAlphabet,
                    continuingSubwordPrefix, maxTokenLength, lowercase, order);
        }
    }

    private final Config config;

    public WordPieceTrainer(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /** Counts the words of {@code documents} (normalized and pre-tokenized as BERT does). */
    public Map<String, Long> countWords(Iterator<String> documents, ProgressListener progress) {
        FastBertEncoder splitter = new FastBertEncoder(BertNormalizer.of(config.lowercase()));
        HashMap<String, long[]> counts = new HashMap<>();
        long docs = 0;
        long chars = 0;
        FastBertEncoder.WordSink sink = (buf, len) -> {
            String w = new String(buf, 0, len);
            long[] c = counts.get(w);
            if (c == null) {
                counts.put(w, new long[] {1});
            } else {
                c[0]++;
            }
        };
        while (documents.hasNext()) {
            String doc = documents.next();
            splitter.forEachWord(doc, 0, doc.length(), sink);
            docs++;
            chars += doc.length();
            if (docs % 1024 == 0) {
                progress.update(docs, -1, "counting words: " + counts.size() + " distinct, " + (chars >> 20) + " MiB");
            }
        }
        progress.update(docs, docs, "counted " + counts.size() + " distinct words");
        Map<String, Long> out = new HashMap<>(counts.size() * 2);
        counts.forEach((w, c) -> out.put(w, c[0]));
        return out;
    }

    @Override
    public WordPieceTokenizer train(Iterator<String> documents, ProgressListener progress) {
        Map<String, Long> counts = countWords(documents, progress == null ? ProgressListener.NONE : progress);
        if (counts.isEmpty()) {
            throw new IllegalArgumentException("the corpus has no words to learn a vocabulary from");
        }
        return train(counts, progress == null ? ProgressListener.NONE : progress);
    }

    /** Trains on word counts (words already normalized and pre-tokenized). */
    public WordPieceTokenizer train(Map<String, Long> wordCounts, ProgressListener progress) {
        List<String> vocab = learnVocabulary(wordCounts, progress);
        Map<String, Integer> map = new LinkedHashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            map.put(vocab.get(i), i);
        }
        if (!map.containsKey("[UNK]")) {
            throw new IllegalArgumentException("the special tokens must include [UNK] (the token of words the vocabulary cannot cover)");
        }
        WordPiece model = new WordPiece(map, "[UNK]", config.continuingSubwordPrefix(), WordPiece.DEFAULT_MAX_INPUT_CHARS_PER_WORD);
        List<AddedToken> added = new ArrayList<>();
        for (String s : config.specialTokens()) {
            AddedToken t = AddedToken.special(map.get(s), s);
            if (added.stream().noneMatch(a -> a.id() == t.id())) {
                added.add(t);
            }
        }
        int cls = model.id("[CLS]");
        int sep = model.id("[SEP]");
        PostProcessor post = cls >= 0 && sep >= 0 ? TemplateProcessing.bert("[CLS]", cls, "[SEP]", sep) : PostProcessor.NONE;
        return new WordPieceTokenizer(BertNormalizer.of(config.lowercase()), BertPreTokenizer.INSTANCE, model, post,
                new WordPieceDecoder(config.continuingSubwordPrefix(), true), added, null, null);
    }

    // ---------------------------------------------------------------- BPE with the prefix

    private record Merge(long pair, long count, int[] pos) {
    }

    private static final Comparator<Merge> ORDER = (x, y) -> {
        if (x.count != y.count) {
            return Long.compare(y.count, x.count);
        }
        return Long.compare(x.pair, y.pair);
    };

    private static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    /** The vocabulary, token of id i at index i. */
    List<String> learnVocabulary(Map<String, Long> wordCounts, ProgressListener progress) {
        final String prefix = config.continuingSubwordPrefix();
        final int maxLen = config.maxTokenLength() == 0 ? Integer.MAX_VALUE : config.maxTokenLength();
        List<String> idToWord = new ArrayList<>(config.vocabSize());
        Map<String, Integer> wordToId = new HashMap<>(config.vocabSize() * 2);

        // 1. special tokens
        for (String s : config.specialTokens()) {
            if (!wordToId.containsKey(s)) {
                wordToId.put(s, idToWord.size());
                idToWord.add(s);
            }
        }

        // 2. alphabet
        Map<Integer, Long> alphabet = new HashMap<>();
        for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
            String w = e.getKey();
            long c = e.getValue();
            for (int i = 0; i < w.length(); ) {
                int cp = w.codePointAt(i);
                alphabet.merge(cp, c, Long::sum);
                i += Character.charCount(cp);
            }
        }
        for (String s : config.initialAlphabet()) {
            if (!s.isEmpty()) {
                alphabet.put(s.codePointAt(0), Long.MAX_VALUE);
            }
        }
        List<Map.Entry<Integer, Long>> kept = new ArrayList<>(alphabet.entrySet());
        int limit = config.limitAlphabet();
        if (limit > 0 && alphabet.size() > limit) {
            kept.sort(Map.Entry.<Integer, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
            kept = new ArrayList<>(kept.subList(alphabet.size() - limit, kept.size()));
        }
        kept.sort(Map.Entry.comparingByKey());
        for (Map.Entry<Integer, Long> e : kept) {
            String s = Character.toString(e.getKey());
            if (!wordToId.containsKey(s)) {
                wordToId.put(s, idToWord.size());
                idToWord.add(s);
            }
        }

        // 3. prefixed characters (ids: symbolOrder first, then code-point order), then the words
        java.util.TreeSet<Integer> continuation = new java.util.TreeSet<>();
        for (String w : wordCounts.keySet()) {
            boolean first = true;
            for (int i = 0; i < w.length(); ) {
                int cp = w.codePointAt(i);
                i += Character.charCount(cp);
                if (!first && wordToId.containsKey(Character.toString(cp))) {
                    continuation.add(cp);
                }
                first = false;
            }
        }
        List<String> contTokens = new ArrayList<>();
        java.util.Set<String> pending = new java.util.HashSet<>();
        for (int cp : continuation) {
            pending.add(prefix + Character.toString(cp));
        }
        for (String s : config.symbolOrder()) {
            if (pending.remove(s)) {
                contTokens.add(s);
            }
        }
        for (int cp : continuation) {
            String s = prefix + Character.toString(cp);
            if (pending.remove(s)) {
                contTokens.add(s);
            }
        }
        for (String s : contTokens) {
            if (!wordToId.containsKey(s)) {
                wordToId.put(s, idToWord.size());
                idToWord.add(s);
            }
        }
        int nWords = wordCounts.size();
        int[][] syms = new int[nWords][];
        int[][] lens = new int[nWords][];
        int[] sizes = new int[nWords];
        long[] counts = new long[nWords];
        {
            int wi = 0;
            IntList buf = new IntList();
            for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
                String w = e.getKey();
                counts[wi] = e.getValue();
                buf.size = 0;
                boolean first = true;
                for (int i = 0; i < w.length(); ) {
                    int cp = w.codePointAt(i);
                    i += Character.charCount(cp);
                    String s = Character.toString(cp);
                    if (wordToId.containsKey(s)) {
                        if (!first) {
                            s = prefix + s;
                        }
                        buf.add(wordToId.get(s));
                    }
                    first = false;
                }
                syms[wi] = buf.toArray();
                lens[wi] = new int[buf.size];
                java.util.Arrays.fill(lens[wi], 1);
                sizes[wi] = buf.size;
                wi++;
            }
        }

        // 4. count pairs
        LongIntMap pairCounts = new LongIntMap(1 << 16);
        Map<Long, IntList> whereToUpdate = new HashMap<>();
        for (int wi = 0; wi < nWords; wi++) {
            int[] s = syms[wi];
            for (int j = 0; j + 1 < sizes[wi]; j++) {
                long p = pair(s[j], s[j + 1]);
                pairCounts.add(p, (int) counts[wi]);
                IntList where = whereToUpdate.computeIfAbsent(p, k -> new IntList(4));
                if (where.size == 0 || where.a[where.size - 1] != wi) {
                    where.add(wi);
                }
            }
        }
        PriorityQueue<Merge> queue = new PriorityQueue<>(Math.max(16, whereToUpdate.size()), ORDER);
        for (Map.Entry<Long, IntList> e : whereToUpdate.entrySet()) {
            int c = pairCounts.get(e.getKey());
            if (c > 0) {
                queue.add(new Merge(e.getKey(), c, e.getValue().toArray()));
            }
        }
        whereToUpdate.clear();

        // 5. merges
        long[] changePairs = new long[64];
        int[] changeDeltas = new int[64];
        int merges = 0;
        while (wordToId.size() < config.vocabSize() && !queue.isEmpty()) {
            Merge top = queue.poll();
            int current = pairCounts.get(top.pair);
            if (top.count != current) {
                queue.add(new Merge(top.pair, current, top.pos));
                continue;
            }
            if (top.count < 1 || config.minFrequency() > top.count) {
                break;
            }
            int a = (int) (top.pair >>> 32);
            int b = (int) top.pair;
            String partB = idToWord.get(b);
            if (!prefix.isEmpty() && partB.startsWith(prefix)) {
                partB = partB.substring(prefix.length());
            }
            String newToken = idToWord.get(a) + partB;
            Integer existing = wordToId.get(newToken);
            int newId;
            if (existing == null) {
                newId = idToWord.size();
                idToWord.add(newToken);
                wordToId.put(newToken, newId);
            } else {
                newId = existing;
            }
            merges++;
            for (int wi : top.pos) {
                // Word::merge of Hugging Face, with its pair-count changes
                int[] s = syms[wi];
                int[] l = lens[wi];
                int n = sizes[wi];
                int nc = 0;
                int i = 0;
                while (i < n) {
                    if (s[i] == a && i + 1 < n && s[i + 1] == b) {
                        int newLen = l[i] + l[i + 1];
                        if (nc + 4 > changePairs.length) {
                            changePairs = java.util.Arrays.copyOf(changePairs, changePairs.length * 2);
                            changeDeltas = java.util.Arrays.copyOf(changeDeltas, changeDeltas.length * 2);
                        }
                        if (i > 0) {
                            changePairs[nc] = pair(s[i - 1], a);
                            changeDeltas[nc++] = -1;
                            if (l[i - 1] + newLen < maxLen) {
                                changePairs[nc] = pair(s[i - 1], newId);
                                changeDeltas[nc++] = 1;
                            }
                        }
                        s[i] = newId;
                        l[i] = newLen;
                        System.arraycopy(s, i + 2, s, i + 1, n - i - 2);
                        System.arraycopy(l, i + 2, l, i + 1, n - i - 2);
                        n--;
                        if (i < n - 1) {
                            changePairs[nc] = pair(b, s[i + 1]);
                            changeDeltas[nc++] = -1;
                            if (l[i + 1] + newLen < maxLen) {
                                changePairs[nc] = pair(newId, s[i + 1]);
                                changeDeltas[nc++] = 1;
                            }
                        }
                    }
                    i++;
                }
                sizes[wi] = n;
                int c = (int) counts[wi];
                for (int k = 0; k < nc; k++) {
                    pairCounts.add(changePairs[k], changeDeltas[k] * c);
                    if (changeDeltas[k] > 0) {
                        IntList where = whereToUpdate.computeIfAbsent(changePairs[k], key -> new IntList(4));
                        if (where.size == 0 || where.a[where.size - 1] != wi) {
                            where.add(wi);
                        }
                    }
                }
            }
            for (Map.Entry<Long, IntList> e : whereToUpdate.entrySet()) {
                int c = pairCounts.get(e.getKey());
                if (c > 0) {
                    queue.add(new Merge(e.getKey(), c, e.getValue().toArray()));
                }
            }
            whereToUpdate.clear();
            if ((merges & 63) == 0) {
                progress.update(wordToId.size(), config.vocabSize(), "merges: " + merges);
            }
        }
        progress.update(wordToId.size(), config.vocabSize(), "vocabulary of " + wordToId.size() + " after " + merges + " merges");
        return idToWord;
    }
}

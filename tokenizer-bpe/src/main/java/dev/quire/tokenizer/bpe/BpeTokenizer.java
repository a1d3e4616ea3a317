package dev.quire.tokenizer.bpe;

import dev.quire.json.Json;
import dev.quire.api.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A byte-level BPE tokenizer: text is cut into pieces by a {@link PreTokenizer}, each piece is taken as
 * its UTF-8 bytes, and adjacent parts are merged by rank until no pair has one. Two flavours share
 * the engine:
 * <ul>
 *   <li>tiktoken ({@link #tiktoken(String, Path)}, {@link #fromTiktoken}): ranks of byte strings, with
 *       the {@code r50k_base}, {@code cl100k_base} or {@code o200k_base} rule; gives the ids tiktoken
 *       gives;</li>
 *   <li>Hugging Face ({@link #loadTokenizerJson(Path)}, {@link BpeTrainer}): a vocabulary and a merge
 *       list behind the {@code ByteLevel} pre-tokenizer; gives the ids, tokens and offsets
 *       {@code tokenizers} gives.</li>
 * </ul>
 *
 * <p><b>Special tokens</b> are registered with their ids; {@link #encode(String, SpecialPolicy)} treats
 * them as special, as text, or refuses them ({@link SpecialPolicy}); {@link #encode(String)} treats
 * every registered one as special and never fails.
 *
 * <p><b>Lone surrogates.</b> A Java string may hold an unpaired surrogate, which has no UTF-8 form.
 * Encoding replaces each one with U+FFFD first (what tiktoken does with such Python strings), so
 * {@code decode(encode(s)).equals(s)} holds for every string without unpaired surrogates, and for the
 * others gives {@code s} with U+FFFD in their place.
 *
 * <p><b>Speed.</b> Encoding is linear in the input: the scanners are hand-written, and long pieces
 * merge with a heap instead of tiktoken's quadratic scan.
 *
 * <p>Instances are immutable and safe to use from many threads at once.
 *
 * <p><b>Stability:</b> stable API; the {@link #serialize()} format is versioned.
 */
public final class BpeTokenizer implements Tokenizer {

    /** The component id of the {@code bpe} tokenizer factory. */
    public static final String FACTORY_ID = "bpe";

    private final String name;
    private final PreTokenizer preTokenizer;
    final MergeModel model;
    private final byte[][] tokenBytes;
    private final Map<String, Integer> specialTokens;
    private final boolean[] special;
    final HfConfig hf;

    BpeTokenizer(String name, PreTokenizer preTokenizer, MergeModel model, byte[][] tokenBytes,
                 Map<String, Integer> specialTokens, HfConfig hf) {
        this.name = name;
        this.preTokenizer = preTokenizer;
        this.model = model;
        int size = tokenBytes.length;
        for (int id : specialTokens.values()) {
            size = Math.max(size, id + 1);
        }
        this.tokenBytes = Arrays.copyOf(tokenBytes, size);
        this.special = new boolean[size];
        LinkedHashMap<String, Integer> sp = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : specialTokens.entrySet()) {
            int id = e.getValue();
            if (id < 0) {
                throw new IllegalArgumentException("special token '" + e.getKey() + "' has a negative id " + id);
            }
            if (e.getKey().isEmpty()) {
                throw new IllegalArgumentException("a special token is the empty string (id " + id + ")");
            }
            if (!special[id] && this.tokenBytes[id] != null && hf == null) {
                throw new IllegalArgumentException("special token '" + e.getKey() + "' has id " + id
                        + ", which is already the id of an ordinary token");
            }
            special[id] = true;
            this.tokenBytes[id] = e.getKey().getBytes(StandardCharsets.UTF_8);
            sp.put(e.getKey(), id);
        }
        this.specialTokens = Collections.unmodifiableMap(sp);
        this.hf = hf;
    }

    // ------------------------------------------------------------------------------------------
    // Construction

    /**
     * A tiktoken encoding by name ({@code r50k_base}, {@code gpt2}, {@code p50k_base},
     * {@code cl100k_base}, {@code o200k_base}) from its rank file, with tiktoken's special tokens for it.
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if the name is unknown or the file is malformed (naming the line)
     */
    public static BpeTokenizer tiktoken(String encoding, Path rankFile) throws IOException {
        PreTokenizer pre = PreTokenizer.forEncoding(encoding);
        if (pre == null) {
            throw new IllegalArgumentException("unknown tiktoken encoding '" + encoding
                    + "'; known: r50k_base, gpt2, p50k_base, cl100k_base, o200k_base");
        }
        return fromTiktoken(encoding, rankFile, pre, standardSpecialTokens(encoding));
    }

    /**
     * tiktoken's special tokens of a named encoding (from {@code openai_public.py}); empty for an unknown name.
     */
    public static Map<String, Integer> standardSpecialTokens(String encoding) {
        LinkedHashMap<String, Integer> m = new LinkedHashMap<>();
        switch (encoding) {
            case "r50k_base", "gpt2", "p50k_base" -> m.put("<|endoftext|>", 50256);
            case "p50k_edit" -> {
                m.put("<|endoftext|>", 50256);
                m.put("<|fim_prefix|>", 50281);
                m.put("<|fim_middle|>", 50282);
                m.put("<|fim_suffix|>", 50283);
            }
            case "cl100k_base" -> {
                m.put("<|endoftext|>", 100257);
                m.put("<|fim_prefix|>", 100258);
                m.put("<|fim_middle|>", 100259);
                m.put("<|fim_suffix|>", 100260);
                m.put("<|endofprompt|>", 100276);
            }
            case "o200k_base" -> {
                m.put("<|endoftext|>", 199999);
                m.put("<|endofprompt|>", 200018);
            }
            default -> {
            }
        }
        return m;
    }

    /**
     * A tokenizer from a tiktoken rank file ({@code base64 rank} per line).
     *
     * @param name          a name for messages and {@link #name()} ({@code cl100k_base})
     * @param rankFile      the file
     * @param preTokenizer  the pre-tokenization rule
     * @param specialTokens special tokens and their ids (outside the ranks)
     * @throws IllegalArgumentException naming the file and line of a malformed line, or on bad special tokens
     */
    public static BpeTokenizer fromTiktoken(String name, Path rankFile, PreTokenizer preTokenizer,
                                            Map<String, Integer> specialTokens) throws IOException {
        byte[][] byRank = TiktokenFile.read(rankFile);
        return fromRanks(name, preTokenizer, byRank, specialTokens);
    }

    /**
     * A tokenizer from ranks: {@code tokens[r]} are the bytes of rank (and id) {@code r}, {@code null}
     * where no token has that rank. All 256 single bytes must have a rank.
     */
    public static BpeTokenizer fromRanks(String name, PreTokenizer preTokenizer, byte[][] tokens,
                                         Map<String, Integer> specialTokens) {
        int count = 0;
        for (byte[] t : tokens) {
            if (t != null) {
                count++;
            }
        }
        byte[][] keys = new byte[count][];
        int[] values = new int[count];
        int k = 0;
        for (int r = 0; r < tokens.length; r++) {
            if (tokens[r] != null) {
                keys[k] = tokens[r];
                values[k++] = r;
            }
        }
        MergeModel.Ranks model = new MergeModel.Ranks(new ByteTable(keys, values), tokens.length);
        int missing = model.missingByte();
        if (missing >= 0) {
            throw new IllegalArgumentException(name + ": no rank for the single byte 0x"
                    + Integer.toHexString(missing) + "; byte-level BPE needs all 256");
        }
        byte[][] copy = new byte[tokens.length][];
        for (int r = 0; r < tokens.length; r++) {
            copy[r] = tokens[r] == null ? null : tokens[r].clone();
        }
        return new BpeTokenizer(name, preTokenizer, model, copy, specialTokens, null);
    }

    /**
     * Loads a Hugging Face {@code tokenizer.json} whose model is {@code BPE} behind a {@code ByteLevel}
     * pre-tokenizer.
     *
     * @throws IllegalArgumentException naming the file and JSON path of what is malformed or unsupported
     */
    public static BpeTokenizer loadTokenizerJson(Path file) throws IOException {
        return HfTokenizerJson.read(Files.readString(file, StandardCharsets.UTF_8), file.getFileName().toString());
    }

    /** Parses the text of a {@code tokenizer.json}; {@code source} names it in messages. */
    public static BpeTokenizer fromTokenizerJson(String json, String source) {
        return HfTokenizerJson.read(json, source);
    }

    // ------------------------------------------------------------------------------------------
    // Facts

    @Override
    public String factoryId() {
        return FACTORY_ID;
    }

    /** The encoding's name ({@code cl100k_base}), or empty for a Hugging Face or trained vocabulary. */
    public String name() {
        return name;
    }

    /** The pre-tokenization rule, or {@code null} when pieces are whole segments ({@code use_regex: false}). */
    public PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    /** Whether this tokenizer came from (or saves as) a {@code tokenizer.json} rather than a rank file. */
    public boolean isHuggingFace() {
        return hf != null;
    }

    @Override
    public int vocabSize() {
        return tokenBytes.length;
    }

    /** The registered special tokens and their ids, in registration order. */
    public Map<String, Integer> specialTokens() {
        return specialTokens;
    }

    /** Whether {@code id} is the id of some token (ids between ranks and special tokens may be unassigned). */
    public boolean isAssigned(int id) {
        return id >= 0 && id < tokenBytes.length && tokenBytes[id] != null;
    }

    /** Whether {@code id} is a registered special token. */
    public boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }

    /** The bytes of token {@code id} (a copy). */
    public byte[] tokenBytes(int id) {
        return bytesOf(id, -1).clone();
    }

    /** The token's text, as a person reads it: its UTF-8 with U+FFFD for partial characters. */
    @Override
    public String token(int id) {
        byte[] b = bytesOf(id, -1);
        StringBuilder sb = new StringBuilder(b.length);
        Utf8.decode(b, 0, b.length, sb, true, Utf8Errors.REPLACE, 0);
        return sb.toString();
    }

    /**
     * The token as Hugging Face spells it: special tokens as they are, others in the byte-level alphabet
     * ({@code "Ġthe"}); the string of a loaded {@code tokenizer.json} as written there.
     */
    public String tokenString(int id) {
        byte[] b = bytesOf(id, -1);
        if (special[id]) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (hf != null && id < hf.vocab().length && hf.vocab()[id] != null) {
            return hf.vocab()[id];
        }
        return ByteLevel.encode(b);
    }

    /** The bytes of {@code id}; {@code position} (or -1) is its index in the caller's array, for the message. */
    byte[] bytesOf(int id, int position) {
        if (id < 0 || id >= tokenBytes.length || tokenBytes[id] == null) {
            String where = position >= 0 ? " at index " + position : "";
            String what = id >= 0 && id < tokenBytes.length ? "; that id is unassigned" : "";
            throw new IllegalArgumentException("unknown token id " + id + where + ": "
                    + (name.isEmpty() ? "the vocabulary" : name) + " has ids 0.." + (tokenBytes.length - 1) + what);
        }
        return tokenBytes[id];
    }

    // ------------------------------------------------------------------------------------------
    // Encoding

    /** Token ids of {@code text}, every registered special token treated as special. Never fails. */
    @Override
    public int[] encode(String text) {
        return encode(text, SpecialPolicy.ALLOW_ALL);
    }

    /** Token ids of {@code text} with all of it ordinary text (tiktoken's {@code encode_ordinary}). */
    public int[] encodeOrdinary(String text) {
        return encode(text, SpecialPolicy.ORDINARY);
    }

    /**
     * Token ids of {@code text}, special tokens treated as {@code policy} says.
     *
     * @throws DisallowedSpecialTokenException if the text contains a disallowed special token
     */
    public int[] encode(String text, SpecialPolicy policy) {
        IntList ids = new IntList(Math.max(16, text.length() / 3));
        run(text, policy, ids, null, null);
        return ids.toArray();
    }

    /** Ids and offsets of {@code text}, every registered special token treated as special. */
    public Encoding encodeWithOffsets(String text) {
        return encodeWithOffsets(text, SpecialPolicy.ALLOW_ALL);
    }

    /**
     * Ids of {@code text} with, for every token, the UTF-16 span of the input it came from
     * (see {@link Encoding}; {@link Encoding#inCodePoints(String)} converts to code points).
     */
    public Encoding encodeWithOffsets(String text, SpecialPolicy policy) {
        int cap = Math.max(16, text.length() / 3);
        IntList ids = new IntList(cap);
        IntList starts = new IntList(cap);
        IntList ends = new IntList(cap);
        run(text, policy, ids, starts, ends);
        return new Encoding(ids.toArray(), starts.toArray(), ends.toArray());
    }

    /** The ids of many texts, encoded in parallel on all cores; the result is in the order of {@code texts}. */
    public List<int[]> encodeAll(List<String> texts) {
        return encodeAll(texts, SpecialPolicy.ALLOW_ALL);
    }

    /** The ids of many texts under {@code policy}, encoded in parallel; in the order of {@code texts}. */
    public List<int[]> encodeAll(List<String> texts, SpecialPolicy policy) {
        List<String> in = List.copyOf(texts);
        int[][] out = new int[in.size()][];
        java.util.stream.IntStream.range(0, in.size()).parallel().forEach(i -> out[i] = encode(in.get(i), policy));
        return Arrays.asList(out);
    }

    private void run(String text, SpecialPolicy policy, IntList ids, IntList starts, IntList ends) {
        String t = withoutLoneSurrogates(text);
        char[] s = t.toCharArray();
        int n = s.length;
        if (n == 0) {
            return;
        }
        Set<String> allowedSet = policy.allowed() == null ? specialTokens.keySet() : policy.allowed();
        Set<String> disallowed;
        if (policy.disallowed() == null) {
            disallowed = new HashSet<>(specialTokens.keySet());
            disallowed.removeAll(allowedSet);
        } else {
            disallowed = policy.disallowed();
        }
        if (!disallowed.isEmpty()) {
            int bestAt = -1;
            String best = null;
            for (String d : disallowed) {
                if (d.isEmpty()) {
                    continue;
                }
                int at = t.indexOf(d);
                if (at >= 0 && (bestAt < 0 || at < bestAt || (at == bestAt && d.length() > best.length()))) {
                    bestAt = at;
                    best = d;
                }
            }
            if (best != null) {
                throw new DisallowedSpecialTokenException(best, bestAt);
            }
        }
        List<String> allowed = new ArrayList<>();
        for (String a : allowedSet) {
            if (specialTokens.containsKey(a)) {
                allowed.add(a);
            }
        }
        MergeModel.Work w = model.work();
        try {
            specials(t, s, allowed, w, ids, starts, ends);
        } finally {
            w.trim();
        }
    }

    private void specials(String t, char[] s, List<String> allowed, MergeModel.Work w, IntList ids, IntList starts,
                          IntList ends) {
        int n = s.length;
        if (allowed.isEmpty()) {
            segment(s, 0, n, w, ids, starts, ends);
            return;
        }
        int[] nextAt = new int[allowed.size()];
        Arrays.fill(nextAt, -2);
        int p = 0;
        while (p < n) {
            int bestAt = -1;
            int bestK = -1;
            for (int k = 0; k < nextAt.length; k++) {
                if (nextAt[k] != -1 && nextAt[k] < p) {
                    nextAt[k] = t.indexOf(allowed.get(k), p);
                }
                int at = nextAt[k];
                if (at >= 0 && (bestAt < 0 || at < bestAt
                        || (at == bestAt && allowed.get(k).length() > allowed.get(bestK).length()))) {
                    bestAt = at;
                    bestK = k;
                }
            }
            if (bestAt < 0) {
                segment(s, p, n, w, ids, starts, ends);
                break;
            }
            segment(s, p, bestAt, w, ids, starts, ends);
            String sp = allowed.get(bestK);
            ids.add(specialTokens.get(sp));
            if (starts != null) {
                starts.add(bestAt);
                ends.add(bestAt + sp.length());
            }
            p = bestAt + sp.length();
        }
    }

    /** {@code text} with every unpaired surrogate replaced by U+FFFD (the same string if it has none). */
    static String withoutLoneSurrogates(String text) {
        char[] s = null;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            if (s == null) {
                s = text.toCharArray();
            }
            s[i] = '\uFFFD';
        }
        return s == null ? text : new String(s);
    }

    /** Encodes {@code s[from, to)}, a stretch of text without special tokens. */
    private void segment(char[] s, int from, int to, MergeModel.Work w, IntList ids, IntList starts, IntList ends) {
        if (from >= to) {
            return;
        }
        if (hf != null && hf.addPrefixSpace() && s[from] != ' ') {
            char[] t = new char[to - from + 1];
            t[0] = ' ';
            System.arraycopy(s, from, t, 1, to - from);
            int before = ids.size();
            pieces(t, 0, t.length, w, ids, starts, ends);
            if (starts != null) {
                for (int i = before; i < ids.size(); i++) {
                    starts.a[i] = from + Math.max(0, starts.a[i] - 1);
                    ends.a[i] = Math.max(starts.a[i], from + ends.a[i] - 1);
                }
                trim(ids, starts, ends, before, true);
            }
            return;
        }
        int before = ids.size();
        pieces(s, from, to, w, ids, starts, ends);
        if (starts != null) {
            trim(ids, starts, ends, before, false);
        }
    }

    private void pieces(char[] s, int from, int to, MergeModel.Work w, IntList ids, IntList starts, IntList ends) {
        PreTokenizer pre = preTokenizer;
        MergeModel m = model;
        boolean offsets = starts != null;
        int p = from;
        while (p < to) {
            int e = pre == null ? to : pre.next(s, p, to);
            int n = utf8(s, p, e, w, offsets);
            if (!offsets) {
                m.encode(w.bytes, n, ids, null, w);
            } else {
                IntList spans = w.spans;
                spans.clear();
                m.encode(w.bytes, n, ids, spans, w);
                for (int i = 0; i < spans.size(); i += 2) {
                    starts.add(w.charStart[spans.a[i]]);
                    ends.add(w.charEnd[spans.a[i + 1] - 1]);
                }
            }
            p = e;
        }
    }

    /** Hugging Face's {@code ByteLevel} post-processor with {@code trim_offsets}: spaces leave the offsets. */
    private void trim(IntList ids, IntList starts, IntList ends, int from, boolean prefixAdded) {
        if (hf == null || !hf.trimOffsets()) {
            return;
        }
        for (int i = from; i < ids.size(); i++) {
            byte[] b = tokenBytes[ids.a[i]];
            int lead = 0;
            while (lead < b.length && b[lead] == ' ') {
                lead++;
            }
            int trail = 0;
            while (trail < b.length - lead && b[b.length - 1 - trail] == ' ') {
                trail++;
            }
            if (lead > 0) {
                boolean first = i == 0 || starts.a[i] == 0;
                if (!(first && prefixAdded && lead == 1)) {
                    starts.a[i] = Math.min(starts.a[i] + lead, ends.a[i]);
                }
            }
            if (trail > 0 && ends.a[i] >= trail) {
                ends.a[i] = Math.max(ends.a[i] - trail, starts.a[i]);
            }
        }
    }

    /** Writes the UTF-8 of {@code s[p, e)} to {@code w.bytes}; with {@code map}, the char span of every byte. */
    private static int utf8(char[] s, int p, int e, MergeModel.Work w, boolean map) {
        int max = 3 * (e - p);
        if (w.bytes.length < max + ByteTable.SLACK) {
            w.bytes = new byte[Math.max(max + ByteTable.SLACK, w.bytes.length * 2)];
        }
        if (map && w.charStart.length < max) {
            w.charStart = new int[Math.max(max, w.charStart.length * 2)];
            w.charEnd = new int[w.charStart.length];
        }
        byte[] b = w.bytes;
        int n = 0;
        if (!map) {
            for (int i = p; i < e; i++) {
                char c = s[i];
                if (c < 0x80) {
                    b[n++] = (byte) c;
                } else if (c < 0x800) {
                    b[n++] = (byte) (0xC0 | (c >> 6));
                    b[n++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c) && i + 1 < e && Character.isLowSurrogate(s[i + 1])) {
                    int cp = Character.toCodePoint(c, s[++i]);
                    b[n++] = (byte) (0xF0 | (cp >> 18));
                    b[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    b[n++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
                        c = '\uFFFD';
                    }
                    b[n++] = (byte) (0xE0 | (c >> 12));
                    b[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    b[n++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            return n;
        }
        int[] cs = w.charStart;
        int[] ce = w.charEnd;
        for (int i = p; i < e; i++) {
            char c = s[i];
            int first = n;
            int end = i + 1;
            if (c < 0x80) {
                b[n++] = (byte) c;
            } else if (c < 0x800) {
                b[n++] = (byte) (0xC0 | (c >> 6));
                b[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < e && Character.isLowSurrogate(s[i + 1])) {
                int cp = Character.toCodePoint(c, s[i + 1]);
                end = i + 2;
                b[n++] = (byte) (0xF0 | (cp >> 18));
                b[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[n++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
                    c = '\uFFFD';
                }
                b[n++] = (byte) (0xE0 | (c >> 12));
                b[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[n++] = (byte) (0x80 | (c & 0x3F));
            }
            for (int j = first; j < n; j++) {
                cs[j] = i;
                ce[j] = end;
            }
            i = end - 1;
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------
    // Decoding

    /** The concatenated bytes of {@code ids}. */
    public byte[] decodeBytes(int[] ids) {
        int total = 0;
        for (int i = 0; i < ids.length; i++) {
            total += bytesOf(ids[i], i).length;
        }
        byte[] out = new byte[total];
        int at = 0;
        for (int id : ids) {
            byte[] b = tokenBytes[id];
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length;
        }
        return out;
    }

    /**
     * The text of {@code ids}; bytes that are not valid UTF-8 become U+FFFD (as tiktoken's {@code decode}).
     *
     * @throws IllegalArgumentException naming the first unknown id and its index
     */
    @Override
    public String decode(int[] ids) {
        return decode(ids, Utf8Errors.REPLACE);
    }

    /**
     * The text of {@code ids}, invalid UTF-8 replaced or refused as {@code errors} says.
     *
     * @throws IllegalArgumentException naming an unknown id and its index, or (strict) the byte offset of invalid UTF-8
     */
    public String decode(int[] ids, Utf8Errors errors) {
        byte[] b = decodeBytes(ids);
        StringBuilder sb = new StringBuilder(b.length);
        Utf8.decode(b, 0, b.length, sb, true, errors, 0);
        return sb.toString();
    }

    /** A decoder for ids that arrive one at a time; it yields text only when UTF-8 is complete. */
    public StreamingDecoder streamingDecoder(Utf8Errors errors) {
        return new StreamingDecoder(this, errors);
    }

    // ------------------------------------------------------------------------------------------
    // Saving

    /** Writes the ranks as a tiktoken rank file (specials are not part of that format). */
    public void writeTiktoken(Path file) throws IOException {
        Files.writeString(file, tiktokenText(), StandardCharsets.UTF_8);
    }

    /** The ranks in tiktoken's format: {@code base64 rank} per line, by rank. */
    public String tiktokenText() {
        if (hf != null) {
            throw new IllegalStateException("a Hugging Face BPE (ranked merges) has no tiktoken rank file;"
                    + " save it with writeTokenizerJson");
        }
        return TiktokenFile.format(tokenBytes, special);
    }

    /** Writes this tokenizer as a Hugging Face {@code tokenizer.json}. */
    public void writeTokenizerJson(Path file) throws IOException {
        Files.writeString(file, toTokenizerJson(), StandardCharsets.UTF_8);
    }

    /**
     * This tokenizer as the text of a Hugging Face {@code tokenizer.json}, laid out as {@code tokenizers}
     * writes it.
     *
     * @throws IllegalStateException for a tiktoken vocabulary (it has ranks, not a merge list)
     */
    public String toTokenizerJson() {
        if (hf == null) {
            throw new IllegalStateException(name + " is a tiktoken vocabulary (ranks, not merges); save it with writeTiktoken");
        }
        return HfTokenizerJson.write(this);
    }

    /**
     * The complete state, for checkpoints: a {@code tokenizer.json} for Hugging Face vocabularies, and for
     * tiktoken ones a JSON object with the name, the rule, the special tokens and the rank file's text.
     */
    @Override
    public byte[] serialize() {
        if (hf != null) {
            return toTokenizerJson().getBytes(StandardCharsets.UTF_8);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("quire_bpe", 1L);
        m.put("format", "tiktoken");
        m.put("name", name);
        m.put("pre_tokenizer", preTokenizer == null ? null : preTokenizer.encodingName());
        Map<String, Object> sp = new LinkedHashMap<>();
        specialTokens.forEach((k, v) -> sp.put(k, (long) v));
        m.put("special_tokens", sp);
        m.put("ranks", tiktokenText());
        return Json.writePretty(m).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Rebuilds a tokenizer from {@link #serialize()} output (or from any {@code tokenizer.json}).
     *
     * @throws IllegalArgumentException naming the JSON path of what is wrong
     */
    public static BpeTokenizer deserialize(byte[] state) {
        String text = new String(state, StandardCharsets.UTF_8);
        Json.Node root = Json.parse(text, "bpe tokenizer state");
        if (!root.has("quire_bpe")) {
            return HfTokenizerJson.read(root);
        }
        int version = root.get("quire_bpe").intValue(1, 1);
        assert version == 1;
        String format = root.get("format").string();
        if (!format.equals("tiktoken")) {
            throw root.get("format").error("unknown format '" + format + "'; expected tiktoken");
        }
        String nm = root.get("name").string();
        Json.Node preNode = root.get("pre_tokenizer");
        PreTokenizer pre = null;
        if (!preNode.isNull()) {
            pre = PreTokenizer.forEncoding(preNode.string());
            if (pre == null) {
                throw preNode.error("unknown pre-tokenizer '" + preNode.string() + "'");
            }
        }
        Map<String, Integer> sp = new LinkedHashMap<>();
        for (Map.Entry<String, Json.Node> e : root.get("special_tokens").entries()) {
            sp.put(e.getKey(), e.getValue().intValue(0, Integer.MAX_VALUE - 1));
        }
        byte[][] ranks = TiktokenFile.parse(root.get("ranks").string(), "bpe tokenizer state $.ranks");
        return fromRanks(nm, pre, ranks, sp);
    }

    @Override
    public String toString() {
        return "BpeTokenizer[" + (name.isEmpty() ? (hf != null ? "tokenizer.json" : "bpe") : name) + ", "
                + vocabSize() + " ids, " + specialTokens.size() + " special]";
    }
}

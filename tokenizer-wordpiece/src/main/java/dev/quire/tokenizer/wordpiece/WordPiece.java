package dev.quire.tokenizer.wordpiece;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model part: the WordPiece vocabulary and the tokenization of one word, with Hugging Face's
 * semantics (greedy longest-match-first; pieces after the first carry the continuing-subword prefix;
 * a word that cannot be covered, or that is longer than {@code maxInputCharsPerWord} code points,
 * becomes the single unknown token) computed in linear time by {@link LinMaxMatchTrie}.
 * Immutable and thread-safe.
 */
public final class WordPiece {

    /** Hugging Face's default {@code max_input_chars_per_word}. */
    public static final int DEFAULT_MAX_INPUT_CHARS_PER_WORD = 100;

    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final String unkToken;
    private final int unkId;
    private final String prefix;
    private final int maxInputCharsPerWord;
    private final LinMaxMatchTrie trie;

    /**
     * @param vocab                token to id; ids non-negative and distinct (gaps allowed)
     * @param unkToken             the token for words that cannot be covered; must be in {@code vocab}
     * @param prefix               the continuing-subword prefix ({@code "##"})
     * @param maxInputCharsPerWord longer words (in code points) become {@code unkToken}
     * @throws IllegalArgumentException naming the problem if the vocabulary is invalid
     */
    public WordPiece(Map<String, Integer> vocab, String unkToken, String prefix, int maxInputCharsPerWord) {
        if (maxInputCharsPerWord < 1) {
            throw new IllegalArgumentException("maxInputCharsPerWord must be >= 1, got " + maxInputCharsPerWord);
        }
        int max = -1;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            Integer id = e.getValue();
            if (id == null || id < 0) {
                throw new IllegalArgumentException("token '" + e.getKey() + "' has invalid id " + id);
            }
            max = Math.max(max, id);
        }
        String[] tokens = new String[max + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            int id = e.getValue();
            if (tokens[id] != null) {
                throw new IllegalArgumentException("id " + id + " is given to both '" + tokens[id] + "' and '" + e.getKey() + "'");
            }
            tokens[id] = e.getKey();
        }
        Integer unk = vocab.get(unkToken);
        if (unk == null) {
            throw new IllegalArgumentException("unk_token '" + unkToken + "' is not in the vocabulary");
        }
        this.vocab = Collections.unmodifiableMap(new LinkedHashMap<>(vocab));
        this.idToToken = tokens;
        this.unkToken = unkToken;
        this.unkId = unk;
        this.prefix = prefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.trie = new LinMaxMatchTrie(tokens, prefix);
    }

    /** Token to id, in the order given. */
    public Map<String, Integer> vocab() {
        return vocab;
    }

    /** One more than the largest id. */
    public int size() {
        return idToToken.length;
    }

    /** The token of {@code id}, or {@code null} if the id is unused or out of range. */
    public String token(int id) {
        return id >= 0 && id < idToToken.length ? idToToken[id] : null;
    }

    /** The id of {@code token}, or -1. */
    public int id(String token) {
        Integer id = vocab.get(token);
        return id == null ? -1 : id;
    }

    public String unkToken() {
        return unkToken;
    }

    public int unkId() {
        return unkId;
    }

    public String continuingSubwordPrefix() {
        return prefix;
    }

    public int maxInputCharsPerWord() {
        return maxInputCharsPerWord;
    }

    LinMaxMatchTrie trie() {
        return trie;
    }

    /** The ids of one (already normalized, pre-tokenized) word. */
    public int[] tokenize(String word) {
        IntList ids = new IntList();
        tokenize(word.toCharArray(), 0, word.length(), ids, null, null);
        return ids.toArray();
    }

    /**
     * Tokenizes the word {@code buf[from, to)}, appending ids, and (when {@code starts} is not
     * null) the span of units of each piece.
     */
    void tokenize(char[] buf, int from, int to, IntList ids, IntList starts, IntList ends) {
        if (from >= to) {
            return;
        }
        if (to - from > maxInputCharsPerWord && Character.codePointCount(buf, from, to - from) > maxInputCharsPerWord
                || !trie.match(buf, from, to, ids, starts, ends)) {
            ids.add(unkId);
            if (starts != null) {
                starts.add(from);
                ends.add(to);
            }
        }
    }

    /** This model as Hugging Face writes it in {@code tokenizer.json}. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "WordPiece");
        m.put("unk_token", unkToken);
        m.put("continuing_subword_prefix", prefix);
        m.put("max_input_chars_per_word", maxInputCharsPerWord);
        Map<String, Object> v = new LinkedHashMap<>();
        for (int id = 0; id < idToToken.length; id++) {
            if (idToToken[id] != null) {
                v.put(idToToken[id], id);
            }
        }
        m.put("vocab", v);
        return m;
    }

    // ---------------------------------------------------------------- vocab.txt

    /**
     * Reads a {@code vocab.txt}: one token per line, the id being the line number from 0. Trailing
     * whitespace (and the line break, LF or CRLF) is not part of a token, as in Hugging Face.
     *
     * @param source names the input in error messages
     * @throws IllegalArgumentException naming the line for invalid UTF-8, an empty token or a duplicate
     */
    public static Map<String, Integer> readVocabTxt(byte[] bytes, String source) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int start = 0;
        int line = 0;
        int n = bytes.length;
        if (n >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            start = 3; // byte-order mark
        }
        while (start < n) {
            int end = start;
            while (end < n && bytes[end] != '\n') {
                end++;
            }
            line++;
            String text;
            try {
                text = dec.decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException(source + ": line " + line + ": invalid UTF-8");
            }
            String token = text.stripTrailing();
            if (token.isEmpty()) {
                throw new IllegalArgumentException(source + ": line " + line + ": empty token");
            }
            Integer previous = lineOf.putIfAbsent(token, line);
            if (previous != null) {
                throw new IllegalArgumentException(source + ": line " + line + ": duplicate token '" + token
                        + "' (first on line " + previous + ")");
            }
            vocab.put(token, line - 1);
            start = end + 1;
        }
        if (vocab.isEmpty()) {
            throw new IllegalArgumentException(source + ": empty vocabulary");
        }
        return vocab;
    }

    /** Reads a {@code vocab.txt} file; see {@link #readVocabTxt(byte[], String)}. */
    public static Map<String, Integer> readVocabTxt(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readVocabTxt(in.readAllBytes(), file.toString());
        }
    }

    /**
     * Writes this vocabulary as {@code vocab.txt}.
     *
     * @throws IllegalStateException if ids have gaps or a token cannot be written on one line
     */
    public void writeVocabTxt(Writer out) throws IOException {
        for (int id = 0; id < idToToken.length; id++) {
            String t = idToToken[id];
            if (t == null) {
                throw new IllegalStateException("id " + id + " is unused: vocab.txt cannot represent gaps in ids");
            }
            if (t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0 || !t.equals(t.stripTrailing())) {
                throw new IllegalStateException("token " + id + " ('" + t + "') cannot be written on one line of vocab.txt");
            }
            out.write(t);
            out.write('\n');
        }
    }
}

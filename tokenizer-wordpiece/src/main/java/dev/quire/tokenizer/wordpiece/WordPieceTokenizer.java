package dev.quire.tokenizer.wordpiece;

import dev.quire.json.Json;
import dev.quire.api.Tokenizer;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A WordPiece tokenizer assembled from Hugging Face's parts: {@link Normalizer} →
 * {@link PreTokenizer} → model ({@link WordPiece}) → {@link PostProcessor} → {@link Decoder}, plus
 * added tokens matched in the raw text, {@link Truncation} and {@link Padding}. Loads and saves
 * Hugging Face's {@code tokenizer.json} and BERT's {@code vocab.txt}; gives the ids, tokens and
 * offsets Hugging Face gives.
 *
 * <p>{@link #encode(String)} is Hugging Face's {@code encode(text).ids} (special tokens of the
 * template included); {@link #encoding(String)} gives the full {@link Encoding}. Immutable and
 * thread-safe.
 */
public final class WordPieceTokenizer implements Tokenizer {

    /** The id of the tokenizer component that makes and loads these tokenizers. */
    public static final String FACTORY_ID = "wordpiece";

    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final WordPiece model;
    private final PostProcessor postProcessor;
    private final Decoder decoder;
    private final List<AddedToken> addedTokens;
    private final Truncation truncation;
    private final Padding padding;

    private final AddedVocabulary addedVocabulary;
    private final Map<Integer, AddedToken> addedById = new HashMap<>();
    private final int vocabSize;
    private final FastBertEncoder fast;
    private final int[] fastPrefix;
    private final int[] fastSuffix;

    /**
     * @param normalizer    {@link Normalizer#NONE} for none
     * @param preTokenizer  {@link PreTokenizer#NONE} for none
     * @param model         the WordPiece model
     * @param postProcessor {@link PostProcessor#NONE} for none
     * @param decoder       {@link Decoder#NONE} for none
     * @param addedTokens   tokens matched whole in the raw text (special tokens)
     * @param truncation    null for none
     * @param padding       null for none
     */
    public WordPieceTokenizer(Normalizer normalizer, PreTokenizer preTokenizer, WordPiece model, PostProcessor postProcessor,
                              Decoder decoder, List<AddedToken> addedTokens, Truncation truncation, Padding padding) {
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        this.preTokenizer = Objects.requireNonNull(preTokenizer, "preTokenizer");
        this.model = Objects.requireNonNull(model, "model");
        this.postProcessor = Objects.requireNonNull(postProcessor, "postProcessor");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.addedTokens = List.copyOf(addedTokens);
        this.truncation = truncation;
        this.padding = padding;
        int size = model.size();
        for (AddedToken t : this.addedTokens) {
            String known = model.token(t.id());
            if (known != null && !known.equals(t.content())) {
                throw new IllegalArgumentException("added token '" + t.content() + "' has id " + t.id()
                        + ", which the vocabulary gives to '" + known + "'");
            }
            if (addedById.put(t.id(), t) != null) {
                throw new IllegalArgumentException("two added tokens have id " + t.id());
            }
            size = Math.max(size, t.id() + 1);
        }
        this.vocabSize = size;
        this.addedVocabulary = new AddedVocabulary(this.addedTokens);
        if (postProcessor instanceof TemplateProcessing tp) {
            for (TemplateProcessing.SpecialToken st : tp.specialTokens().values()) {
                for (int id : st.ids()) {
                    if (id < 0 || id >= size) {
                        throw new IllegalArgumentException("template special token '" + st.id() + "' has id " + id
                                + " outside the vocabulary (size " + size + ")");
                    }
                }
            }
        }
        boolean fastOk = normalizer instanceof BertNormalizer && preTokenizer == BertPreTokenizer.INSTANCE
                && truncation == null && padding == null
                && (postProcessor == PostProcessor.NONE || postProcessor instanceof TemplateProcessing t && t.simpleSingle());
        if (fastOk) {
            fast = new FastBertEncoder((BertNormalizer) normalizer, model);
            if (postProcessor instanceof TemplateProcessing t) {
                fastPrefix = t.singlePrefixIds();
                fastSuffix = t.singleSuffixIds();
            } else {
                fastPrefix = new int[0];
                fastSuffix = new int[0];
            }
        } else {
            fast = null;
            fastPrefix = null;
            fastSuffix = null;
        }
    }

    /**
     * The BERT pipeline around {@code model}: {@link BertNormalizer} (with {@code lowercase}),
     * {@link BertPreTokenizer}, the {@code [CLS] $A [SEP]} template when the vocabulary has
     * {@code [CLS]} and {@code [SEP]}, the WordPiece decoder, and the usual special tokens that the
     * vocabulary has as added tokens.
     */
    public static WordPieceTokenizer bert(WordPiece model, boolean lowercase) {
        List<AddedToken> added = new ArrayList<>();
        for (String s : List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")) {
            int id = model.id(s);
            if (id >= 0) {
                added.add(AddedToken.special(id, s));
            }
        }
        added.sort((x, y) -> Integer.compare(x.id(), y.id()));
        int cls = model.id("[CLS]");
        int sep = model.id("[SEP]");
        PostProcessor post = cls >= 0 && sep >= 0 ? TemplateProcessing.bert("[CLS]", cls, "[SEP]", sep) : PostProcessor.NONE;
        return new WordPieceTokenizer(BertNormalizer.of(lowercase), BertPreTokenizer.INSTANCE, model, post,
                new WordPieceDecoder(model.continuingSubwordPrefix(), true), added, null, null);
    }

    // ---------------------------------------------------------------- parts

    public Normalizer normalizer() {
        return normalizer;
    }

    public PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    public WordPiece model() {
        return model;
    }

    public PostProcessor postProcessor() {
        return postProcessor;
    }

    public Decoder decoder() {
        return decoder;
    }

    public List<AddedToken> addedTokens() {
        return addedTokens;
    }

    /** Truncation, or null. */
    public Truncation truncation() {
        return truncation;
    }

    /** Padding, or null. */
    public Padding padding() {
        return padding;
    }

    /** This tokenizer with {@code truncation} (null: none). */
    public WordPieceTokenizer withTruncation(Truncation truncation) {
        return new WordPieceTokenizer(normalizer, preTokenizer, model, postProcessor, decoder, addedTokens, truncation, padding);
    }

    /** This tokenizer with {@code padding} (null: none). */
    public WordPieceTokenizer withPadding(Padding padding) {
        return new WordPieceTokenizer(normalizer, preTokenizer, model, postProcessor, decoder, addedTokens, truncation, padding);
    }

    /** This tokenizer with another post-processor ({@link PostProcessor#NONE}: no special tokens added). */
    public WordPieceTokenizer withPostProcessor(PostProcessor postProcessor) {
        return new WordPieceTokenizer(normalizer, preTokenizer, model, postProcessor, decoder, addedTokens, truncation, padding);
    }

    // ---------------------------------------------------------------- Tokenizer

    @Override
    public String factoryId() {
        return FACTORY_ID;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /** The id of {@code token} (added tokens included), or -1. */
    public int id(String token) {
        int id = model.id(token);
        if (id >= 0) {
            return id;
        }
        for (AddedToken t : addedTokens) {
            if (t.content().equals(token)) {
                return t.id();
            }
        }
        return -1;
    }

    @Override
    public String token(int id) {
        AddedToken t = addedById.get(id);
        if (t != null) {
            return t.content();
        }
        String s = model.token(id);
        if (s == null) {
            throw new IllegalArgumentException("unknown token id " + id + " (vocabulary size " + vocabSize + ")");
        }
        return s;
    }

    /** Hugging Face's {@code encode(text).ids}: the template's special tokens included. */
    @Override
    public int[] encode(String text) {
        if (fast == null) {
            return encoding(text).ids();
        }
        IntList out = new IntList(text.length() / 4 + 8);
        out.addAll(fastPrefix, 0, fastPrefix.length);
        List<AddedToken> matched = new ArrayList<>(0);
        int[] m = addedVocabulary.find(text, matched);
        int pos = 0;
        if (m != null) {
            for (int k = 0; k < m.length; k += 3) {
                fast.encode(text, pos, m[k], out);
                out.add(matched.get(m[k + 2]).id());
                pos = m[k + 1];
            }
        }
        fast.encode(text, pos, text.length(), out);
        out.addAll(fastSuffix, 0, fastSuffix.length);
        return out.toArray();
    }

    /** The ids of {@code text} without the template's special tokens. */
    public int[] encodeWithoutSpecialTokens(String text) {
        return encoding(text, false).ids();
    }

    /** Hugging Face's {@code encode(text)}: ids, types, tokens, offsets, masks. */
    public Encoding encoding(String text) {
        return encoding(text, null, true);
    }

    /** Hugging Face's {@code encode(text, add_special_tokens=...)}. */
    public Encoding encoding(String text, boolean addSpecialTokens) {
        return encoding(text, null, addSpecialTokens);
    }

    /**
     * Hugging Face's {@code encode(a, b)}: a pair through the pair template, truncated and padded as
     * configured. {@code b} may be null for a single sequence.
     */
    public Encoding encoding(String a, String b, boolean addSpecialTokens) {
        Encoding e = encodeUnpadded(a, b, addSpecialTokens);
        return padding == null ? e : padding.apply(e, padding.target(e.length()));
    }

    /** Hugging Face's {@code encode_batch}: each text alone, then padding across the batch. */
    public List<Encoding> encodings(List<String> texts) {
        List<Encoding> out = new ArrayList<>(texts.size());
        int longest = 0;
        for (String t : texts) {
            Encoding e = encodeUnpadded(t, null, true);
            longest = Math.max(longest, e.length());
            out.add(e);
        }
        if (padding != null) {
            int target = padding.target(longest);
            out.replaceAll(e -> padding.apply(e, target));
        }
        return out;
    }

    private Encoding encodeUnpadded(String a, String b, boolean addSpecialTokens) {
        Encoding ea = encodeSequence(a, 0, 0);
        Encoding eb = b == null ? null : encodeSequence(b, 1, 1);
        if (truncation != null) {
            int budget = truncation.maxLength() - (addSpecialTokens ? postProcessor.addedTokens(eb != null) : 0);
            Encoding[] cut = truncation.apply(ea, eb, budget);
            ea = cut[0];
            eb = cut[1];
        }
        return postProcessor.process(ea, eb, addSpecialTokens);
    }

    /** The model's tokens of one sequence, added tokens included, with offsets into {@code text}. */
    private Encoding encodeSequence(String text, int typeId, int sequenceId) {
        Encoding.Builder b = new Encoding.Builder();
        List<AddedToken> matched = new ArrayList<>(0);
        int[] m = addedVocabulary.find(text, matched);
        int pos = 0;
        int cp = 0;
        if (m != null) {
            for (int k = 0; k < m.length; k += 3) {
                int s = m[k];
                int e = m[k + 1];
                encodeSegment(text, pos, s, cp, typeId, sequenceId, b);
                cp += Character.codePointCount(text, pos, s);
                int cpEnd = cp + Character.codePointCount(text, s, e);
                AddedToken t = matched.get(m[k + 2]);
                b.add(t.id(), typeId, t.content(), cp, cpEnd, false, 1, sequenceId);
                cp = cpEnd;
                pos = e;
            }
        }
        encodeSegment(text, pos, text.length(), cp, typeId, sequenceId, b);
        return b.build();
    }

    private void encodeSegment(String text, int from, int to, int cpBase, int typeId, int sequenceId, Encoding.Builder b) {
        if (from >= to) {
            return;
        }
        NormalizedText nt = normalizer.normalize(from == 0 && to == text.length() ? text : text.substring(from, to));
        nt.shift(cpBase);
        int[] spans = preTokenizer.split(nt);
        IntList ids = new IntList();
        IntList starts = new IntList();
        IntList ends = new IntList();
        char[] buf = nt.buffer();
        for (int k = 0; k < spans.length; k += 2) {
            model.tokenize(buf, spans[k], spans[k + 1], ids, starts, ends);
        }
        for (int j = 0; j < ids.size; j++) {
            int id = ids.a[j];
            b.add(id, typeId, model.token(id), nt.start(starts.a[j]), nt.end(ends.a[j] - 1), false, 1, sequenceId);
        }
    }

    /** Hugging Face's {@code decode(ids)}: special tokens skipped, the decoder joins the rest. */
    @Override
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    /**
     * Hugging Face's {@code decode(ids, skip_special_tokens)}.
     *
     * @throws IllegalArgumentException naming the first id that is not in the vocabulary
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            AddedToken t = addedById.get(id);
            if (t != null) {
                if (!(skipSpecialTokens && t.special())) {
                    tokens.add(t.content());
                }
                continue;
            }
            tokens.add(token(id));
        }
        return decoder.decode(tokens);
    }

    /** Hands each word of {@code text} (normalized and pre-tokenized) to {@code sink}; used by training. */
    void forEachWord(String text, FastBertEncoder.WordSink sink) {
        if (fast != null) {
            fast.forEachWord(text, 0, text.length(), sink);
            return;
        }
        NormalizedText nt = normalizer.normalize(text);
        int[] spans = preTokenizer.split(nt);
        char[] buf = nt.buffer();
        char[] word = new char[64];
        for (int k = 0; k < spans.length; k += 2) {
            int len = spans[k + 1] - spans[k];
            if (word.length < len) {
                word = new char[len * 2];
            }
            System.arraycopy(buf, spans[k], word, 0, len);
            sink.word(word, len);
        }
    }

    // ---------------------------------------------------------------- files

    /** This tokenizer as Hugging Face's {@code tokenizer.json} (UTF-8 bytes). */
    @Override
    public byte[] serialize() {
        return toJson().getBytes(StandardCharsets.UTF_8);
    }

    /** This tokenizer as the text of a Hugging Face {@code tokenizer.json}. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", "1.0");
        m.put("truncation", truncation == null ? null : truncation.toJson());
        m.put("padding", padding == null ? null : padding.toJson());
        List<Object> added = new ArrayList<>();
        for (AddedToken t : addedTokens) {
            added.add(t.toJson());
        }
        m.put("added_tokens", added);
        m.put("normalizer", normalizer.toJson());
        m.put("pre_tokenizer", preTokenizer.toJson());
        m.put("post_processor", postProcessor.toJson());
        m.put("decoder", decoder.toJson());
        m.put("model", model.toJson());
        return Json.writePretty(m) + "\n";
    }

    /** Writes {@code tokenizer.json}. */
    public void save(Path file) throws IOException {
        Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    }

    /** Writes the vocabulary as {@code vocab.txt} (ids must be contiguous). */
    public void saveVocab(Path file) throws IOException {
        StringWriter w = new StringWriter();
        model.writeVocabTxt(w);
        Files.writeString(file, w.toString(), StandardCharsets.UTF_8);
    }

    /**
     * Reads Hugging Face's {@code tokenizer.json} text.
     *
     * @param source names the input in error messages
     * @throws IllegalArgumentException whose message names the JSON path (and for syntax errors the
     *         line and column) of what is wrong
     */
    public static WordPieceTokenizer fromJson(String json, String source) {
        return TokenizerJson.read(Json.parse(json, source));
    }

    /** Rebuilds a tokenizer from {@link #serialize()} output. */
    public static WordPieceTokenizer deserialize(byte[] state) {
        return fromJson(new String(state, StandardCharsets.UTF_8), "tokenizer state");
    }

    /**
     * A BERT tokenizer from {@code vocab.txt} (see {@link WordPiece#readVocabTxt(byte[], String)})
     * with {@link #bert(WordPiece, boolean)}'s pipeline.
     */
    public static WordPieceTokenizer fromVocabTxt(byte[] vocabTxt, String source, boolean lowercase) {
        Map<String, Integer> vocab = WordPiece.readVocabTxt(vocabTxt, source);
        String unk = vocab.containsKey("[UNK]") ? "[UNK]" : null;
        if (unk == null) {
            throw new IllegalArgumentException(source + ": the vocabulary has no [UNK] token");
        }
        return bert(new WordPiece(vocab, unk, "##", WordPiece.DEFAULT_MAX_INPUT_CHARS_PER_WORD), lowercase);
    }

    /**
     * Loads {@code tokenizer.json} or {@code vocab.txt} (a file whose first non-blank character is
     * {@code '{'} is read as JSON; a vocab.txt gets the lower-casing BERT pipeline).
     */
    public static WordPieceTokenizer load(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int i = 0;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) {
            i++;
        }
        if (i < bytes.length && bytes[i] == '{') {
            return fromJson(new String(bytes, StandardCharsets.UTF_8), file.toString());
        }
        return fromVocabTxt(bytes, file.toString(), true);
    }

    @Override
    public String toString() {
        return "WordPieceTokenizer[vocab=" + vocabSize + ", normalizer=" + normalizer + ", preTokenizer=" + preTokenizer + "]";
    }
}

package dev.quire.runtime.stages;

import dev.quire.api.ComponentKind;
import dev.quire.api.ProgressListener;
import dev.quire.api.Tokenizer;
import dev.quire.api.TokenizerFactory;
import dev.quire.json.Json;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.config.ComponentChoice;
import dev.quire.runtime.config.PipelineConfig;
import dev.quire.runtime.discovery.ComponentCatalog;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tokenizers as a language model needs them: {@code encode(text)} must give the tokens of the text and
 * nothing else, because the corpus is encoded once and cut into windows, and a prompt is continued
 * after its last token.
 *
 * <p>Hugging Face semantics break that for tokenizers with a post-processor: WordPiece's
 * {@code encode} adds {@code [CLS]} before and {@code [SEP]} after every text, and a loaded
 * {@code tokenizer.json} may truncate to 512 tokens. The API's {@link Tokenizer} has no method for
 * "the text's tokens only", so {@link #forLanguageModel} detects a tokenizer that adds tokens (it
 * encodes the empty text) and, when its state is a {@code tokenizer.json}, rebuilds it through its
 * factory with {@code post_processor}, {@code truncation} and {@code padding} set to {@code null}. The
 * result is a tokenizer of the same family whose {@link Tokenizer#serialize() state} is what
 * checkpoints embed, so {@code sample}, {@code generate} and resumed runs see the same tokenizer.
 */
public final class LanguageModelTokenizers {

    private LanguageModelTokenizers() {
    }

    /**
     * Trains the pipeline's tokenizer on {@code text} (or loads the file its options name) and makes it
     * fit for language modelling ({@link #forLanguageModel}).
     *
     * @throws QuireUserException if it cannot be trained on the corpus, or its options ask for a
     *         vocabulary smaller than training must give (the message names {@code tokenizer.vocabSize})
     */
    public static Tokenizer train(PipelineConfig config, ComponentCatalog catalog, String text,
                                  ProgressListener progress) {
        ComponentChoice choice = config.tokenizer();
        var factory = (TokenizerFactory) Models.create(catalog, choice);
        Tokenizer trained;
        try {
            trained = factory.trainer().train(Corpus.documents(text), progress);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new QuireUserException("tokenizer '" + choice.id() + "' cannot be trained on "
                    + config.data().describe() + ": " + e.getMessage(), e);
        }
        Optional<Integer> asked = trainedVocabSize(choice.options());
        if (asked.isPresent() && trained.vocabSize() > asked.get()) {
            throw new QuireUserException(String.format(java.util.Locale.ROOT,
                    "%s.vocabSize: %d is too small for tokenizer '%s': its initial alphabet and special tokens "
                            + "alone give %d tokens; set vocabSize to at least %d",
                    choice.role(), asked.get(), choice.id(), trained.vocabSize(), trained.vocabSize()));
        }
        return forLanguageModel(trained, catalog);
    }

    /**
     * {@code tokenizer} itself when {@code encode("")} is empty (BPE, char); otherwise the same
     * tokenizer without the post-processor, truncation and padding of its {@code tokenizer.json} state.
     *
     * @throws QuireUserException if the tokenizer adds tokens to every text and its state is not a
     *         {@code tokenizer.json} with a {@code post_processor}
     */
    public static Tokenizer forLanguageModel(Tokenizer tokenizer, ComponentCatalog catalog) {
        int[] added = tokenizer.encode("");
        if (added.length == 0) {
            return tokenizer;
        }
        Optional<Map<String, Object>> json = tokenizerJson(tokenizer.serialize());
        if (json.isEmpty() || !json.get().containsKey("post_processor")) {
            throw new QuireUserException("tokenizer '" + tokenizer.factoryId() + "' adds the tokens "
                    + Arrays.toString(added) + " to every text and cannot be told not to; a language model "
                    + "needs a tokenizer whose encode(text) gives only the text's tokens");
        }
        Map<String, Object> plain = new LinkedHashMap<>(json.get());
        plain.put("post_processor", null);
        plain.replace("truncation", null);
        plain.replace("padding", null);
        var factory = (TokenizerFactory) catalog.require(ComponentKind.TOKENIZER, tokenizer.factoryId())
                .create(catalog.require(ComponentKind.TOKENIZER, tokenizer.factoryId()).defaultOptions());
        Tokenizer result = factory.load(Json.writePretty(plain).concat("\n").getBytes(StandardCharsets.UTF_8));
        if (result.encode("").length != 0) {
            throw new QuireUserException("tokenizer '" + tokenizer.factoryId() + "' still adds tokens to every text "
                    + "without its post-processor; a language model cannot use it");
        }
        return result;
    }

    /** The state as a JSON object when it is one ({@code tokenizer.json}), else empty. */
    static Optional<Map<String, Object>> tokenizerJson(byte[] state) {
        int i = 0;
        while (i < state.length && Character.isWhitespace(state[i])) {
            i++;
        }
        if (i >= state.length || state[i] != '{') {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.parse(new String(state, StandardCharsets.UTF_8), "tokenizer state").object());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The file name a tokenizer's native form is saved under: {@code tokenizer.json} or {@code tokenizer-<id>.bin}. */
    static String fileName(Tokenizer tokenizer, byte[] state) {
        return tokenizerJson(state).isPresent() ? "tokenizer.json" : "tokenizer-" + tokenizer.factoryId() + ".bin";
    }

    /**
     * The {@code vocabSize} option when the options train a vocabulary (a record with an {@code int
     * vocabSize} and no, or an empty, {@code file}); empty otherwise.
     */
    private static Optional<Integer> trainedVocabSize(Record options) {
        Integer size = null;
        for (RecordComponent c : options.getClass().getRecordComponents()) {
            try {
                Object value = c.getAccessor().invoke(options);
                if (c.getName().equals("vocabSize") && value instanceof Integer n) {
                    size = n;
                } else if (c.getName().equals("file") && value != null && !value.toString().isEmpty()) {
                    return Optional.empty();
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(size);
    }
}

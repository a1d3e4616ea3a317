package dev.quire.runtime.stages;

import dev.quire.api.Stage;
import dev.quire.api.StageContext;
import dev.quire.api.Tokenizer;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.config.PipelineConfig;
import dev.quire.runtime.config.TokenizeOptions;
import dev.quire.runtime.discovery.ComponentCatalog;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code tokenize} stage: trains the pipeline's {@code tokenizer} on the corpus (or loads the file
 * its options name), made fit for language modelling ({@link LanguageModelTokenizers#forLanguageModel}),
 * reports its vocabulary size and how many tokens the corpus gives, saves it in the output directory
 * in its native form ({@code tokenizer.json} for {@code bpe} and {@code wordpiece}, the serialized
 * state as {@code tokenizer-<id>.bin} otherwise), and leaves it on the blackboard as
 * {@link Tokenizer}, where a following {@code pretrain} takes it instead of training its own.
 */
public final class TokenizeStage implements Stage {

    private final TokenizeOptions options;
    private final PipelineConfig config;
    private final ComponentCatalog catalog;

    @Inject
    TokenizeStage(TokenizeOptions options, PipelineConfig config, ComponentCatalog catalog) {
        this.options = options;
        this.config = config;
        this.catalog = catalog;
    }

    @Override
    public void run(StageContext context) throws IOException {
        String text = Corpus.load(config.data());
        context.say(String.format(Locale.ROOT, "tokenize: tokenizer '%s', corpus %s, %,d characters",
                config.tokenizer().id(), config.data().describe(), text.length()));
        long started = System.nanoTime();
        Tokenizer tokenizer = LanguageModelTokenizers.train(config, catalog, text, context.progress());
        double trainSeconds = (System.nanoTime() - started) / 1e9;

        int tokens;
        try {
            tokens = tokenizer.encode(text).length;
        } catch (IllegalArgumentException e) {
            throw new QuireUserException("the tokenizer cannot encode corpus " + config.data().describe() + ": "
                    + e.getMessage(), e);
        }

        String saved = "";
        if (options.save()) {
            byte[] state = tokenizer.serialize();
            Path file = context.outputDirectory().resolve(LanguageModelTokenizers.fileName(tokenizer, state));
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(temporary, state);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            saved = "; saved " + file;
        }
        context.say(String.format(Locale.ROOT,
                "tokenize: vocabulary %,d in %.2f s; the corpus is %,d tokens (%.2f characters per token)%s",
                tokenizer.vocabSize(), trainSeconds, tokens, tokens == 0 ? 0.0 : (double) text.length() / tokens, saved));
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("tokenizer", config.tokenizer().id());
        record.put("vocab_size", tokenizer.vocabSize());
        record.put("corpus_chars", text.length());
        record.put("corpus_tokens", tokens);
        record.put("train_seconds", trainSeconds);
        context.metrics().record(record);
        context.put(Tokenizer.class, tokenizer);
    }
}

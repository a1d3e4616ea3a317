package dev.quire.runtime.stages;

import dev.quire.api.Stage;
import dev.quire.api.StageContext;
import dev.quire.api.Tokenizer;
import dev.quire.model.Generator;
import dev.quire.model.Gpt;
import dev.quire.model.Rng;
import dev.quire.model.SamplingConfig;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.config.SampleOptions;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.discovery.ComponentCatalog;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * The {@code sample} stage: continues a prompt with the current model (key/value-cache generation,
 * temperature, top-k, top-p), printing the text on standard output as it is produced and appending it
 * to {@code samples.txt}. Uses the model of an earlier stage, or else the output directory's checkpoint.
 */
public final class SampleStage implements Stage {

    private final SampleOptions options;
    private final ComponentCatalog catalog;
    private final Console console;

    @Inject
    SampleStage(SampleOptions options, ComponentCatalog catalog, Console console) {
        this.options = options;
        this.catalog = catalog;
        this.console = console;
    }

    @Override
    public void run(StageContext context) {
        ModelBundle bundle = context.get(ModelBundle.class)
                .orElseGet(() -> Models.fromCheckpoint(context.outputDirectory(), options.checkpoint(), catalog));
        var sampling = new SamplingConfig(options.temperature(), options.topK(), options.topP());
        var all = new StringBuilder();
        for (int i = 0; i < options.samples(); i++) {
            context.say(String.format(Locale.ROOT, "--- sample %d of %d (temperature %s, top-k %d, top-p %s, %d tokens) ---",
                    i + 1, options.samples(), options.temperature(), options.topK(), options.topP(), options.tokens()));
            String text = generate(bundle.model(), bundle.tokenizer(), options.prompt(), options.tokens(), sampling,
                    new Rng(context.seed() + i), console.out());
            all.append(text).append("\n\n");
        }
        try {
            Files.writeString(RunFiles.samples(context.outputDirectory()), all.toString(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Generates and prints {@code tokens} tokens after {@code prompt}, streaming the text to {@code out}.
     *
     * @return the prompt followed by the generated text
     * @throws QuireUserException if the tokenizer cannot encode the prompt
     */
    public static String generate(Gpt model, Tokenizer tokenizer, String prompt, int tokens, SamplingConfig sampling,
                                  Rng random, PrintWriter out) {
        String start = prompt.isEmpty() ? "\n" : prompt;
        int[] ids;
        try {
            ids = tokenizer.encode(start);
        } catch (IllegalArgumentException e) {
            throw new QuireUserException("cannot encode the prompt " + quote(prompt) + ": " + e.getMessage(), e);
        }
        if (ids.length == 0) {
            ids = new int[] {0};
        }
        out.print(prompt);
        out.flush();
        int[] generated = new int[tokens];
        int[] count = {0};
        String[] printed = {""};
        Generator.generate(model, ids, tokens, sampling, random, token -> {
            generated[count[0]++] = token;
            // Decode the whole continuation and print what is new: right for tokenizers whose tokens
            // are parts of characters, too.
            String text = tokenizer.decode(Arrays.copyOf(generated, count[0]));
            if (text.startsWith(printed[0])) {
                out.print(text.substring(printed[0].length()));
            }
            printed[0] = text;
            out.flush();
        });
        out.println();
        out.flush();
        return prompt + tokenizer.decode(generated);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\n", "\\n") + "\"";
    }
}

package dev.quire.runtime.cli;

import dev.quire.api.ComponentKind;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.bench.RecipeBenchmark;
import dev.quire.runtime.config.ConfigException;
import dev.quire.runtime.config.Json;
import dev.quire.runtime.config.OptionsBinder;
import dev.quire.runtime.config.YamlDocument;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.discovery.ComponentEntry;
import dev.quire.runtime.discovery.Discovery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quire bench recipe}: nanoGPT's Shakespeare-character CPU recipe, timed; the Quire side of
 * {@code ../shared/anchors/torch_char_train.py}. The last line of standard output is JSON.
 */
@Command(name = "recipe", mixinStandardHelpOptions = true,
        description = {"nanoGPT's Shakespeare-character CPU recipe (4 layers, 4 heads, width 128, context 64, batch 12, "
                + "2000 steps of AdamW with cosine decay), timed from the first step to the last evaluation.",
                "Prints the train and validation loss every 250 steps, as ../shared/anchors/torch_char_train.py does.",
                "The last line of standard output is one JSON object (val_loss, wall_seconds, step_ms, ...)."})
final class BenchRecipeCommand implements Callable<Integer> {

    private final Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "FILE",
            description = "Tiny Shakespeare (default: ../shared/data/tinyshakespeare.txt, else data/tinyshakespeare.txt).")
    Path data;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "2000",
            description = "Optimizer steps; the schedule decays over them (default: ${DEFAULT-VALUE}, the recipe).")
    int steps;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for tensor work (default: all processors).")
    Integer threads;

    BenchRecipeCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws IOException {
        if (steps < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be >= 1, got " + steps);
        }
        Path file = corpus();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.length() < 10_000) {
            throw new QuireUserException("--data " + file + ": " + text.length() + " characters; the recipe needs a corpus "
                    + "like Tiny Shakespeare (about 1.1 million)");
        }
        Threads.apply(threads);
        Map<String, Object> result;
        try (var components = Discovery.discover(Optional.empty(), List.of())) {
            ComponentCatalog catalog = components.catalog();
            result = RecipeBenchmark.run(text, steps, new RecipeBenchmark.ComponentFactory() {
                @Override
                public <T> T create(ComponentKind kind, String id, Map<String, Object> options, Class<T> type) {
                    ComponentEntry entry = catalog.require(kind, id);
                    return type.cast(entry.create(bind(entry, options)));
                }
            }, console::say);
        }
        console.say(RecipeBenchmark.describe(result));
        console.say(Json.write(result));
        return 0;
    }

    /** {@code --data}, or Tiny Shakespeare where the repository layout puts it. */
    private Path corpus() {
        if (data != null) {
            if (!Files.isRegularFile(data)) {
                throw new QuireUserException("--data " + data + ": no such file");
            }
            return data;
        }
        for (Path candidate : List.of(Path.of("..", "shared", "data", "tinyshakespeare.txt"),
                Path.of("data", "tinyshakespeare.txt"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new QuireUserException("no Tiny Shakespeare found at ../shared/data/tinyshakespeare.txt or "
                + "data/tinyshakespeare.txt; give it with --data FILE");
    }

    /** The component's default options with {@code changes} applied, checked as a pipeline file's would be. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Record bind(ComponentEntry entry, Map<String, Object> changes) {
        try {
            var root = YamlDocument.parse(Path.of("bench recipe"), Json.write(changes)).root();
            return OptionsBinder.bind(root.mapping("options"), Set.of(), (Class) entry.provider().optionsType(),
                    entry.defaultOptions(), "component '" + entry.descriptor().id() + "'", Path.of("").toAbsolutePath());
        } catch (ConfigException e) {
            throw new QuireUserException("bench recipe: options of '" + entry.descriptor().id() + "': " + e.problem(), e);
        }
    }
}

package dev.quire.runtime.cli;

import dev.quire.api.ComponentKind;
import dev.quire.api.ProgressListener;
import dev.quire.api.Tokenizer;
import dev.quire.api.TokenizerFactory;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.config.ConfigException;
import dev.quire.runtime.config.Json;
import dev.quire.runtime.config.OptionsBinder;
import dev.quire.runtime.config.YamlDocument;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.discovery.ComponentEntry;
import dev.quire.runtime.discovery.Discovery;
import dev.quire.runtime.stages.LanguageModelTokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quire bench tokenizer}: encoding speed of a tokenizer on a text file; the last line of standard
 * output is one JSON object with {@code mb_per_sec} and {@code tokens}.
 */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = {"Encoding speed of a tokenizer on a UTF-8 text file (MB = 10^6 bytes of UTF-8).",
                "TOKENIZER is a tokenizer.json (byte-level BPE or WordPiece), a tiktoken rank file "
                        + "(<name>.tiktoken, or give --encoding), or an encoding name (r50k_base, cl100k_base, "
                        + "o200k_base) whose rank file is looked up in --ranks.",
                "One thread encodes the whole text as one string; N threads encode N x 8 pieces cut after line "
                        + "ends (where no pre-token spans the cut), so the tokens are the same.",
                "WordPiece encodes without its post-processor ([CLS]/[SEP]), as a language model does.",
                "The last line of standard output is one JSON object: tokenizer, threads, bytes, tokens, "
                        + "seconds (best run), mb_per_sec, runs."})
final class BenchTokenizerCommand implements Callable<Integer> {

    private static final List<String> ENCODINGS = List.of("r50k_base", "cl100k_base", "o200k_base", "p50k_base", "gpt2");

    private final Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--tokenizer", required = true, paramLabel = "FILE|ENCODING",
            description = "tokenizer.json, tiktoken rank file, or r50k_base / cl100k_base / o200k_base.")
    String tokenizer;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "The UTF-8 text to encode.")
    Path input;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "Encoding threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "3",
            description = "Keep encoding for about S seconds after one warm-up run; the best run counts (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--encoding", paramLabel = "NAME", description = "The encoding of a rank file whose name does not say it.")
    String encoding;

    @Option(names = "--ranks", paramLabel = "DIR",
            description = "Where <encoding>.tiktoken files are (default: $QUIRE_TIKTOKEN_DIR, else ../shared/data/tiktoken, else data/tiktoken).")
    Path ranks;

    BenchTokenizerCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || threads > 1024) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be from 1 to 1024, got " + threads);
        }
        if (!(seconds >= 0) || seconds > 3600) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seconds must be from 0 to 3600, got " + seconds);
        }
        if (!Files.isRegularFile(input)) {
            throw new QuireUserException("--input " + input + (Files.exists(input) ? " is not a regular file" : " does not exist"));
        }
        String text = new String(Files.readAllBytes(input), StandardCharsets.UTF_8);
        long bytes = text.getBytes(StandardCharsets.UTF_8).length;

        Map<String, Object> result = new LinkedHashMap<>();
        try (var components = Discovery.discover(Optional.empty(), List.of())) {
            Tokenizer tok = load(components.catalog());
            List<String> pieces = pieces(text, threads == 1 ? 1 : threads * 8);
            ExecutorService pool = threads == 1 ? null : Executors.newFixedThreadPool(threads);
            try {
                long tokens = encode(tok, pieces, pool); // warm-up
                double best = Double.MAX_VALUE;
                double spent = 0;
                int runs = 0;
                do {
                    long t0 = System.nanoTime();
                    long n = encode(tok, pieces, pool);
                    double d = (System.nanoTime() - t0) / 1e9;
                    if (n != tokens) {
                        throw new IllegalStateException("the tokenizer gave " + n + " tokens, before " + tokens);
                    }
                    best = Math.min(best, d);
                    spent += d;
                    runs++;
                } while (spent < seconds);
                result.put("tokenizer", tokenizer);
                result.put("tokenizer_id", tok.factoryId());
                result.put("vocab_size", tok.vocabSize());
                result.put("threads", threads);
                result.put("bytes", bytes);
                result.put("tokens", tokens);
                result.put("seconds", best);
                result.put("mb_per_sec", Math.round(bytes / 1e6 / best * 100) / 100.0);
                result.put("runs", runs);
            } finally {
                if (pool != null) {
                    pool.shutdownNow();
                }
            }
        }
        console.say(String.format(Locale.ROOT, "bench tokenizer %s on %s: %.2f MB/s, %,d tokens of %,d bytes, %d thread%s",
                tokenizer, input, (Double) result.get("mb_per_sec"), (Long) result.get("tokens"), bytes, threads,
                threads == 1 ? "" : "s"));
        console.say(Json.write(result));
        return 0;
    }

    private static long encode(Tokenizer tok, List<String> pieces, ExecutorService pool)
            throws InterruptedException, ExecutionException {
        if (pool == null) {
            long n = 0;
            for (String p : pieces) {
                n += tok.encode(p).length;
            }
            return n;
        }
        var next = new AtomicInteger();
        List<Callable<Long>> workers = Collections.nCopies(((java.util.concurrent.ThreadPoolExecutor) pool).getCorePoolSize(),
                () -> {
                    long n = 0;
                    for (int i = next.getAndIncrement(); i < pieces.size(); i = next.getAndIncrement()) {
                        n += tok.encode(pieces.get(i)).length;
                    }
                    return n;
                });
        long n = 0;
        for (Future<Long> f : pool.invokeAll(workers)) {
            n += f.get();
        }
        return n;
    }

    /**
     * {@code text} in about {@code count} pieces, each cut right after a line end that is followed by a
     * character that is not white space: no pre-tokenizer (tiktoken's, Hugging Face's byte-level or BERT's)
     * has a piece that spans such a cut, so the pieces' tokens are the text's.
     */
    static List<String> pieces(String text, int count) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int k = 1; k < count && start < text.length(); k++) {
            int cut = Math.max(start + 1, (int) ((long) text.length() * k / count));
            while (cut < text.length() && !(text.charAt(cut - 1) == '\n' && !Character.isWhitespace(text.charAt(cut)))) {
                cut++;
            }
            if (cut >= text.length()) {
                break;
            }
            pieces.add(text.substring(start, cut));
            start = cut;
        }
        pieces.add(text.substring(start));
        return pieces;
    }

    private Tokenizer load(ComponentCatalog catalog) throws IOException {
        Path file = Path.of(tokenizer);
        String id;
        Map<String, Object> options = new LinkedHashMap<>();
        if (Files.isRegularFile(file)) {
            if (tokenizer.endsWith(".json")) {
                id = modelType(file);
                options.put("file", file.toAbsolutePath().toString());
            } else if (tokenizer.endsWith(".txt")) {
                id = "wordpiece"; // vocab.txt
                options.put("file", file.toAbsolutePath().toString());
            } else {
                id = "bpe";
                String name = encoding != null ? encoding : stem(file);
                if (!ENCODINGS.contains(name)) {
                    throw new QuireUserException("--tokenizer " + file + ": a rank file must be named after its encoding ("
                            + String.join(", ", ENCODINGS.subList(0, 3)) + ", e.g. cl100k_base.tiktoken) or --encoding "
                            + "must name it");
                }
                options.put("encoding", name);
                options.put("file", file.toAbsolutePath().toString());
            }
        } else if (ENCODINGS.contains(tokenizer)) {
            id = "bpe";
            options.put("encoding", tokenizer);
            options.put("file", rankFile(tokenizer).toAbsolutePath().toString());
        } else {
            throw new QuireUserException("--tokenizer " + tokenizer + " is neither a file nor one of the encodings "
                    + String.join(", ", ENCODINGS.subList(0, 3)));
        }
        ComponentEntry entry = catalog.find(ComponentKind.TOKENIZER, id).orElseThrow(() -> new QuireUserException(
                "tokenizer '" + id + "' is not available. " + catalog.choices(ComponentKind.TOKENIZER)));
        Record bound = bind(entry, options);
        Tokenizer loaded;
        try {
            loaded = ((TokenizerFactory) entry.create(bound)).trainer()
                    .train(Collections.emptyIterator(), ProgressListener.NONE);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new QuireUserException("--tokenizer " + tokenizer + ": " + e.getMessage(), e);
        }
        return LanguageModelTokenizers.forLanguageModel(loaded, catalog);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Record bind(ComponentEntry entry, Map<String, Object> options) {
        Path source = Path.of("--tokenizer");
        try {
            var root = YamlDocument.parse(source, Json.write(options)).root();
            return OptionsBinder.bind(root.mapping("options"), Set.of(), (Class) entry.provider().optionsType(),
                    entry.defaultOptions(), "tokenizer '" + entry.descriptor().id() + "'", Path.of("").toAbsolutePath());
        } catch (ConfigException e) {
            throw new QuireUserException("--tokenizer " + tokenizer + ": " + e.problem(), e);
        }
    }

    /** {@code bpe} or {@code wordpiece}, from the {@code model.type} of a {@code tokenizer.json}. */
    private static String modelType(Path file) throws IOException {
        try {
            var root = dev.quire.json.Json.parse(Files.readString(file), file.toString());
            String type = String.valueOf(root.get("model").object().get("type"));
            return switch (type) {
                case "BPE" -> "bpe";
                case "WordPiece" -> "wordpiece";
                default -> throw new QuireUserException(file + ": $.model.type is '" + type
                        + "'; this benchmark reads BPE and WordPiece tokenizers");
            };
        } catch (IllegalArgumentException e) {
            throw new QuireUserException(e.getMessage(), e);
        }
    }

    private Path rankFile(String name) {
        List<Path> dirs = new ArrayList<>();
        if (ranks != null) {
            dirs.add(ranks);
        } else {
            String env = System.getenv("QUIRE_TIKTOKEN_DIR");
            if (env != null && !env.isEmpty()) {
                dirs.add(Path.of(env));
            }
            dirs.add(Path.of("..", "shared", "data", "tiktoken"));
            dirs.add(Path.of("data", "tiktoken"));
        }
        for (Path dir : dirs) {
            Path candidate = dir.resolve(name + ".tiktoken");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new QuireUserException("no rank file " + name + ".tiktoken in " + dirs
                + " (nothing is downloaded): give --ranks DIR or the file itself as --tokenizer");
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.indexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}

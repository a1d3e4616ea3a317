package dev.quire.runtime.cli;

import dev.quire.model.SamplingConfig;
import dev.quire.rlhf.data.PreferenceFormatException;
import dev.quire.rlhf.ranking.ModelSampler;
import dev.quire.rlhf.ranking.Prompts;
import dev.quire.rlhf.ranking.RankingLog;
import dev.quire.rlhf.ranking.RankingSession;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.checkpoint.Checkpoint;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.discovery.Discovery;
import dev.quire.runtime.pipeline.BuiltinStages;
import dev.quire.runtime.pipeline.StageFactory;
import dev.quire.runtime.stages.RewardStage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quire rank}: a person ranks K sampled completions of each prompt in the terminal; every answer is
 * appended to {@code --out} as a ranking JSON line and forced to disk, and a restarted session resumes after
 * the last prompt answered (see {@code docs/alignment-data.md}).
 */
@Command(name = "rank", mixinStandardHelpOptions = true,
        description = {"Rank sampled completions by hand. For each prompt, K completions from the checkpoint are "
                + "shown numbered; type their numbers best first (\"2 1 4 3\" or \"2143\"), s to skip, q to quit. "
                + "Each answer is appended to --out at once; run the same command again to resume."})
final class RankCommand implements Callable<Integer> {

    private final Console console;

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "The checkpoint to sample from.")
    Path checkpoint;

    @Option(names = "--prompts", required = true, paramLabel = "FILE",
            description = "One prompt per line, or a .jsonl file of {\"prompt\": ...} objects.")
    Path prompts;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Rankings JSON lines, appended to (created if absent, resumed if present).")
    Path out;

    @Option(names = "--k", paramLabel = "K", defaultValue = "4", description = "Completions per prompt, 2 to 26 (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "64", description = "Tokens per completion (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0",
            description = "Sampling temperature, > 0 so the K completions differ (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "Keep the K most likely tokens; 0 = all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1.0", description = "Nucleus sampling in (0, 1]; 1 = off (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1337",
            description = "Random seed; prompt i always gets the same completions for the same seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--plugins", paramLabel = "DIR", description = "Directory of plugin jars (if the checkpoint used a plugin's component).")
    Path plugins;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for tensor work (default: all processors).")
    Integer threads;

    RankCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() {
        if (k < 2 || k > 26) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--k must be from 2 to 26, got " + k);
        }
        if (tokens < 1 || tokens > 100_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tokens must be from 1 to 100000, got " + tokens);
        }
        if (!(temperature > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--temperature must be > 0 (with 0 all K completions would be the same), got " + temperature);
        }
        SamplingConfig sampling;
        try {
            sampling = new SamplingConfig(temperature, topK, topP);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Threads.apply(threads);
        List<String> promptList = userInput(() -> Prompts.read(prompts));
        Checkpoint file = Checkpoints.read(checkpoint);
        try (var components = Discovery.discover(Optional.ofNullable(plugins), BuiltinStages.entries(new StageFactory()))) {
            var restored = RewardStage.restoreModel(checkpoint, file, components.catalog());
            var sampler = new ModelSampler(restored.model(), restored.tokenizer(), tokens, sampling, seed);
            // Every prompt must encode before the first one is shown: no surprise halfway through a session.
            for (int i = 0; i < promptList.size(); i++) {
                try {
                    sampler.encode(promptList.get(i));
                } catch (IllegalArgumentException e) {
                    throw new QuireUserException(prompts + ": prompt " + (i + 1) + " cannot be used with the tokenizer of "
                            + checkpoint + ": " + e.getMessage(), e);
                }
            }
            if (Files.isDirectory(out)) {
                throw new QuireUserException("--out " + out + " is a directory; give a file for the rankings");
            }
            try (RankingLog log = userInput(() -> RankingLog.open(out, promptList, k))) {
                console.note(String.format("quire: %s, step %d, %,d parameters; %d prompts from %s, k = %d",
                        checkpoint, file.header().getStep(), restored.model().parameterCount(), promptList.size(),
                        prompts, k));
                var in = new BufferedReader(new InputStreamReader(System.in, terminalCharset()));
                var summary = new RankingSession(promptList, k, sampler, log, in, console.out()).run();
                int held = summary.before() + summary.answered();
                console.note(String.format("quire: %d ranked, %d skipped; %s holds %d ranking%s%s", summary.answered(),
                        summary.skipped(), out, held, held == 1 ? "" : "s", summary.remaining() > 0
                                ? "; " + summary.remaining() + " prompt" + (summary.remaining() == 1 ? "" : "s")
                                + " to go (run again to resume)" : ""));
            }
        }
        return 0;
    }

    /** Runs a read of the user's files, turning a format error or a busy file into bad input (exit 2). */
    private static <T> T userInput(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (PreferenceFormatException | IllegalStateException e) {
            throw new QuireUserException(e.getMessage(), e);
        }
    }

    private static Charset terminalCharset() {
        String encoding = System.getProperty("stdin.encoding");
        try {
            return encoding == null ? Charset.defaultCharset() : Charset.forName(encoding);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}

package dev.quire.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.runtime.Cli;
import dev.quire.runtime.checkpoint.Checkpoint;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.stages.RunFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume: N steps straight against N/2 steps, then {@code --resume} to N; every loss, learning
 * rate, gradient norm and evaluation in {@code metrics.jsonl} and every final weight, optimizer buffer
 * and the random state must be bit for bit the same. (Dropout does not exist yet, so random state is
 * covered through batch sampling; when dropout arrives these pipelines must turn it on.)
 */
class ResumeTest {

    static final int N = 20;

    @TempDir
    Path dir;

    private static String pipeline(String schedule, int steps, int checkpointInterval, int keepLast) {
        return """
                seed: 11
                output: out
                data: {builtin: demo, chars: 20000, validationFraction: 0.1}
                tokenizer: {id: char}
                model: {layers: 1, heads: 2, width: 32, context: 16, attention: {id: standard}, positional: {id: learned}}
                optimizer: {id: adamw, lr: 3.0e-3}
                # dropout everywhere, so the random state the checkpoint carries is exercised
                regularizers: [{id: dropout, embedding: 0.1, residual: 0.1, attention: 0.1}]
                schedule: %s
                stages:
                  - pretrain: {steps: %d, batchSize: 8, evalInterval: 5, evalIterations: 2, checkpointInterval: %d, keepLast: %d}
                """.formatted(schedule, steps, checkpointInterval, keepLast);
    }

    /** The pretrain records of metrics.jsonl without their timings (tokens_per_sec, elapsed_ms). */
    private static List<String> records(Path output) throws IOException {
        return Files.readAllLines(RunFiles.metrics(output)).stream()
                .filter(l -> l.startsWith("{\"stage\":\"pretrain\""))
                .map(l -> l.replaceAll(",\"tokens_per_sec\":[^,}]*", "").replaceAll(",\"elapsed_ms\":[^,}]*", ""))
                .toList();
    }

    private static void assertSameState(Checkpoint expected, Checkpoint actual) {
        assertThat(actual.header().getStep()).isEqualTo(expected.header().getStep());
        assertThat(actual.header().getRngState()).isEqualTo(expected.header().getRngState());
        assertThat(actual.header().getOptimizerScalarsMap()).isEqualTo(expected.header().getOptimizerScalarsMap());
        assertThat(actual.tensors().keySet()).isEqualTo(expected.tensors().keySet());
        expected.tensors().forEach((name, tensor) -> {
            float[] a = tensor.data();
            float[] b = actual.tensors().get(name).data();
            assertThat(b).hasSameSizeAs(a);
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                    throw new AssertionError(name + "[" + i + "]: " + a[i] + " straight, " + b[i] + " resumed");
                }
            }
        });
    }

    private static void run(Path file, String... extra) {
        var args = new java.util.ArrayList<>(List.of("run", file.toString(), "--threads", "1"));
        args.addAll(List.of(extra));
        var result = Cli.run(args.toArray(String[]::new));
        assertThat(result.status()).as(result.toString()).isZero();
    }

    /** A cosine schedule with warm-up over the N steps. */
    private static final String COSINE = "{id: cosine, warmupSteps: 4, decaySteps: " + N + ", minLearningRate: 1.0e-4}";

    /**
     * The cosine pipeline keeping 4 step checkpoints, with early stopping after the dropout: minDelta 1.0,
     * so only the first evaluation (step 5) counts as an improvement, and patience 2 stops the run at step 15.
     */
    private static String earlyStopping(boolean restoreBest) {
        String dropout = "regularizers: [{id: dropout, embedding: 0.1, residual: 0.1, attention: 0.1}]";
        String text = pipeline(COSINE, N, 5, 4);
        assertThat(text).contains(dropout);
        return text.replace(dropout, "regularizers: [{id: dropout, embedding: 0.1, residual: 0.1, attention: 0.1},"
                + " {id: early-stopping, patience: 2, minDelta: 1.0, restoreBest: " + restoreBest + "}]");
    }

    /**
     * Makes {@code to} what a run of {@code from}'s pipeline "killed" at step 13 leaves: its last
     * checkpoint is {@code from}'s step 10, its metrics reach step 13.
     */
    private static void killedAt13(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        Files.copy(RunFiles.step(from, 10), RunFiles.latest(to));
        List<String> lines = Files.readAllLines(RunFiles.metrics(from));
        int upTo13 = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("{\"stage\":\"pretrain\",\"step\":13,")) {
                upTo13 = i + 1;
            }
        }
        Files.write(RunFiles.metrics(to), lines.subList(0, upTo13), StandardOpenOption.CREATE_NEW);
    }

    @Test
    void halfThenResumeEqualsStraightBitForBit() throws IOException {
        // Constant schedule: a pipeline of N/2 steps follows exactly the first half of the N-step run.
        Path straight = Cli.write(dir.resolve("a/p.yaml"), pipeline("{id: constant}", N, 5, 1));
        run(straight);
        Path half = Cli.write(dir.resolve("b/p.yaml"), pipeline("{id: constant}", N / 2, 5, 1));
        run(half);
        Path rest = Cli.write(dir.resolve("b/p.yaml"), pipeline("{id: constant}", N, 5, 1));
        run(rest, "--resume");

        List<String> a = records(dir.resolve("a/out"));
        List<String> b = records(dir.resolve("b/out"));
        assertThat(a.stream().filter(l -> l.contains("\"loss\":"))).hasSize(N);
        assertThat(a.stream().filter(l -> l.contains("\"val_loss\":"))).hasSize(N / 5);
        assertThat(b).as("every loss, learning rate, gradient norm and evaluation").containsExactlyElementsOf(a);
        assertSameState(Checkpoints.read(dir.resolve("a/out/checkpoint-latest.pb")),
                Checkpoints.read(dir.resolve("b/out/checkpoint-latest.pb")));
        assertSameState(Checkpoints.read(dir.resolve("a/out/checkpoint-best.pb")),
                Checkpoints.read(dir.resolve("b/out/checkpoint-best.pb")));
    }

    @Test
    void resumeFromAMidRunCheckpointAfterACrashEqualsStraight() throws IOException {
        // Cosine schedule with warm-up; the straight run keeps its step checkpoints.
        Path straight = Cli.write(dir.resolve("c/p.yaml"), pipeline(COSINE, N, 5, 3));
        run(straight);
        Path c = dir.resolve("c/out");
        assertThat(RunFiles.steps(c)).extracting(p -> p.getFileName().toString())
                .containsExactly("checkpoint-step-0000000010.pb", "checkpoint-step-0000000015.pb",
                        "checkpoint-step-0000000020.pb");
        assertSameState(Checkpoints.read(RunFiles.step(c, N)), Checkpoints.read(RunFiles.latest(c)));

        Path d = dir.resolve("d/out");
        killedAt13(c, d);
        Path resumed = Cli.write(dir.resolve("d/p.yaml"), pipeline(COSINE, N, 5, 3));
        var result = Cli.run("run", resumed.toString(), "--resume", "--threads", "1");
        assertThat(result.status()).as(result.toString()).isZero();
        assertThat(result.out()).contains("at step 10 of 20", "dropped 3 records of steps after 10");

        assertThat(records(d)).containsExactlyElementsOf(records(c));
        assertSameState(Checkpoints.read(RunFiles.latest(c)), Checkpoints.read(RunFiles.latest(d)));
    }

    @Test
    void earlyStoppingCountsOnAfterAResumeAndStopsWhereTheStraightRunStopped() throws IOException {
        // The straight run stops at step 15. A resume from step 10 must carry the count of 1 to stop there
        // too: counting afresh, it would take step 15 as a new best and run on to step 20.
        String stopping = earlyStopping(false);
        run(Cli.write(dir.resolve("f/p.yaml"), stopping));
        Path f = dir.resolve("f/out");
        List<String> straight = records(f);
        assertThat(straight.stream().filter(l -> l.contains("\"loss\":"))).as("stopped at step 15").hasSize(15);
        assertThat(Checkpoints.readHeader(RunFiles.step(f, 10)).getRegularizerStateMap())
                .containsEntry("1.validations_since_best", 1.0).containsKey("1.best");

        // Its step-10 checkpoint is written after that step's evaluation.
        Path g = dir.resolve("g/out");
        killedAt13(f, g);
        run(Cli.write(dir.resolve("g/p.yaml"), stopping), "--resume");

        assertThat(records(g)).containsExactlyElementsOf(straight);
        assertSameState(Checkpoints.read(RunFiles.latest(f)), Checkpoints.read(RunFiles.latest(g)));
        assertThat(Checkpoints.readHeader(RunFiles.latest(g)).getRegularizerStateMap())
                .isEqualTo(Checkpoints.readHeader(RunFiles.latest(f)).getRegularizerStateMap());
    }

    @Test
    void aStopAfterAResumePutsBackTheBestCheckpointsWeights() throws IOException {
        // restoreBest: the stop at step 15 puts back the best weights of the whole run, which a resumed
        // run takes from checkpoint-best.pb. Here that file holds step 10's weights under a loss no later
        // evaluation beats, so the run must end with exactly those weights (counting only the evaluations
        // since the resume, it would keep step 15's).
        String stopping = earlyStopping(true);
        run(Cli.write(dir.resolve("h/p.yaml"), stopping));
        Path h = dir.resolve("h/out");

        Path i = dir.resolve("i/out");
        Files.createDirectories(i);
        Files.copy(RunFiles.step(h, 10), RunFiles.latest(i));
        Checkpoint atTen = Checkpoints.read(RunFiles.step(h, 10));
        Checkpoints.write(RunFiles.best(i), atTen.header().toBuilder().setBestValidationLoss(0.25).build(),
                atTen.tensors().values());
        run(Cli.write(dir.resolve("i/p.yaml"), stopping), "--resume");

        Checkpoint end = Checkpoints.read(RunFiles.latest(i));
        assertThat(end.header().getStep()).as("stopped at step 15").isEqualTo(15);
        atTen.tensors().forEach((name, tensor) -> {
            if (name.startsWith("model/")) {
                assertThat(end.tensors().get(name).data()).as(name).containsExactly(tensor.data());
            }
        });
    }

    @Test
    void aResumeNeverReplacesABestCheckpointNewerThanItsLatestOneWithAWorseModel() throws IOException {
        // A run stopped between an evaluation and the next checkpoint leaves a checkpoint-best.pb the
        // latest checkpoint does not know of. Here that file says 0.25, which no
        // evaluation of the resumed run reaches, so it must come out of the run untouched.
        Path straight = Cli.write(dir.resolve("c/p.yaml"), pipeline(COSINE, N, 5, 3));
        run(straight);
        Path c = dir.resolve("c/out");
        // The latest checkpoint at step 10 knows the evaluations at steps 5 and 10; later ones are lower,
        // so measured against it alone they would replace the best file.
        double knownAt10 = Checkpoints.readHeader(RunFiles.step(c, 10)).getBestValidationLoss();
        assertThat(Checkpoints.readHeader(RunFiles.best(c)).getBestValidationLoss()).isLessThan(knownAt10);

        Path e = dir.resolve("e/out");
        Files.createDirectories(e);
        Files.copy(RunFiles.step(c, 10), RunFiles.latest(e));
        Checkpoint best = Checkpoints.read(RunFiles.best(c));
        Checkpoints.write(RunFiles.best(e), best.header().toBuilder().setBestValidationLoss(0.25).build(),
                best.tensors().values());
        byte[] bestBefore = Files.readAllBytes(RunFiles.best(e));
        run(Cli.write(dir.resolve("e/p.yaml"), pipeline(COSINE, N, 5, 3)), "--resume");

        assertThat(Files.readAllBytes(RunFiles.best(e))).isEqualTo(bestBefore);
        assertSameState(Checkpoints.read(RunFiles.latest(c)), Checkpoints.read(RunFiles.latest(e)));
    }

    @Test
    void aDamagedOrForeignCheckpointIsRefusedAndNothingIsOverwritten() throws IOException {
        Path file = Cli.write(dir.resolve("e/p.yaml"), pipeline("{id: constant}", 10, 5, 1));
        run(file);
        Path out = dir.resolve("e/out");
        Path latest = RunFiles.latest(out);
        byte[] bytes = Files.readAllBytes(latest);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(latest, bytes);
        byte[] metrics = Files.readAllBytes(RunFiles.metrics(out));
        Path longer = Cli.write(dir.resolve("e/p.yaml"), pipeline("{id: constant}", 20, 5, 1));
        List<String> before;
        try (var files = Files.list(out)) {
            before = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        var damaged = Cli.run("run", longer.toString(), "--resume");
        assertThat(damaged.status()).as(damaged.toString()).isEqualTo(2);
        assertThat(damaged.err()).contains("checkpoint-latest.pb is corrupted");
        assertThat(latest).hasBinaryContent(bytes);
        assertThat(RunFiles.metrics(out)).hasBinaryContent(metrics);

        // A valid checkpoint of another model.
        Path other = Cli.write(dir.resolve("f/p.yaml"), pipeline("{id: constant}", 10, 5, 1).replace("width: 32", "width: 16"));
        run(other);
        Files.copy(RunFiles.latest(dir.resolve("f/out")), latest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        byte[] foreign = Files.readAllBytes(latest);
        var refused = Cli.run("run", longer.toString(), "--resume");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).contains("cannot resume", "checkpoint-latest.pb", "width=16");
        assertThat(latest).hasBinaryContent(foreign);
        assertThat(RunFiles.metrics(out)).hasBinaryContent(metrics);
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).as("nothing written")
                    .isEqualTo(before);
        }

        // keepLast is checked with the pipeline.
        Path bad = Cli.write(dir.resolve("g/p.yaml"), pipeline("{id: constant}", 10, 5, 0));
        var keep = Cli.run("run", bad.toString());
        assertThat(keep.status()).isEqualTo(2);
        assertThat(keep.err()).contains("keepLast must be from 1 to 1000");
        assertThat(dir.resolve("g/out")).doesNotExist();
    }
}

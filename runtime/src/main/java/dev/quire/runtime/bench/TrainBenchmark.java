package dev.quire.runtime.bench;

import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.Optimizer;
import dev.quire.api.Parameter;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.ParameterGroup;
import dev.quire.api.PositionalEncoding;
import dev.quire.api.ProgressListener;
import dev.quire.api.TrainingContext;
import dev.quire.model.CharTokenizer;
import dev.quire.model.Gpt;
import dev.quire.model.GptConfig;
import dev.quire.model.Rng;
import dev.quire.runtime.demo.DemoCorpus;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.tensor.Arena;
import dev.quire.tensor.Parallel;
import dev.quire.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training speed of a nanoGPT-shaped character model: forward, backward and an AdamW step per
 * iteration, the same work as {@code anchors/torch_gpt_bench.py} (biases on, head tied to the token
 * embedding, exact GELU, AdamW with PyTorch's defaults, vocabulary 65), so the two can be run side by
 * side. Warm-up steps (JIT compilation) are excluded from the timing.
 */
public final class TrainBenchmark {

    /** The vocabulary of the benchmark: Tiny Shakespeare's 65 characters. */
    public static final int VOCABULARY = 65;

    /**
     * A model and batch shape.
     *
     * @param name    {@code tiny} or {@code small}
     * @param layers  transformer blocks
     * @param heads   attention heads
     * @param width   embedding width
     * @param context sequence length
     * @param batch   sequences per step
     */
    public record Preset(String name, int layers, int heads, int width, int context, int batch) {
        /** nanoGPT's Shakespeare-character CPU model. */
        public static final Preset TINY = new Preset("tiny", 4, 4, 128, 64, 12);
        /** nanoGPT's Shakespeare-character GPU model's shape (6 layers, width 384, context 256). */
        public static final Preset SMALL = new Preset("small", 6, 6, 384, 256, 16);

        /** All presets by name. */
        public static List<Preset> all() {
            return List.of(TINY, SMALL);
        }
    }

    /** Where the batches come from. */
    public enum Data {
        /** Uniformly random tokens (as the PyTorch anchor). */
        RANDOM,
        /** The demo corpus, character-tokenized. */
        DEMO
    }

    /**
     * The attention the benchmark trains with unless told otherwise: the tiled one, which skips the
     * masked half of causal attention and never materializes the [B, H, T, T] probabilities (preset small:
     * 13.6 against 27.7 ms per layer, forward and backward; `quire bench attention`). The mathematics is
     * the same as the PyTorch anchor's explicit softmax(QKᵀ/√d)V.
     */
    public static final String DEFAULT_ATTENTION = "flash";

    private TrainBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param attention the attention component's id ({@link #DEFAULT_ATTENTION} unless comparing)
     * @param catalog  components (the attention, positional {@code learned}, optimizer {@code adamw})
     * @param progress told about every timed step
     * @return the results, in the order they are printed: {@code preset, steps, warmup_steps, threads,
     *         attention, params, batch, context, tokens_per_sec, step_ms, step_ms_min, gflops, loss_first,
     *         loss_last, allocated_bytes_per_step, peak_rss_bytes}
     */
    public static Map<String, Object> run(Preset preset, int steps, int warmup, Data data, String attention,
                                          ComponentCatalog catalog, ProgressListener progress) {
        int[] corpus = null;
        if (data == Data.DEMO) {
            String text = DemoCorpus.generate(1337, 200_000);
            corpus = CharTokenizer.train(text).encode(text);
        }
        var config = new GptConfig(VOCABULARY, preset.context(), preset.layers(), preset.heads(), preset.width(),
                true, true, Tensor.Gelu.EXACT, 1e-5f);
        Gpt model = new Gpt(config,
                catalog.create(ComponentKind.ATTENTION, attention, Attention.class),
                catalog.create(ComponentKind.POSITIONAL_ENCODING, "learned", PositionalEncoding.class),
                List.of(), 1337);
        Optimizer optimizer = catalog.create(ComponentKind.OPTIMIZER, "adamw", OptimizerFactory.class)
                .create(List.of(ParameterGroup.of("all", model.parameters())));

        var rng = new Rng(1337);
        int batch = preset.batch();
        int time = preset.context();
        int[] inputs = new int[batch * time];
        int[] targets = new int[batch * time];
        long[] nanos = new long[steps];
        long[] allocated = new long[steps];
        var meter = AttentionBenchmark.AllocationMeter.create();
        double first = Double.NaN;
        double last = Double.NaN;
        for (int i = 0; i < warmup + steps; i++) {
            fill(inputs, targets, corpus, rng, batch, time);
            long bytes0 = meter.bytes();
            long t0 = System.nanoTime();
            // zeroGrad, handing last step's gradient arrays to this step's backward pass (no new ones).
            for (Parameter p : model.parameters()) {
                Arena.recycleGradient(p.value());
            }
            optimizer.zeroGrad();
            Tensor loss = model.loss(inputs, targets, batch, time, new TrainingContext(true, i, rng), 0f);
            loss.backward();
            optimizer.step();
            long t1 = System.nanoTime();
            long bytes1 = meter.bytes();
            last = loss.item();
            if (i == 0) {
                first = last;
            }
            if (i >= warmup) {
                nanos[i - warmup] = t1 - t0;
                allocated[i - warmup] = bytes1 - bytes0;
                progress.update(i - warmup + 1, steps, String.format(Locale.ROOT, "loss %.4f", last));
            } else {
                progress.update(0, steps, "warm-up " + (i + 1) + "/" + warmup);
            }
        }
        long total = Arrays.stream(nanos).sum();
        double seconds = total / 1e9;
        long tokens = (long) steps * batch * time;
        long params = model.parameterCount();
        double flopsPerToken = 6.0 * params + 12.0 * preset.layers() * preset.width() * time;
        var result = new LinkedHashMap<String, Object>();
        result.put("preset", preset.name());
        result.put("steps", steps);
        result.put("warmup_steps", warmup);
        result.put("threads", Parallel.threads());
        result.put("data", data.name().toLowerCase(Locale.ROOT));
        result.put("attention", attention);
        result.put("params", params);
        result.put("batch", batch);
        result.put("context", time);
        result.put("tokens_per_sec", round(tokens / seconds, 1));
        result.put("step_ms", round(seconds * 1000 / steps, 3));
        result.put("step_ms_min", round(Arrays.stream(nanos).min().orElse(0) / 1e6, 3));
        result.put("gflops", round(flopsPerToken * tokens / seconds / 1e9, 2));
        result.put("loss_first", round(first, 4));
        result.put("loss_last", round(last, 4));
        // Heap bytes a step allocates, all threads (the median step: the first timed steps may still run
        // code the JIT has not compiled, which boxes vectors). The step reuses its arrays, so this
        // should be near zero, not proportional to the model.
        long[] sorted = allocated.clone();
        Arrays.sort(sorted);
        result.put("allocated_bytes_per_step", meter.available() ? sorted[steps / 2] : null);
        long rss = peakRssBytes();
        result.put("peak_rss_bytes", rss < 0 ? null : rss);
        return result;
    }

    private static void fill(int[] inputs, int[] targets, int[] corpus, Rng rng, int batch, int time) {
        if (corpus == null) {
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = rng.nextInt(VOCABULARY);
                targets[i] = rng.nextInt(VOCABULARY);
            }
            return;
        }
        for (int b = 0; b < batch; b++) {
            int offset = rng.nextInt(corpus.length - time - 1);
            System.arraycopy(corpus, offset, inputs, b * time, time);
            System.arraycopy(corpus, offset + 1, targets, b * time, time);
        }
    }

    private static double round(double value, int digits) {
        if (!Double.isFinite(value)) {
            return value;
        }
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    /** The process's peak resident set size ({@code VmHWM} of {@code /proc/self/status}), or -1 where unknown. */
    public static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    long value = Long.parseLong(parts[0]);
                    return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}

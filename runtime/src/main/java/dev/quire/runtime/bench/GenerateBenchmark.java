package dev.quire.runtime.bench;

import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.PositionalEncoding;
import dev.quire.model.Generator;
import dev.quire.model.Gpt;
import dev.quire.model.GptConfig;
import dev.quire.model.Rng;
import dev.quire.model.SamplingConfig;
import dev.quire.runtime.bench.TrainBenchmark.Preset;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.tensor.Parallel;
import dev.quire.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Generation speed of a {@link TrainBenchmark} preset's model: greedy decoding of {@code tokens} new
 * tokens after a one-token prompt with the key/value cache ({@link Generator}), the work of the
 * generation loop of {@code anchors/torch_gpt_bench.py} (which recomputes the whole prefix for every
 * token). Untrained (seeded) weights: speed does not depend on them. Warm-up runs are excluded.
 */
public final class GenerateBenchmark {

    private GenerateBenchmark() {
    }

    /**
     * @return {@code preset, tokens, runs, warmup_runs, threads, params, tokens_per_sec, ms_per_token,
     *         best_tokens_per_sec, peak_rss_bytes}, in that order
     */
    public static Map<String, Object> run(Preset preset, int tokens, int runs, int warmup, ComponentCatalog catalog) {
        if (tokens < 1 || tokens > preset.context() - 1) {
            throw new IllegalArgumentException("tokens must be from 1 to " + (preset.context() - 1)
                    + " (the context of preset " + preset.name() + " minus the prompt), got " + tokens);
        }
        var config = new GptConfig(TrainBenchmark.VOCABULARY, preset.context(), preset.layers(), preset.heads(),
                preset.width(), true, true, Tensor.Gelu.EXACT, 1e-5f);
        Gpt model = new Gpt(config,
                catalog.create(ComponentKind.ATTENTION, "standard", Attention.class),
                catalog.create(ComponentKind.POSITIONAL_ENCODING, "learned", PositionalEncoding.class),
                java.util.List.of(), 1337);
        int[] prompt = {0};
        long[] nanos = new long[runs];
        int[] last = null;
        for (int i = 0; i < warmup + runs; i++) {
            long t0 = System.nanoTime();
            last = Generator.generate(model, prompt, tokens, SamplingConfig.GREEDY, new Rng(1));
            long t1 = System.nanoTime();
            if (i >= warmup) {
                nanos[i - warmup] = t1 - t0;
            }
        }
        double seconds = Arrays.stream(nanos).sum() / 1e9;
        double best = Arrays.stream(nanos).min().orElse(1) / 1e9;
        var result = new LinkedHashMap<String, Object>();
        result.put("preset", preset.name());
        result.put("tokens", tokens);
        result.put("runs", runs);
        result.put("warmup_runs", warmup);
        result.put("threads", Parallel.threads());
        result.put("params", model.parameterCount());
        result.put("tokens_per_sec", round((double) tokens * runs / seconds));
        result.put("ms_per_token", round(seconds * 1000 / ((double) tokens * runs)));
        result.put("best_tokens_per_sec", round(tokens / best));
        result.put("checksum", Arrays.hashCode(last));
        long rss = TrainBenchmark.peakRssBytes();
        result.put("peak_rss_bytes", rss < 0 ? null : rss);
        return result;
    }

    private static double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : value;
    }
}

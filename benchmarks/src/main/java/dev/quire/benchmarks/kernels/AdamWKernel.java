package dev.quire.benchmarks.kernels;

import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import dev.quire.optim.adam.Adam;
import dev.quire.optim.adam.AdamWOptions;
import dev.quire.tensor.Parallel;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one AdamW step ({@code torch.optim.AdamW} semantics, {@link Adam} of the optim-adam module) over
 * the parameters of the Shakespeare recipe's model, 6 layers of width 384 (10.7 M parameters in
 * nanoGPT's shapes: per layer the attention's [1152, 384] and [384, 384], the MLP's [1536, 384] and
 * [384, 1536], their biases and two layer norms; then a [65, 384] embedding and the final layer norm).
 * Two groups as nanoGPT makes them: matrices with weight decay, vectors without. Gradients are set once
 * and kept, so every invocation is the same update over the same amount of memory.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseParallelGC"})
public class AdamWKernel {

    static final int LAYERS = 6;
    static final int WIDTH = 384;

    @Param({"2"})
    public int threads;

    private Adam optimizer;
    private Tensor first;
    /** Parameters updated per step, for the figures (elements, not bytes). */
    long parameterCount;

    @Setup
    public void setUp() {
        Parallel.setThreads(threads);
        SplittableRandom rng = new SplittableRandom(3);
        List<Parameter> decay = new ArrayList<>();
        List<Parameter> noDecay = new ArrayList<>();
        int w = WIDTH;
        for (int l = 0; l < LAYERS; l++) {
            String h = "transformer.h." + l + ".";
            decay.add(parameter(rng, h + "attn.c_attn.weight", 3 * w, w));
            noDecay.add(parameter(rng, h + "attn.c_attn.bias", 3 * w));
            decay.add(parameter(rng, h + "attn.c_proj.weight", w, w));
            noDecay.add(parameter(rng, h + "attn.c_proj.bias", w));
            decay.add(parameter(rng, h + "mlp.c_fc.weight", 4 * w, w));
            noDecay.add(parameter(rng, h + "mlp.c_fc.bias", 4 * w));
            decay.add(parameter(rng, h + "mlp.c_proj.weight", w, 4 * w));
            noDecay.add(parameter(rng, h + "mlp.c_proj.bias", w));
            for (String ln : new String[] {"ln_1", "ln_2"}) {
                noDecay.add(parameter(rng, h + ln + ".weight", w));
                noDecay.add(parameter(rng, h + ln + ".bias", w));
            }
        }
        decay.add(parameter(rng, "transformer.wte.weight", NnKernels.VOCAB, w));
        decay.add(parameter(rng, "transformer.wpe.weight", 256, w));
        noDecay.add(parameter(rng, "transformer.ln_f.weight", w));
        noDecay.add(parameter(rng, "transformer.ln_f.bias", w));
        first = decay.getFirst().value();
        parameterCount = 0;
        for (Parameter p : decay) parameterCount += p.value().size();
        for (Parameter p : noDecay) parameterCount += p.value().size();
        optimizer = new Adam(List.of(new ParameterGroup("decay", decay, Map.of()),
                new ParameterGroup("no_decay", noDecay, Map.of(ParameterGroup.WEIGHT_DECAY, 0.0))),
                new AdamWOptions(1e-3, 0.9, 0.99, 1e-8, 0.1, false, false));
    }

    /** A trainable tensor with a random value and a random gradient that stays set. */
    private static Parameter parameter(SplittableRandom rng, String name, int... shape) {
        int size = 1;
        for (int d : shape) size *= d;
        Tensor t = Tensor.of(KernelBenchmarks.uniform(rng, size), shape).requiresGrad(true);
        float[] g = t.gradForAccumulation();
        for (int i = 0; i < size; i++) {
            g[i] = (float) rng.nextDouble(-1e-2, 1e-2);
        }
        return new Parameter(name, t);
    }

    @Benchmark
    public float step() {
        optimizer.step();
        return first.data()[0];
    }
}

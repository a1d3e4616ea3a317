package dev.quire.model;

import dev.quire.api.Parameter;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * LoRA, low-rank adaptation (Hu et al., 2021), on the linear layers of a {@link Gpt}: each chosen layer
 * computes {@code y = x·Wᵀ + b + (alpha/rank)·(x·Aᵀ)·Bᵀ} with {@code A [rank, in]} and
 * {@code B [out, rank]} trainable and every other weight of the model frozen.
 *
 * <p>Initialization: {@code B = 0}, so the adapted model starts out computing exactly what the base model
 * does; {@code A} from normal(0, (1/rank)²), PEFT's {@code init_lora_weights="gaussian"} (PEFT's default
 * is Kaiming-uniform; the Gaussian keeps one random draw per element, from {@link Rng} seeded by
 * {@link LoraConfig#seed()}, in model order). Since {@code B} starts at zero, only {@code B} gets a gradient
 * in the first step; {@code A} moves from the second on.
 *
 * <p>Parameter names are PEFT's without its {@code .default.weight}: {@code transformer.h.0.attn.c_attn.lora_A}
 * and {@code .lora_B}. {@link #adapterState} is the adapters alone, for a small file; {@link #merge} folds
 * them into the base weights, {@code W += (alpha/rank)·B·A}, after which the model has its original
 * parameter names and runs at its original cost.
 */
public final class Lora {

    private Lora() {
    }

    /**
     * Attaches an adapter to every linear layer a target matches and freezes every other parameter.
     *
     * @return the names of the adapted layers, in model order
     * @throws IllegalArgumentException if a target matches no linear layer (naming the layers there are),
     *                                  or the model already has adapters
     */
    public static List<String> attach(Gpt model, LoraConfig config) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(config, "config");
        if (hasAdapters(model)) {
            throw new IllegalArgumentException("the model already has LoRA adapters on " + adaptedLayers(model)
                    + "; merge them first");
        }
        Map<String, Linear> linears = model.linears();
        List<String> chosen = new ArrayList<>();
        for (String target : config.targets()) {
            Pattern regex = targetPattern(target);
            List<String> hits = linears.keySet().stream().filter(name -> regex.matcher(name).matches()).toList();
            if (hits.isEmpty()) {
                throw new IllegalArgumentException("LoRA target '" + target + "' matches no linear layer; the layers are "
                        + String.join(", ", linears.keySet()));
            }
        }
        for (String name : linears.keySet()) {
            if (config.targets().stream().anyMatch(t -> targetPattern(t).matcher(name).matches())) {
                chosen.add(name);
            }
        }
        Rng init = new Rng(config.seed());
        float std = 1f / config.rank();
        for (Parameter p : model.parameters()) {
            Freezing.freeze(p);
        }
        for (String name : chosen) {
            Linear linear = linears.get(name);
            Tensor a = Parameters.normal(init, std, config.rank(), linear.in());   // [rank, in]
            Tensor b = Parameters.zeros(linear.out(), config.rank());              // [out, rank]
            linear.adapter(new LoraAdapter(a, b, config.scale()));
        }
        model.refreshParameters();
        return List.copyOf(chosen);
    }

    /** Whether any layer of {@code model} has an adapter. */
    public static boolean hasAdapters(Gpt model) {
        return model.linears().values().stream().anyMatch(l -> l.adapter() != null);
    }

    /** The names of the layers with adapters, in model order. */
    public static List<String> adaptedLayers(Gpt model) {
        return model.linears().entrySet().stream().filter(e -> e.getValue().adapter() != null).map(Map.Entry::getKey)
                .toList();
    }

    /**
     * Folds every adapter into its layer's weight, {@code W += (alpha/rank)·B·A} (each element summed in
     * double precision, rounded to float once), and removes the adapters. The frozen flags of the base
     * weights stay as they are ({@link Freezing#unfreezeAll} makes them trainable again).
     *
     * @return the names of the merged layers
     */
    public static List<String> merge(Gpt model) {
        List<String> merged = new ArrayList<>();
        for (var entry : model.linears().entrySet()) {
            Linear linear = entry.getValue();
            LoraAdapter adapter = linear.adapter();
            if (adapter != null) {
                adapter.mergeInto(linear.weight);
                linear.adapter(null);
                merged.add(entry.getKey());
            }
        }
        model.refreshParameters();
        return merged;
    }

    /**
     * Runs {@code action} while the model holds its merged weights and no adapters (to save a full
     * checkpoint that any Quire can load), then puts back the exact base weights, bit for bit, and the
     * same adapters.
     */
    public static void withMerged(Gpt model, Runnable action) {
        Map<Linear, LoraAdapter> adapters = new LinkedHashMap<>();
        Map<Linear, float[]> baseWeights = new LinkedHashMap<>();
        for (Linear linear : model.linears().values()) {
            if (linear.adapter() != null) {
                adapters.put(linear, linear.adapter());
                baseWeights.put(linear, linear.weight.data().clone());
            }
        }
        merge(model);
        try {
            action.run();
        } finally {
            for (var entry : adapters.entrySet()) {
                Linear linear = entry.getKey();
                float[] base = baseWeights.get(linear);
                System.arraycopy(base, 0, linear.weight.data(), 0, base.length);
                linear.adapter(entry.getValue());
            }
            model.refreshParameters();
        }
    }

    /**
     * The adapters alone, by parameter name ({@code transformer.h.0.attn.c_attn.lora_A}, ...), in model
     * order: the live tensors. Empty when the model has none.
     */
    public static Map<String, Tensor> adapterState(Gpt model) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (var entry : model.linears().entrySet()) {
            LoraAdapter adapter = entry.getValue().adapter();
            if (adapter != null) {
                state.put(entry.getKey() + "." + LoraAdapter.A_NAME, adapter.a());
                state.put(entry.getKey() + "." + LoraAdapter.B_NAME, adapter.b());
            }
        }
        return state;
    }

    /**
     * Copies saved adapters into the adapters attached to {@code model} (attach them first with the same
     * rank and targets). Every adapter tensor must be present with its exact size; nothing is copied
     * unless everything matches.
     *
     * @throws IllegalArgumentException listing every missing, unexpected or mis-sized entry
     */
    public static void loadAdapterState(Gpt model, Map<String, float[]> saved) {
        Map<String, Tensor> state = adapterState(model);
        if (state.isEmpty()) {
            throw new IllegalArgumentException("the model has no LoRA adapters to load into; attach them first");
        }
        List<String> problems = new ArrayList<>();
        for (var entry : state.entrySet()) {
            float[] values = saved.get(entry.getKey());
            if (values == null) {
                problems.add("missing " + entry.getKey() + " " + Arrays.toString(entry.getValue().shape()));
            } else if (values.length != entry.getValue().size()) {
                problems.add(entry.getKey() + " has " + values.length + " values, expected " + entry.getValue().size()
                        + " for shape " + Arrays.toString(entry.getValue().shape()));
            }
        }
        for (String name : new TreeSet<>(saved.keySet())) {
            if (!state.containsKey(name)) {
                problems.add("unexpected " + name);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadAdapterState: " + problems.size() + " problem(s): "
                    + String.join("; ", problems));
        }
        for (var entry : state.entrySet()) {
            float[] values = saved.get(entry.getKey());
            System.arraycopy(values, 0, entry.getValue().data(), 0, values.length);
        }
    }

    /** A target matches a layer name whole, or its end after a dot ({@code attn.c_attn} in every block). */
    static Pattern targetPattern(String target) {
        return Pattern.compile("(?:.*\\.)?" + Freezing.compile(target).pattern(), Pattern.DOTALL);
    }
}

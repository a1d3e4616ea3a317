package dev.quire.model;

import dev.quire.api.ActivationSite;
import dev.quire.api.Attention;
import dev.quire.api.LanguageModel;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import dev.quire.api.PositionalEncoding;
import dev.quire.api.PositionalLayer;
import dev.quire.api.Regularizer;
import dev.quire.api.TrainingContext;
import dev.quire.tensor.Arena;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A decoder-only transformer, GPT-2 as written in nanoGPT's {@code model.py}: token embedding plus
 * position information, {@code layers} pre-LayerNorm blocks ({@code Block}), a final layer norm and a linear
 * head onto the vocabulary (by default the token embedding itself, "weight tying").
 *
 * <p>Parameter names are nanoGPT's ({@code transformer.h.0.attn.c_attn.weight}), so its checkpoints
 * load with {@link #loadStateDict} and the reference numbers of PyTorch apply as they are.
 *
 * <p>Not thread-safe: one forward/backward at a time (the tensors inside parallelize themselves).
 */
public final class Gpt implements LanguageModel {

    /** nanoGPT's ignore index: targets equal to it contribute nothing to the loss. */
    public static final int IGNORE_INDEX = -1;

    private final GptConfig config;
    private final Tensor wte;             // [V, C] token embedding (and, tied, the output head)
    private final PositionalLayer positional;
    private final List<Block> blocks;
    private final LayerNorm lnF;
    private final Tensor lmHead;          // [V, C], or null when tied to wte
    private final Hooks hooks;
    /** Every linear layer by its parameter-name prefix ({@code transformer.h.0.attn.c_attn}), in model order. */
    private final Map<String, Linear> linears;
    /** Rebuilt by {@link #refreshParameters()} when LoRA adapters are attached or merged away. */
    private List<Parameter> parameters;
    /** Data arrays of the activations of {@link #loss}, reused from one call to the next. */
    private final Arena arena = new Arena();
    /** Whether the last {@link #loss} recorded a graph, and the thread's backward passes at that time. */
    private boolean arenaGraph;
    private long arenaBackwardPasses;

    /**
     * Builds a model with nanoGPT's initialization: every linear and embedding weight from
     * normal(0, 0.02²), the two projections into the residual stream of each block from
     * normal(0, (0.02/sqrt(2·layers))²), biases 0, layer-norm scales 1.
     *
     * @param config       the shape
     * @param attention    the attention every block uses
     * @param positional   builds the position information (owns {@code transformer.wpe.*} if it has parameters)
     * @param regularizers applied at the {@link ActivationSite}s during the forward pass, in order
     * @param seed         seeds the initial weights; the same seed gives the same model
     */
    public Gpt(GptConfig config, Attention attention, PositionalEncoding positional,
               List<Regularizer> regularizers, long seed) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(attention, "attention");
        Objects.requireNonNull(positional, "positional");
        this.hooks = new Hooks(regularizers);
        Rng init = new Rng(seed);
        int width = config.width();

        this.wte = Parameters.normal(init, 0.02f, config.vocabSize(), width);
        this.positional = Objects.requireNonNull(
                positional.build(config.contextLength(), width, config.headDim(), init), "positional layer");
        List<Linear> created;
        try (var scope = Linear.collecting()) {
            List<Block> list = new ArrayList<>(config.layers());
            for (int i = 0; i < config.layers(); i++) {
                list.add(new Block(config, attention, this.positional, init));
            }
            this.blocks = List.copyOf(list);
            created = scope.created();
        }
        this.lnF = new LayerNorm(width, config.bias(), config.layerNormEps());
        this.lmHead = config.tiedHead() ? null : Parameters.normal(init, 0.02f, config.vocabSize(), width);
        this.parameters = collectParameters();
        this.linears = nameLinears(created);
    }

    /** Names each linear layer after its weight's parameter name, without the {@code .weight}. */
    private Map<String, Linear> nameLinears(List<Linear> created) {
        Map<Tensor, String> nameOf = new IdentityHashMap<>();
        for (Parameter p : parameters) {
            nameOf.put(p.value(), p.name());
        }
        Map<String, Linear> byName = new LinkedHashMap<>();
        for (Linear linear : created) {
            String name = nameOf.get(linear.weight);
            if (name == null || !name.endsWith(".weight")) {
                // Built while this model was constructed but not one of its parameters: a layer's scratch.
                continue;
            }
            byName.put(name.substring(0, name.length() - ".weight".length()), linear);
        }
        return Collections.unmodifiableMap(byName);
    }

    /** The shape of this model. */
    public GptConfig config() {
        return config;
    }

    /** The regularizers given at construction (the trainer applies their other hooks). */
    public List<Regularizer> regularizers() {
        return hooks.regularizers();
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int contextLength() {
        return config.contextLength();
    }

    /**
     * Every weight of the model, in nanoGPT's order; a tied head appears once, as {@code transformer.wte.weight}.
     * Attached LoRA adapters follow their layer's weight and bias ({@code transformer.h.0.attn.c_attn.lora_A},
     * {@code .lora_B}). Frozen weights are listed too (see {@link #trainableParameters()}).
     */
    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The parameters that require gradients, in {@link #parameters()} order: all of them unless some are frozen. */
    public List<Parameter> trainableParameters() {
        return parameters.stream().filter(p -> p.value().requiresGrad()).toList();
    }

    /**
     * The names of the model's linear layers (parameter-name prefixes such as {@code transformer.h.0.attn.c_attn}
     * and {@code transformer.h.0.mlp.c_fc}), in model order: the layers LoRA can adapt.
     */
    public List<String> linearLayerNames() {
        return List.copyOf(linears.keySet());
    }

    /** The linear layers by name (see {@link #linearLayerNames()}). */
    Map<String, Linear> linears() {
        return linears;
    }

    /** Lists the parameters again after a layer gained or lost some (LoRA attach and merge); checks names are unique. */
    void refreshParameters() {
        this.parameters = collectParameters();
    }

    private List<Parameter> collectParameters() {
        List<Parameter> list = new ArrayList<>();
        list.add(new Parameter("transformer.wte.weight", wte));
        list.addAll(Parameters.prefixed("transformer.wpe.", positional));
        for (int i = 0; i < blocks.size(); i++) {
            list.addAll(Parameters.prefixed("transformer.h." + i + ".", blocks.get(i)));
        }
        list.addAll(Parameters.prefixed("transformer.ln_f.", lnF));
        if (lmHead != null) {
            list.add(new Parameter("lm_head.weight", lmHead));
        }
        var names = new TreeSet<String>();
        for (Parameter p : list) {
            if (!names.add(p.name())) {
                throw new IllegalStateException("two parameters are named " + p.name());
            }
        }
        return List.copyOf(list);
    }

    /** Number of trainable values; a tied head is counted once (nanoGPT also counts the position table). */
    public long parameterCount() {
        long count = 0;
        for (Parameter p : parameters) {
            count += p.value().size();
        }
        return count;
    }

    /**
     * nanoGPT's {@code configure_optimizers} grouping: weight decay for every tensor of rank 2 or more
     * (matrices and embeddings, group {@code "decay"}, the optimizer's own weight decay), none for
     * biases and layer-norm scales (group {@code "no_decay"}, override {@code weightDecay = 0}).
     * Frozen parameters ({@link Freezing}, the base weights under LoRA) are in neither group.
     */
    public List<ParameterGroup> optimizerGroups() {
        List<Parameter> decay = new ArrayList<>();
        List<Parameter> noDecay = new ArrayList<>();
        for (Parameter p : trainableParameters()) {
            (p.value().rank() >= 2 ? decay : noDecay).add(p);
        }
        return List.of(ParameterGroup.of("decay", decay),
                new ParameterGroup("no_decay", noDecay, Map.of("weightDecay", 0.0)));
    }

    // ---------------------------------------------------------------------------------------------
    // Forward

    @Override
    public Tensor logits(int[] tokens, int batch, int time, TrainingContext context) {
        return forward(tokens, batch, time, context, null, false);
    }

    /**
     * Mean cross-entropy of the next-token predictions, skipping targets equal to {@link #IGNORE_INDEX}.
     *
     * @param tokens         inputs {@code [batch, time]}, row-major
     * @param targets        the token that should follow each input, {@code [batch, time]}
     * @param labelSmoothing in {@code [0, 1)}; PyTorch's {@code label_smoothing}
     * @return a scalar with autograd history when grad is enabled
     *
     * <p>The activations inside (what the hooks and the attention see) are computed in an {@link Arena}
     * owned by this model: the next call reuses their arrays once this loss's {@code backward()} has run
     * (or at once when no graph was recorded). Keep no reference to them across calls; the returned
     * scalar itself is never reused. Differentiate a loss before computing the next one, or sum several
     * losses before one backward pass (then nothing is reused): both are fine.
     */
    public Tensor loss(int[] tokens, int[] targets, int batch, int time, TrainingContext context, float labelSmoothing) {
        if (targets.length != tokens.length) {
            throw new IllegalArgumentException("loss: " + targets.length + " targets for " + tokens.length + " tokens ["
                    + batch + ", " + time + "]");
        }
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] != IGNORE_INDEX && (targets[i] < 0 || targets[i] >= config.vocabSize())) {
                throw new IllegalArgumentException("loss: target " + targets[i] + " at position " + i
                        + " is outside the vocabulary [0, " + config.vocabSize() + ") and is not " + IGNORE_INDEX);
            }
        }
        // The activations live in the arena: a step reuses the arrays of the step before (whose backward
        // pass is done by then), so training allocates little and the heap stays near one step's worth.
        // If the previous loss's graph has not been differentiated yet (several losses summed before one
        // backward pass), its arrays are left alone.
        boolean recycle = !arenaGraph || Arena.backwardPasses() != arenaBackwardPasses;
        try (var scope = arena.open(recycle)) {
            Tensor logits = logits(tokens, batch, time, context);                // [B, T, V]
            Tensor loss = logits.crossEntropy(targets, IGNORE_INDEX, labelSmoothing); // [] (too small for the arena)
            arenaGraph = loss.requiresGrad();
            arenaBackwardPasses = Arena.backwardPasses();
            return loss;
        }
    }

    /** A key/value cache for {@link #logits(int[], int, int, TrainingContext, KvCache, boolean)}. */
    public KvCache newCache(int batch) {
        return new KvCache(config.layers(), batch, config.heads(), config.headDim(), config.contextLength());
    }

    /**
     * Logits for {@code time} new tokens that follow the positions already in {@code cache} (inference:
     * run it under {@code Grad.disabled()}), appending their keys and values to the cache.
     *
     * @param lastOnly whether to return only the last position's logits {@code [B, 1, V]} (sampling needs
     *                 no more, and the head is then applied to one row instead of {@code time})
     * @return {@code [B, time, V]}, or {@code [B, 1, V]} when {@code lastOnly}
     */
    public Tensor logits(int[] tokens, int batch, int time, TrainingContext context, KvCache cache, boolean lastOnly) {
        return forward(tokens, batch, time, context, Objects.requireNonNull(cache, "cache"), lastOnly);
    }

    /**
     * The final hidden states, after the last layer norm and before the vocabulary head: {@code [B, T, C]}.
     * Heads other than the language-model head (a reward model's or a value function's scalar) read these.
     */
    public Tensor features(int[] tokens, int batch, int time, TrainingContext context) {
        return hidden(tokens, batch, time, context, null, false);
    }

    private Tensor forward(int[] tokens, int batch, int time, TrainingContext context, KvCache cache, boolean lastOnly) {
        Tensor x = hidden(tokens, batch, time, context, cache, lastOnly);     // [B, T, C]
        return x.linear(lmHead == null ? wte : lmHead, null);               // [B, T, V]
    }

    private Tensor hidden(int[] tokens, int batch, int time, TrainingContext context, KvCache cache, boolean lastOnly) {
        int start = cache == null ? 0 : cache.length();
        checkTokens(tokens, batch, time, start);
        if (cache != null) {
            cache.checkRoom(batch, time);
        }
        Tensor x = Tensor.embedding(wte, tokens, batch, time);               // [B, T, C]
        x = positional.embed(x, start);                                     // [B, T, C]
        x = hooks.apply(ActivationSite.EMBEDDING, x, context);
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(x, hooks, context, cache, i, start);    // [B, T, C]
        }
        if (cache != null) {
            cache.advance(time);
        }
        if (lastOnly) {
            x = x.slice(1, time - 1, time);                                  // [B, 1, C]
        }
        return lnF.forward(x);                                              // [B, T, C]
    }

    private void checkTokens(int[] tokens, int batch, int time, int start) {
        if (batch <= 0 || time <= 0) {
            throw new IllegalArgumentException("need at least one token: batch " + batch + ", time " + time);
        }
        if ((long) batch * time != tokens.length) {
            throw new IllegalArgumentException(tokens.length + " tokens do not form [batch " + batch + ", time " + time + "]");
        }
        if (start + time > config.contextLength()) {
            throw new IllegalArgumentException("positions " + start + ".." + (start + time - 1)
                    + " exceed the context length " + config.contextLength());
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("token " + tokens[i] + " at position " + i
                        + " is outside the vocabulary [0, " + config.vocabSize() + ")");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Weights

    /** Every parameter by name, in {@link #parameters()} order; the live tensors (not copies). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            map.put(p.name(), p.value());
        }
        return map;
    }

    /**
     * Copies weights into this model's parameters. Every parameter must be present with its exact size;
     * nothing is copied unless everything matches. For a tied head, a {@code lm_head.weight} entry
     * (which nanoGPT's {@code state_dict()} contains) is accepted if it equals {@code transformer.wte.weight}.
     *
     * @param weights row-major values by parameter name
     * @throws IllegalArgumentException listing every missing, unexpected or mis-sized entry
     */
    public void loadStateDict(Map<String, float[]> weights) {
        List<String> problems = new ArrayList<>();
        for (Parameter p : parameters) {
            float[] values = weights.get(p.name());
            if (values == null) {
                problems.add("missing " + p.name() + " " + Arrays.toString(p.value().shape()));
            } else if (values.length != p.value().size()) {
                problems.add(p.name() + " has " + values.length + " values, expected " + p.value().size()
                        + " for shape " + Arrays.toString(p.value().shape()));
            }
        }
        var known = new TreeSet<String>();
        parameters.forEach(p -> known.add(p.name()));
        for (String name : new TreeSet<>(weights.keySet())) {
            if (known.contains(name)) {
                continue;
            }
            if (name.equals("lm_head.weight") && lmHead == null) {
                float[] embedding = weights.get("transformer.wte.weight");
                if (embedding == null || !Arrays.equals(embedding, weights.get(name))) {
                    problems.add("lm_head.weight differs from transformer.wte.weight, but this model ties its head");
                }
                continue;
            }
            problems.add("unexpected " + name);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict: " + problems.size() + " problem(s): "
                    + String.join("; ", problems));
        }
        for (Parameter p : parameters) {
            float[] values = weights.get(p.name());
            System.arraycopy(values, 0, p.value().data(), 0, values.length);
        }
    }

    @Override
    public String toString() {
        return "Gpt" + config + " with " + parameterCount() + " parameters";
    }
}

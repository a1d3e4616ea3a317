package dev.quire.model;

import dev.quire.api.ActivationSite;
import dev.quire.api.Attention;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterSource;
import dev.quire.api.PositionalLayer;
import dev.quire.api.TrainingContext;
import dev.quire.tensor.Arena;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One transformer block, pre-LayerNorm as in GPT-2: {@code x + attn(ln_1(x))}, then
 * {@code x + mlp(ln_2(x))}. The residual stream {@code x} passes through untouched, each branch adds
 * to it; normalizing the branch inputs (not the stream) keeps deep stacks trainable.
 */
final class Block implements ParameterSource {

    private final LayerNorm ln1;
    private final CausalSelfAttention attn;
    private final LayerNorm ln2;
    private final Mlp mlp;

    Block(GptConfig config, Attention attention, PositionalLayer positional, RandomGenerator init) {
        this.ln1 = new LayerNorm(config.width(), config.bias(), config.layerNormEps());
        this.attn = new CausalSelfAttention(config, attention, positional, init);
        this.ln2 = new LayerNorm(config.width(), config.bias(), config.layerNormEps());
        this.mlp = new Mlp(config, init);
    }

    /**
     * @param x     {@code [B, T, C]}
     * @param hooks the model's regularizers, applied to each branch before it joins the stream
     * @param cache key/value cache (inference), or null
     * @param layer index of this block
     * @param start absolute position of the first row
     * @return {@code [B, T, C]}
     */
    Tensor forward(Tensor x, Hooks hooks, TrainingContext context, KvCache cache, int layer, int start) {
        Tensor attended = attn.forward(ln1.forward(x), cache, layer, start,
                hooks.attentionDropout(context));                                            // [B, T, C]
        x = x.add(hooks.apply(ActivationSite.ATTENTION_RESIDUAL, attended, context));       // [B, T, C]
        releaseBranch(attended, hooks);
        Tensor transformed = mlp.forward(ln2.forward(x));                                    // [B, T, C]
        Tensor out = x.add(hooks.apply(ActivationSite.MLP_RESIDUAL, transformed, context));  // [B, T, C]
        releaseBranch(transformed, hooks);
        return out;
    }

    /**
     * A branch's output is dead once added to the stream: the addition's backward reads only the
     * gradient, and the projection that made it reads its input. Without regularizers nobody else saw
     * it, so its array goes back to the step's arena for the next layer (with regularizers it is kept:
     * one may have held on to it).
     */
    private static void releaseBranch(Tensor branch, Hooks hooks) {
        if (hooks.regularizers().isEmpty()) {
            Arena.releaseEarly(branch.data());
        }
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>(Parameters.prefixed("ln_1.", ln1));
        list.addAll(Parameters.prefixed("attn.", attn));
        list.addAll(Parameters.prefixed("ln_2.", ln2));
        list.addAll(Parameters.prefixed("mlp.", mlp));
        return list;
    }
}

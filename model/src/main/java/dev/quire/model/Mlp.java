package dev.quire.model;

import dev.quire.api.Parameter;
import dev.quire.api.ParameterSource;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The feed-forward part of a block: each position on its own, widen to {@code 4C}, GELU, narrow back.
 * Where attention moves information between positions, the MLP transforms it within one.
 */
final class Mlp implements ParameterSource {

    private final Linear cFc;   // [4C, C]
    private final Linear cProj; // [C, 4C]
    private final Tensor.Gelu gelu;

    Mlp(GptConfig config, RandomGenerator init) {
        int width = config.width();
        this.cFc = new Linear(width, 4 * width, config.bias(), 0.02f, init);
        // Projection into the residual stream: scaled init, as in CausalSelfAttention.
        this.cProj = new Linear(4 * width, width, config.bias(), (float) (0.02 / Math.sqrt(2.0 * config.layers())), init);
        this.gelu = config.gelu();
    }

    /** {@code x [B, T, C] -> [B, T, C]}. */
    Tensor forward(Tensor x) {
        Tensor hidden = cFc.forward(x).gelu(gelu); // [B, T, 4C]
        return cProj.forward(hidden);              // [B, T, C]
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>(Parameters.prefixed("c_fc.", cFc));
        list.addAll(Parameters.prefixed("c_proj.", cProj));
        return list;
    }
}

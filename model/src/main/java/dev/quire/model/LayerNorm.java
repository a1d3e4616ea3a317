package dev.quire.model;

import dev.quire.api.Parameter;
import dev.quire.api.ParameterSource;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Layer normalization over the last axis with a learned scale (initially 1) and, optionally, a shift
 * (initially 0). nanoGPT's {@code LayerNorm}, which exists because PyTorch's cannot drop just the bias.
 */
final class LayerNorm implements ParameterSource {

    final Tensor weight; // [C]
    final Tensor bias;   // [C], or null
    private final float eps;

    LayerNorm(int width, boolean bias, float eps) {
        this.weight = Parameters.ones(width);
        this.bias = bias ? Parameters.zeros(width) : null;
        this.eps = eps;
    }

    /** {@code x [..., C] -> [..., C]}. */
    Tensor forward(Tensor x) {
        return x.layerNorm(weight, bias, eps);
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>(2);
        list.add(new Parameter("weight", weight));
        if (bias != null) {
            list.add(new Parameter("bias", bias));
        }
        return list;
    }
}

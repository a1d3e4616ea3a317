package dev.quire.model;

import dev.quire.api.Parameter;
import dev.quire.api.ParameterSource;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code y = x·Wᵀ + b}, PyTorch's {@code nn.Linear}: weight {@code [out, in]}, bias {@code [out]} or
 * none. Initialized as nanoGPT does: weight normal(0, std²), bias zero.
 */
final class Linear implements ParameterSource {

    final Tensor weight; // [out, in]
    final Tensor bias;   // [out], or null

    Linear(int in, int out, boolean bias, float std, RandomGenerator init) {
        this.weight = Parameters.normal(init, std, out, in);
        this.bias = bias ? Parameters.zeros(out) : null;
    }

    /** {@code x [..., in] -> [..., out]}. */
    Tensor forward(Tensor x) {
        return x.linear(weight, bias);
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

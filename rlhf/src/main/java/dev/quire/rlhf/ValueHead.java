package dev.quire.rlhf;

import dev.quire.api.Parameter;
import dev.quire.tensor.Tensor;
import java.util.List;

/**
 * A scalar head on the policy's final hidden states: {@code V(s_t) = w · h_t + b}, PPO's value function (and,
 * with other names, the reward model's head). Starts at zero so the first values are 0, not noise.
 */
final class ValueHead {

    private final Tensor weight; // [1, C]
    private final Tensor bias;   // [1]
    private final List<Parameter> parameters;

    ValueHead(String prefix, int width) {
        this.weight = Tensor.parameter(new float[width], 1, width);
        this.bias = Tensor.parameter(new float[1], 1);
        this.parameters = List.of(new Parameter(prefix + ".weight", weight), new Parameter(prefix + ".bias", bias));
    }

    List<Parameter> parameters() {
        return parameters;
    }

    /** {@code [B, T, C] -> [B, T]}. */
    Tensor apply(Tensor features) {
        int[] shape = features.shape();
        return features.linear(weight, bias).reshape(shape[0], shape[1]);
    }
}

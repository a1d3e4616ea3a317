package dev.quire.model;

import dev.quire.api.Parameter;
import dev.quire.api.ParameterSource;
import java.util.List;
import java.util.random.RandomGenerator;
import dev.quire.tensor.Tensor;

/** Small helpers for layers that own parameters: naming and nanoGPT's initial values. */
final class Parameters {

    private Parameters() {
    }

    /** The parameters of {@code source}, their names prefixed with {@code prefix} (which ends with a dot). */
    static List<Parameter> prefixed(String prefix, ParameterSource source) {
        return source.parameters().stream().map(p -> new Parameter(prefix + p.name(), p.value())).toList();
    }

    /** A trainable tensor drawn from normal(0, std²). */
    static Tensor normal(RandomGenerator random, float std, int... shape) {
        Tensor values = Tensor.randn(random, std, shape);
        return Tensor.parameter(values.data(), shape);
    }

    /** A trainable tensor of zeros. */
    static Tensor zeros(int... shape) {
        return Tensor.parameter(Tensor.zeros(shape).data(), shape);
    }

    /** A trainable tensor of ones. */
    static Tensor ones(int... shape) {
        return Tensor.parameter(Tensor.ones(shape).data(), shape);
    }
}

package dev.quire.api.testing;

import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import dev.quire.tensor.Tensor;
import java.util.List;

/**
 * Small parameters for optimizer tests, worked out by hand. Test support shipped in
 * {@code quire-api}'s test jar, like {@link OptimizerFixture}.
 */
public final class TestParameters {

    private TestParameters() {
    }

    /** A one-dimensional parameter {@code name} holding a copy of {@code values}, with no gradient yet. */
    public static Parameter param(String name, float... values) {
        return new Parameter(name, Tensor.parameter(values.clone(), values.length));
    }

    /** Sets {@code p}'s gradient to {@code grad}, allocating it if it has none. */
    public static void setGrad(Parameter p, float... grad) {
        System.arraycopy(grad, 0, p.value().gradForAccumulation(), 0, grad.length);
    }

    /** The parameters in one group named "g", with the optimizer's defaults. */
    public static List<ParameterGroup> group(Parameter... params) {
        return List.of(ParameterGroup.of("g", List.of(params)));
    }
}

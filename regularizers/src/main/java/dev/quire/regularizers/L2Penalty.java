package dev.quire.regularizers;

import dev.quire.api.Parameter;
import dev.quire.api.Regularizer;
import dev.quire.tensor.Tensor;
import java.util.List;

/**
 * Weight decay as an L2 term of the loss: {@code λ/2 · Σ w²} over the parameters that
 * {@link L2Options#exclude} does not leave out. Its gradient {@code λ · w} is what {@code torch.optim}'s
 * coupled {@code weight_decay} adds; with Adam it is therefore scaled by the adaptive denominator.
 * Decoupled weight decay (AdamW), usually the better choice with Adam, is the optimizer's own
 * {@code weightDecay}, grouped by the pipeline's {@code noDecay} rule; use one or the other.
 */
public final class L2Penalty implements Regularizer {

    private final L2Options options;

    /** An L2 penalty with the given coefficient and rules. */
    public L2Penalty(L2Options options) {
        this.options = options;
    }

    @Override
    public Tensor penalty(List<Parameter> parameters) {
        if (options.coefficient() == 0) {
            return null;
        }
        Tensor sum = null;
        for (Parameter p : parameters) {
            if (!options.excludes(p.name())) {
                Tensor term = p.value().square().sum();
                sum = sum == null ? term : sum.add(term);
            }
        }
        return sum == null ? null : sum.mul((float) (options.coefficient() / 2));
    }

    @Override
    public String toString() {
        return "L2Penalty" + options;
    }
}

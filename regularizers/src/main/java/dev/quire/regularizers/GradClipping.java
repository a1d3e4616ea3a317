package dev.quire.regularizers;

import dev.quire.api.Parameter;
import dev.quire.api.Regularizer;
import java.util.List;

/**
 * Gradient clipping after backward, before the optimizer step: by global norm (PyTorch's
 * {@code clip_grad_norm_}) or by value (PyTorch's {@code clip_grad_value_}). Parameters without a
 * gradient are skipped.
 */
public final class GradClipping {

    private GradClipping() {
    }

    /** {@code clip-grad-norm}. */
    public static Regularizer byNorm(ClipGradNormOptions options) {
        double maxNorm = options.maxNorm();
        return new Regularizer() {
            @Override
            public void beforeStep(List<Parameter> parameters) {
                clipNorm(parameters, maxNorm);
            }

            @Override
            public String toString() {
                return "ClipGradNorm[" + maxNorm + "]";
            }
        };
    }

    /** {@code clip-grad-value}. */
    public static Regularizer byValue(ClipGradValueOptions options) {
        double maxValue = options.maxValue();
        return new Regularizer() {
            @Override
            public void beforeStep(List<Parameter> parameters) {
                clipValue(parameters, maxValue);
            }

            @Override
            public String toString() {
                return "ClipGradValue[" + maxValue + "]";
            }
        };
    }

    /**
     * Scales every gradient by {@code maxNorm / (norm + 1e-6)} when the global L2 norm exceeds
     * {@code maxNorm}, as {@code torch.nn.utils.clip_grad_norm_}.
     *
     * @return the norm before clipping
     */
    public static double clipNorm(List<Parameter> parameters, double maxNorm) {
        double sumOfSquares = 0;
        for (Parameter p : parameters) {
            float[] grad = p.value().grad();
            if (grad != null) {
                for (float g : grad) {
                    sumOfSquares += (double) g * g;
                }
            }
        }
        double norm = Math.sqrt(sumOfSquares);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1) {
            float scale = (float) coefficient;
            for (Parameter p : parameters) {
                float[] grad = p.value().grad();
                if (grad != null) {
                    for (int i = 0; i < grad.length; i++) {
                        grad[i] *= scale;
                    }
                }
            }
        }
        return norm;
    }

    /** Clamps every gradient element to {@code [−maxValue, maxValue]}, as {@code torch.nn.utils.clip_grad_value_}. */
    public static void clipValue(List<Parameter> parameters, double maxValue) {
        float max = (float) maxValue;
        for (Parameter p : parameters) {
            float[] grad = p.value().grad();
            if (grad != null) {
                for (int i = 0; i < grad.length; i++) {
                    grad[i] = Math.max(-max, Math.min(max, grad[i]));
                }
            }
        }
    }
}

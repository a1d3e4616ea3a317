package dev.quire.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NnOpsTest {

    @Test
    void softmaxAndLogSoftmaxAlongEveryAxis() {
        int[] s = {2, 3, 4};
        for (int axis = 0; axis < 3; axis++) {
            int ax = axis;
            GradCheck.check("softmax" + axis, new int[][] {s}, t -> t[0].softmax(ax), d -> Ref.softmax(d[0], s, ax, false));
            GradCheck.check("logSoftmax" + axis, new int[][] {s}, t -> t[0].logSoftmax(ax), d -> Ref.softmax(d[0], s, ax, true));
        }
        GradCheck.check("softmaxNeg", new int[][] {s}, t -> t[0].softmax(-1), d -> Ref.softmax(d[0], s, 2, false));
    }

    @Test
    void softmaxIsStableForLargeLogits() {
        float[] y = Tensor.of(new float[] {1000f, 1001f, -1000f}, 3).softmax(0).data();
        assertThat(y[0] + y[1] + y[2]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(y[2]).isZero();
    }

    @Test
    void layerNormWithAndWithoutAffine() {
        GradCheck.check("layerNorm", new int[][] {{2, 3, 6}, {6}, {6}},
                t -> t[0].layerNorm(t[1], t[2], 1e-5f), d -> Ref.layerNorm(d[0], 6, d[1], d[2], 1e-5));
        GradCheck.check("layerNormPlain", new int[][] {{4, 5}},
                t -> t[0].layerNorm(null, null, 1e-5f), d -> Ref.layerNorm(d[0], 5, null, null, 1e-5));
        assertThatThrownBy(() -> Tensor.zeros(2, 4).layerNorm(Tensor.zeros(3), null, 1e-5f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 4]").hasMessageContaining("[3]");
    }

    @Test
    void maskedFillBroadcastsTheMask() {
        int[] s = {2, 3, 4};
        boolean[] mask = {true, false, false, true, false, true, true, false, false, false, true, false}; // [3, 4]
        GradCheck.check("maskedFill", new int[][] {s}, t -> t[0].maskedFill(mask, new int[] {3, 4}, -7f), d -> {
            double[] o = d[0].clone();
            for (int i = 0; i < o.length; i++) if (mask[i % 12]) o[i] = -7;
            return o;
        });
        boolean[] rowMask = {false, true}; // [2, 1, 1]
        Tensor y = Tensor.ones(2, 3, 4).maskedFill(rowMask, new int[] {2, 1, 1}, 0f);
        assertThat(y.sum().item()).isEqualTo(12f);
    }

    @Test
    void causalMaskCoversQueriesAfterACache() {
        // Tq = 2 queries at positions 3 and 4 attending to Tk = 5 keys.
        int[] s = {2, 2, 5};
        GradCheck.check("causalMask", new int[][] {s}, t -> t[0].causalMask(-9f), d -> {
            double[] o = d[0].clone();
            for (int i = 0; i < o.length; i++) {
                int q = (i / 5) % 2, k = i % 5;
                if (k > q + 3) o[i] = -9;
            }
            return o;
        });
        Tensor sq = Tensor.zeros(3, 3).causalMask(Float.NEGATIVE_INFINITY);
        assertThat(sq.data()).containsExactly(0, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY,
                0, 0, Float.NEGATIVE_INFINITY, 0, 0, 0);
        Tensor cached = Tensor.zeros(1, 4).causalMask(1f);
        assertThat(cached.data()).containsExactly(0, 0, 0, 0);
    }

    @Test
    void crossEntropyWithIgnoreIndexAndLabelSmoothing() {
        int[] targets = {2, -100, 0, 4, 1, -100};
        for (float eps : new float[] {0f, 0.1f, 0.3f}) {
            GradCheck.check("crossEntropy" + eps, new int[][] {{2, 3, 5}},
                    t -> t[0].crossEntropy(targets, -100, eps),
                    d -> new double[] {Ref.crossEntropy(d[0], 5, targets, -100, eps)});
        }
        Tensor logits = Tensor.parameter(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor loss = logits.crossEntropy(new int[] {-1, -1}, -1, 0f);
        assertThat(loss.item()).isNaN(); // mean over zero rows, as in PyTorch
        assertThatThrownBy(() -> Tensor.zeros(2, 3).crossEntropy(new int[] {0, 3}, -100, 0f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target 3");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).crossEntropy(new int[] {0}, -100, 0f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3]");
    }

    @Test
    void targetLogProbsAreLogSoftmaxGatheredWithIgnoredRowsZero() {
        int[] targets = {2, -100, 0, 4, 1, -100};
        GradCheck.check("targetLogProbs", new int[][] {{2, 3, 5}},
                t -> t[0].targetLogProbs(targets, -100),
                d -> {
                    double[] out = new double[targets.length];
                    for (int r = 0; r < targets.length; r++) {
                        if (targets[r] == -100) continue;
                        double max = Double.NEGATIVE_INFINITY, sum = 0;
                        for (int j = 0; j < 5; j++) max = Math.max(max, d[0][r * 5 + j]);
                        for (int j = 0; j < 5; j++) sum += Math.exp(d[0][r * 5 + j] - max);
                        out[r] = d[0][r * 5 + targets[r]] - max - Math.log(sum);
                    }
                    return out;
                });
        // The mean of the negated log-probabilities is the cross-entropy.
        Tensor logits = Tensor.randn(new java.util.SplittableRandom(3), 1f, 4, 7);
        int[] t = {6, 0, 3, 3};
        assertThat(-logits.targetLogProbs(t, -1).mean().item())
                .isCloseTo(logits.crossEntropy(t, -1, 0f).item(), org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(logits.targetLogProbs(t, -1).shape()).containsExactly(4);
        assertThatThrownBy(() -> Tensor.zeros(2, 3).targetLogProbs(new int[] {0, 3}, -100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target 3");
    }

    @Test
    void embeddingAccumulatesRepeatedIds() {
        int[] ids = {3, 1, 3, 0, 3, 1};
        GradCheck.check("embedding", new int[][] {{5, 4}}, t -> Tensor.embedding(t[0], ids, 2, 3), d -> {
            double[] o = new double[ids.length * 4];
            for (int i = 0; i < ids.length; i++) System.arraycopy(d[0], ids[i] * 4, o, i * 4, 4);
            return o;
        });
        Tensor w = Tensor.parameter(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor e = Tensor.embedding(w, new int[] {2, 2, 0});
        assertThat(e.shape()).containsExactly(3, 2);
        e.sum().backward();
        assertThat(w.grad()).containsExactly(1, 1, 0, 0, 2, 2);
        assertThatThrownBy(() -> Tensor.embedding(w, new int[] {3})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id 3");
    }

    @Test
    void dropoutScalesSurvivorsAndIsIdentityWhenNotTraining() {
        Tensor x = Tensor.parameter(GradCheck.random(new SplittableRandom(1), 10_000, 1, 2), 100, 100);
        assertThat(x.dropout(0.5f, new SplittableRandom(2), false)).isSameAs(x);
        assertThat(x.dropout(0f, new SplittableRandom(2), true)).isSameAs(x);
        Tensor y = x.dropout(0.25f, new SplittableRandom(2), true);
        int zeros = 0;
        for (int i = 0; i < y.size(); i++) {
            if (y.data()[i] == 0f) zeros++;
            else assertThat(y.data()[i]).isCloseTo(x.data()[i] / 0.75f, org.assertj.core.data.Offset.offset(1e-5f));
        }
        assertThat(zeros).isBetween(2200, 2800);
        y.sum().backward();
        for (int i = 0; i < y.size(); i++) {
            assertThat(x.grad()[i]).isEqualTo(y.data()[i] == 0f ? 0f : 1f / 0.75f);
        }
        Tensor again = x.detach().dropout(0.25f, new SplittableRandom(2), true);
        assertThat(again.data()).containsExactly(y.data()); // same seed, same mask
    }
}

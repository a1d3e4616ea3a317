package dev.quire.tensor;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Neural-network functions: softmax / log-softmax, layer norm, GELU, ReLU, masking, cross-entropy,
 * embedding lookup and dropout. Each is one fused forward pass and one fused backward pass.
 */
final class NnOps {

    private NnOps() {}

    // ---------------------------------------------------------------------------------------------
    // Softmax

    /**
     * Softmax (or log-softmax) along {@code axis}. The tensor is seen as {@code [outer, d, inner]};
     * each of the {@code outer * inner} "rows" of length d is normalized independently.
     */
    static Tensor softmax(Tensor a, int axis, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        int ax = Shapes.axis(op, axis, a.shape);
        int outer = Shapes.prod(a.shape, 0, ax), d = a.shape[ax], inner = Shapes.prod(a.shape, ax + 1, a.rank());
        int rows = outer * inner;
        float[] x = a.data;
        int grain = Math.max(1, ElementwiseOps.GRAIN / Math.max(1, d) / 4);
        if (inner == 1) {
            // The usual case (last axis): contiguous rows, vectorized.
            return softmaxLastAxis(a, d, rows, grain, log);
        }
        float[] y = Arena.uninitialized(x.length);
        Parallel.forRange(rows, grain, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = (r / inner) * d * inner + r % inner; // element j of this row: base + j * inner
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < d; j++) max = Math.max(max, x[base + j * inner]);
                if (max == Float.NEGATIVE_INFINITY) {
                    max = 0f; // an all -inf row: exp gives 0s and the result NaN, as in PyTorch
                }
                double sum = 0;
                for (int j = 0; j < d; j++) {
                    float e = (float) Math.exp(x[base + j * inner] - max);
                    sum += e;
                    if (!log) y[base + j * inner] = e;
                }
                if (log) {
                    float shift = (float) (max + Math.log(sum));
                    for (int j = 0; j < d; j++) y[base + j * inner] = x[base + j * inner] - shift;
                } else {
                    float inv = (float) (1.0 / sum);
                    for (int j = 0; j < d; j++) y[base + j * inner] *= inv;
                }
            }
        });
        return Tensor.result(y, a.shape.clone(), a, g -> {
            float[] ga = a.gradForAccumulation();
            Parallel.forRange(rows, grain, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int base = (r / inner) * d * inner + r % inner;
                    if (log) {
                        // y = x - lse: dx = g - softmax · Σ g
                        float s = 0;
                        for (int j = 0; j < d; j++) s += g[base + j * inner];
                        for (int j = 0; j < d; j++) {
                            int at = base + j * inner;
                            ga[at] += g[at] - (float) Math.exp(y[at]) * s;
                        }
                    } else {
                        // dx = y · (g - Σ g·y)
                        float s = 0;
                        for (int j = 0; j < d; j++) s += g[base + j * inner] * y[base + j * inner];
                        for (int j = 0; j < d; j++) {
                            int at = base + j * inner;
                            ga[at] += y[at] * (g[at] - s);
                        }
                    }
                }
            });
        });
    }

    /** Softmax / log-softmax over contiguous rows {@code [rows, d]}. */
    private static Tensor softmaxLastAxis(Tensor a, int d, int rows, int grain, boolean log) {
        float[] x = a.data;
        float[] y = Arena.uninitialized(x.length);
        Parallel.forRange(rows, grain, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = r * d;
                float max = VectorMath.max(x, base, d);
                if (max == Float.NEGATIVE_INFINITY) {
                    max = 0f; // an all -inf row: exp gives 0s and the result NaN, as in PyTorch
                }
                float sum = VectorMath.expShiftSum(x, y, base, d, max);
                if (log) {
                    float shift = max + (float) Math.log(sum);
                    for (int j = 0; j < d; j++) y[base + j] = x[base + j] - shift;
                } else {
                    float inv = 1f / sum;
                    for (int j = 0; j < d; j++) y[base + j] *= inv;
                }
            }
        });
        return Tensor.result(y, a.shape.clone(), a, g -> {
            float[] ga = a.gradForAccumulation();
            Parallel.forRange(rows, grain, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int base = r * d;
                    if (log) {
                        float s = VectorMath.dot(g, null, base, d);          // dx = g - softmax · Σ g
                        for (int j = 0; j < d; j++) ga[base + j] += g[base + j] - (float) Math.exp(y[base + j]) * s;
                    } else {
                        float s = VectorMath.dot(g, y, base, d);             // dx = y · (g - Σ g·y)
                        for (int j = 0; j < d; j++) ga[base + j] += y[base + j] * (g[base + j] - s);
                    }
                }
            });
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Layer norm

    static Tensor layerNorm(Tensor a, Tensor weight, Tensor bias, float eps) {
        if (a.rank() < 1) {
            throw new IllegalArgumentException("layerNorm: needs at least 1 dimension, got " + Shapes.str(a.shape));
        }
        int c = a.shape[a.rank() - 1];
        for (Tensor p : new Tensor[] {weight, bias}) {
            if (p != null && (p.rank() != 1 || p.shape[0] != c)) {
                throw new IllegalArgumentException("layerNorm: x " + Shapes.str(a.shape) + " needs weight and bias of shape ["
                        + c + "], got " + Shapes.str(p.shape));
            }
        }
        int rows = c == 0 ? 0 : a.size() / c;
        float[] x = a.data;
        float[] w = weight == null ? null : weight.data;
        float[] b = bias == null ? null : bias.data;
        float[] y = Arena.uninitialized(x.length);
        float[] mean = new float[rows], rstd = new float[rows]; // saved for the backward pass
        int grain = Math.max(1, ElementwiseOps.GRAIN / Math.max(1, c) / 4);
        Parallel.forRange(rows, grain, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                VectorMath.layerNormRow(x, y, r * c, c, w, b, eps, mean, rstd, r);
            }
        });
        Tensor[] inputs = {a, weight, bias};
        return Tensor.result(y, a.shape.clone(), inputs, g -> {
            if (a.requiresGrad) {
                float[] ga = a.gradForAccumulation();
                Parallel.forRange(rows, grain, (r0, r1) -> {
                    for (int r = r0; r < r1; r++) {
                        VectorMath.layerNormBackwardRow(x, g, ga, r * c, c, w, mean[r], rstd[r]);
                    }
                });
            }
            boolean needW = weight != null && weight.requiresGrad, needB = bias != null && bias.requiresGrad;
            if (needW || needB) {
                float[] gw = needW ? weight.gradForAccumulation() : null;
                float[] gb = needB ? bias.gradForAccumulation() : null;
                // Column sums over rows, rows in order; columns split over threads (disjoint outputs).
                // Chunks are whole vectors of columns so every column goes through the same (vector) arithmetic.
                int lanes = VectorMath.F.length();
                int vectors = (c + lanes - 1) / lanes;
                Parallel.forRange(vectors, Math.max(1, (1 << 16) / Math.max(1, rows) / lanes), (v0, v1) ->
                        VectorMath.layerNormParamGrads(x, g, gw, gb, mean, rstd, rows, c, v0 * lanes,
                                Math.min(c, v1 * lanes)));
            }
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Activations

    /** Elements per chunk of a parallel GELU loop (a quarter of the plain elementwise grain: more work each). */
    static final int GELU_GRAIN = ElementwiseOps.GRAIN / 4;

    static Tensor gelu(Tensor a, Tensor.Gelu approximation) {
        float[] x = a.data;
        float[] y = Arena.uninitialized(x.length);
        boolean exact = approximation == Tensor.Gelu.EXACT;
        int grain = GELU_GRAIN;
        Parallel.forRange(x.length, grain, (i0, i1) -> VectorMath.gelu(VectorMath.GELU_VALUE, x, y, null, i0, i1, exact));
        return Tensor.result(y, a.shape.clone(), a, g -> {
            float[] ga = a.gradForAccumulation();
            Parallel.forRange(x.length, grain,
                    (i0, i1) -> VectorMath.gelu(VectorMath.GELU_GRADIENT, x, g, ga, i0, i1, exact));
        });
    }

    static Tensor relu(Tensor a) {
        float[] x = a.data;
        float[] y = Arena.uninitialized(x.length);
        Parallel.forRange(x.length, ElementwiseOps.GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) y[i] = Math.max(x[i], 0f);
        });
        return Tensor.result(y, a.shape.clone(), a, g -> {
            float[] ga = a.gradForAccumulation();
            Parallel.forRange(x.length, ElementwiseOps.GRAIN, (i0, i1) -> {
                for (int i = i0; i < i1; i++) if (x[i] > 0f) ga[i] += g[i];
            });
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Masks

    static Tensor maskedFill(Tensor a, boolean[] mask, int[] maskShape, float value) {
        if (mask.length != Shapes.size(maskShape)) {
            throw new IllegalArgumentException("maskedFill: mask has " + mask.length + " entries but maskShape "
                    + Shapes.str(maskShape) + " needs " + Shapes.size(maskShape));
        }
        int[] b = Shapes.broadcast("maskedFill", a.shape, maskShape);
        if (!Arrays.equals(b, a.shape)) {
            throw new IllegalArgumentException("maskedFill: mask " + Shapes.str(maskShape) + " does not broadcast to "
                    + Shapes.str(a.shape) + " without growing it");
        }
        int n = a.size();
        int r = a.rank();
        int[] st = Shapes.broadcastStrides(maskShape, a.shape);
        boolean[] hit = new boolean[n]; // the mask expanded to this tensor's shape
        int[] idx = new int[r];
        int off = 0;
        for (int i = 0; i < n; i++) {
            hit[i] = mask[off];
            for (int d = r - 1; d >= 0; d--) {
                idx[d]++;
                off += st[d];
                if (idx[d] < a.shape[d]) break;
                off -= st[d] * idx[d];
                idx[d] = 0;
            }
        }
        float[] x = a.data;
        float[] y = Arena.uninitialized(n);
        for (int i = 0; i < n; i++) y[i] = hit[i] ? value : x[i];
        return Tensor.result(y, a.shape.clone(), a, g -> {
            float[] ga = a.gradForAccumulation();
            for (int i = 0; i < n; i++) if (!hit[i]) ga[i] += g[i];
        });
    }

    static Tensor causalMask(Tensor a, float value) {
        if (a.rank() < 2) {
            throw new IllegalArgumentException("causalMask: needs [..., Tq, Tk], got " + Shapes.str(a.shape));
        }
        int tq = a.shape[a.rank() - 2], tk = a.shape[a.rank() - 1];
        int shift = tk - tq; // query i sees keys 0 .. i + shift (queries appended after a key/value cache)
        int rows = tk == 0 ? 0 : a.size() / tk;
        float[] x = a.data;
        float[] y = Arena.uninitialized(x.length);
        System.arraycopy(x, 0, y, 0, x.length);
        Parallel.forRange(rows, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, tk)), (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int q = row % tq;
                int from = Math.max(0, Math.min(tk, q + shift + 1));
                Arrays.fill(y, row * tk + from, row * tk + tk, value);
            }
        });
        return Tensor.result(y, a.shape.clone(), a, g -> {
            float[] ga = a.gradForAccumulation();
            Parallel.forRange(rows, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, tk)), (r0, r1) -> {
                for (int row = r0; row < r1; row++) {
                    int q = row % tq;
                    int to = Math.max(0, Math.min(tk, q + shift + 1));
                    for (int j = 0, o = row * tk; j < to; j++) ga[o + j] += g[o + j];
                }
            });
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Cross-entropy

    /**
     * Mean over non-ignored rows of {@code (1-ε)·(-log p[target]) + ε·mean_v(-log p[v])}, computed per row
     * in double from the fused log-sum-exp. Gradient: {@code (p - ε/V - (1-ε)·onehot) / count}.
     */
    static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex, float labelSmoothing) {
        if (logits.rank() < 1) {
            throw new IllegalArgumentException("crossEntropy: logits need [..., V], got " + Shapes.str(logits.shape));
        }
        int v = logits.shape[logits.rank() - 1];
        int n = v == 0 ? 0 : logits.size() / v;
        if (targets.length != n) {
            throw new IllegalArgumentException("crossEntropy: logits " + Shapes.str(logits.shape) + " have " + n
                    + " rows but there are " + targets.length + " targets");
        }
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        int count = 0;
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t == ignoreIndex) continue;
            if (t < 0 || t >= v) {
                throw new IllegalArgumentException("crossEntropy: target " + t + " at row " + i + " is outside [0, " + v
                        + ") and is not the ignore index " + ignoreIndex);
            }
            count++;
        }
        float[] x = logits.data;
        double eps = labelSmoothing;
        double[] lse = new double[n];
        double[] rowLoss = new double[n];
        Parallel.forRange(n, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, v) / 4), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                if (targets[r] == ignoreIndex) continue;
                int base = r * v;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) max = Math.max(max, x[base + j]);
                double sum = 0, sumX = 0;
                for (int j = 0; j < v; j++) {
                    sum += Math.exp((double) x[base + j] - max);
                    sumX += x[base + j];
                }
                double l = max + Math.log(sum);
                lse[r] = l;
                double nll = l - x[base + targets[r]];
                double smooth = l - sumX / v; // mean over classes of -log p
                rowLoss[r] = (1 - eps) * nll + eps * smooth;
            }
        });
        double total = 0;
        for (int r = 0; r < n; r++) total += rowLoss[r]; // row order: deterministic
        float loss = (float) (total / count);              // 0/0 = NaN when every row is ignored, as in torch
        int cnt = count;
        return Tensor.result(new float[] {loss}, new int[0], logits, g -> {
            if (cnt == 0) return;
            float[] gl = logits.gradForAccumulation();
            double scale = g[0] / (double) cnt;
            double off = eps / v;
            Parallel.forRange(n, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, v) / 4), (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int t = targets[r];
                    if (t == ignoreIndex) continue;
                    int base = r * v;
                    double l = lse[r];
                    for (int j = 0; j < v; j++) {
                        double p = Math.exp(x[base + j] - l);
                        double d = p - off - (j == t ? 1 - eps : 0);
                        gl[base + j] += (float) (d * scale);
                    }
                }
            });
        });
    }

    /**
     * Log-probability of each row's target under {@code softmax(logits)}: {@code [..., V] -> [...]}, 0 where
     * the target is {@code ignoreIndex}. The gradient of row r is {@code g[r] * (onehot(target) - softmax)}.
     */
    static Tensor targetLogProbs(Tensor logits, int[] targets, int ignoreIndex) {
        if (logits.rank() < 1) {
            throw new IllegalArgumentException("targetLogProbs: logits need [..., V], got " + Shapes.str(logits.shape));
        }
        int v = logits.shape[logits.rank() - 1];
        int n = v == 0 ? 0 : logits.size() / v;
        if (targets.length != n) {
            throw new IllegalArgumentException("targetLogProbs: logits " + Shapes.str(logits.shape) + " have " + n
                    + " rows but there are " + targets.length + " targets");
        }
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t != ignoreIndex && (t < 0 || t >= v)) {
                throw new IllegalArgumentException("targetLogProbs: target " + t + " at row " + i + " is outside [0, " + v
                        + ") and is not the ignore index " + ignoreIndex);
            }
        }
        float[] x = logits.data;
        double[] lse = new double[n];
        float[] out = new float[n];
        int grain = Math.max(1, ElementwiseOps.GRAIN / Math.max(1, v) / 4);
        Parallel.forRange(n, grain, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                if (targets[r] == ignoreIndex) continue;
                int base = r * v;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) max = Math.max(max, x[base + j]);
                double sum = 0;
                for (int j = 0; j < v; j++) sum += Math.exp((double) x[base + j] - max);
                lse[r] = max + Math.log(sum);
                out[r] = (float) (x[base + targets[r]] - lse[r]);
            }
        });
        int[] shape = java.util.Arrays.copyOf(logits.shape, logits.rank() - 1);
        return Tensor.result(out, shape, logits, g -> {
            float[] gl = logits.gradForAccumulation();
            Parallel.forRange(n, grain, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int t = targets[r];
                    if (t == ignoreIndex || g[r] == 0f) continue;
                    int base = r * v;
                    double l = lse[r], gr = g[r];
                    for (int j = 0; j < v; j++) {
                        double p = Math.exp(x[base + j] - l);
                        gl[base + j] += (float) (gr * ((j == t ? 1 : 0) - p));
                    }
                }
            });
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Embedding and dropout

    static Tensor embedding(Tensor weight, int[] ids, int[] idShape) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("embedding: weight must be [V, C], got " + Shapes.str(weight.shape));
        }
        int[] shape = idShape.length == 0 ? new int[] {ids.length} : idShape.clone();
        if (Shapes.size(shape) != ids.length) {
            throw new IllegalArgumentException("embedding: " + ids.length + " ids do not fit idShape " + Shapes.str(shape));
        }
        int vocab = weight.shape[0], c = weight.shape[1];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("embedding: id " + ids[i] + " at position " + i + " is outside [0, "
                        + vocab + ") for weight " + Shapes.str(weight.shape));
            }
        }
        float[] w = weight.data;
        float[] out = Arena.uninitialized(ids.length * c);
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(w, ids[i] * c, out, i * c, c);
        }
        int[] ids2 = ids.clone(); // the caller may reuse its array before backward runs
        return Tensor.result(out, Shapes.concat(shape, new int[] {c}), weight, g -> {
            float[] gw = weight.gradForAccumulation();
            // Scatter-add in position order, so repeated ids accumulate deterministically.
            for (int i = 0; i < ids2.length; i++) {
                int dst = ids2[i] * c, src = i * c;
                for (int j = 0; j < c; j++) gw[dst + j] += g[src + j];
            }
        });
    }

    static Tensor dropout(Tensor a, float p, RandomGenerator rng, boolean training) {
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("dropout: p must be in [0, 1], got " + p);
        }
        if (!training || p == 0f) {
            return a;
        }
        float[] x = a.data;
        float[] scale = Arena.uninitialized(x.length); // 0 for dropped, 1/(1-p) for kept
        float keep = p == 1f ? 0f : 1f / (1f - p);
        for (int i = 0; i < x.length; i++) {
            scale[i] = rng.nextFloat() < p ? 0f : keep;
        }
        float[] y = Arena.uninitialized(x.length);
        for (int i = 0; i < x.length; i++) y[i] = x[i] * scale[i];
        return Tensor.result(y, a.shape.clone(), a, g -> {
            float[] ga = a.gradForAccumulation();
            for (int i = 0; i < x.length; i++) ga[i] += g[i] * scale[i];
        });
    }
}

package dev.quire.tensor;

import java.util.Arrays;

/**
 * Naive double-precision reference implementations of every op, written as plainly as possible
 * (index arithmetic, no fast paths) so that they are easy to trust. Tensors are (double[], int[] shape).
 */
final class Ref {

    private Ref() {}

    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = flat % shape[i];
            flat /= shape[i];
        }
        return idx;
    }

    /** Flat index into {@code shape} of the broadcast index {@code idx} (right-aligned; size-1 dims read 0). */
    static int ravelBroadcast(int[] idx, int[] shape) {
        int off = 0;
        int lead = idx.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            int ix = shape[i] == 1 ? 0 : idx[lead + i];
            off = off * shape[i] + ix;
        }
        return off;
    }

    static int[] broadcast(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            out[i] = Math.max(da, db);
        }
        return out;
    }

    interface Op2 {
        double apply(double x, double y);
    }

    static double[] binary(double[] a, int[] as, double[] b, int[] bs, Op2 op) {
        int[] os = broadcast(as, bs);
        double[] out = new double[size(os)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = unravel(i, os);
            out[i] = op.apply(a[ravelBroadcast(idx, as)], b[ravelBroadcast(idx, bs)]);
        }
        return out;
    }

    /** [..., M, K] @ [..., K, N] (or [..., N, K] when transposed), batch dims broadcast. */
    static double[] matmul(double[] a, int[] as, double[] b, int[] bs, boolean transposed) {
        int m = as[as.length - 2], k = as[as.length - 1];
        int n = transposed ? bs[bs.length - 2] : bs[bs.length - 1];
        int[] ab = Arrays.copyOf(as, as.length - 2), bb = Arrays.copyOf(bs, bs.length - 2);
        int[] batch = broadcast(ab, bb);
        int batches = size(batch);
        double[] out = new double[batches * m * n];
        for (int t = 0; t < batches; t++) {
            int[] idx = unravel(t, batch);
            int ao = ravelBroadcast(idx, ab) * m * k, bo = ravelBroadcast(idx, bb) * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += a[ao + i * k + p] * (transposed ? b[bo + j * k + p] : b[bo + p * n + j]);
                    }
                    out[(t * m + i) * n + j] = s;
                }
            }
        }
        return out;
    }

    static double[] linear(double[] x, int in, double[] w, int out, double[] bias) {
        int rows = x.length / in;
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) s += x[r * in + i] * w[o * in + i];
                y[r * out + o] = s;
            }
        }
        return y;
    }

    static double[] permute(double[] a, int[] shape, int[] axes) {
        int[] os = new int[shape.length];
        for (int i = 0; i < os.length; i++) os[i] = shape[axes[i]];
        double[] out = new double[a.length];
        for (int i = 0; i < out.length; i++) {
            int[] idx = unravel(i, os);
            int[] src = new int[shape.length];
            for (int d = 0; d < shape.length; d++) src[axes[d]] = idx[d];
            int off = 0;
            for (int d = 0; d < shape.length; d++) off = off * shape[d] + src[d];
            out[i] = a[off];
        }
        return out;
    }

    static double[] slice(double[] a, int[] shape, int axis, int start, int end) {
        int[] os = shape.clone();
        os[axis] = end - start;
        double[] out = new double[size(os)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = unravel(i, os);
            idx[axis] += start;
            int off = 0;
            for (int d = 0; d < shape.length; d++) off = off * shape[d] + idx[d];
            out[i] = a[off];
        }
        return out;
    }

    /** Concatenation along axis of parts with the given shapes. */
    static double[] concat(double[][] parts, int[][] shapes, int axis) {
        int total = 0;
        for (int[] s : shapes) total += s[axis];
        int[] os = shapes[0].clone();
        os[axis] = total;
        double[] out = new double[size(os)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = unravel(i, os);
            int p = 0, pos = idx[axis];
            while (pos >= shapes[p][axis]) {
                pos -= shapes[p][axis];
                p++;
            }
            idx[axis] = pos;
            int off = 0;
            for (int d = 0; d < os.length; d++) off = off * shapes[p][d] + idx[d];
            out[i] = parts[p][off];
        }
        return out;
    }

    /** Reduces along axis with sum (kind 0), mean (1) or max (2); the result keeps the axis as size 1. */
    static double[] reduce(double[] a, int[] shape, int axis, int kind) {
        int[] os = shape.clone();
        os[axis] = 1;
        double[] out = new double[size(os)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = unravel(i, os);
            double acc = kind == 2 ? Double.NEGATIVE_INFINITY : 0;
            for (int j = 0; j < shape[axis]; j++) {
                idx[axis] = j;
                int off = 0;
                for (int d = 0; d < shape.length; d++) off = off * shape[d] + idx[d];
                acc = kind == 2 ? Math.max(acc, a[off]) : acc + a[off];
            }
            out[i] = kind == 1 ? acc / shape[axis] : acc;
        }
        return out;
    }

    static double[] softmax(double[] a, int[] shape, int axis, boolean log) {
        double[] out = new double[a.length];
        int[] os = shape.clone();
        os[axis] = 1;
        for (int i = 0; i < size(os); i++) {
            int[] idx = unravel(i, os);
            int d = shape[axis];
            int[] offs = new int[d];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < d; j++) {
                idx[axis] = j;
                int off = 0;
                for (int q = 0; q < shape.length; q++) off = off * shape[q] + idx[q];
                offs[j] = off;
                max = Math.max(max, a[off]);
            }
            double s = 0;
            for (int j = 0; j < d; j++) s += Math.exp(a[offs[j]] - max);
            for (int j = 0; j < d; j++) {
                out[offs[j]] = log ? a[offs[j]] - max - Math.log(s) : Math.exp(a[offs[j]] - max) / s;
            }
        }
        return out;
    }

    static double[] layerNorm(double[] x, int c, double[] w, double[] b, double eps) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / c; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < c; j++) mean += x[r * c + j];
            mean /= c;
            for (int j = 0; j < c; j++) var += (x[r * c + j] - mean) * (x[r * c + j] - mean);
            var /= c;
            for (int j = 0; j < c; j++) {
                double v = (x[r * c + j] - mean) / Math.sqrt(var + eps);
                if (w != null) v *= w[j];
                if (b != null) v += b[j];
                y[r * c + j] = v;
            }
        }
        return y;
    }

    /** erf to about 1e-14: Taylor series below 3, continued fraction for erfc above. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 3) {
            double term = ax, sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= -ax * ax / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            return Math.copySign(2 / Math.sqrt(Math.PI) * sum, x);
        }
        double f = ax;
        for (int k = 60; k >= 1; k--) f = ax + (k / 2.0) / f;
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        return Math.copySign(1 - erfc, x);
    }

    /** erfc without cancellation in the tail: the continued fraction for z >= 3. */
    static double erfc(double z) {
        if (z >= 3) {
            double f = z;
            for (int k = 60; k >= 1; k--) f = z + (k / 2.0) / f;
            return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
        }
        return 1 - erf(z);
    }

    static double gelu(double x, boolean exact) {
        if (exact) return 0.5 * x * erfc(-x / Math.sqrt(2)); // x·Φ(x), accurate for very negative x too
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    static double crossEntropy(double[] x, int v, int[] targets, int ignore, double eps) {
        double total = 0;
        int count = 0;
        for (int r = 0; r < targets.length; r++) {
            if (targets[r] == ignore) continue;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) max = Math.max(max, x[r * v + j]);
            double s = 0;
            for (int j = 0; j < v; j++) s += Math.exp(x[r * v + j] - max);
            double lse = max + Math.log(s);
            double smooth = 0;
            for (int j = 0; j < v; j++) smooth += lse - x[r * v + j];
            total += (1 - eps) * (lse - x[r * v + targets[r]]) + eps * smooth / v;
            count++;
        }
        return total / count;
    }
}

package dev.quire.tensor;

/** Sums, means and maxima, over everything or along one axis. */
final class ReduceOps {

    /** Fixed chunk length of the full sum: the summation order depends on the size only. */
    private static final int SUM_CHUNK = 1 << 14;

    private ReduceOps() {}

    /** Sum (or mean) of all elements as a rank-0 tensor. */
    static Tensor sumAll(Tensor a, boolean mean) {
        float[] x = a.data;
        int n = x.length;
        int chunks = (n + SUM_CHUNK - 1) / SUM_CHUNK;
        double[] partial = new double[chunks];
        // Each fixed chunk is summed in double by one thread; chunks are then added in index order,
        // so the result is the same on any number of threads.
        Parallel.forRange(chunks, 4, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                double s = 0;
                for (int i = c * SUM_CHUNK, end = Math.min(n, i + SUM_CHUNK); i < end; i++) s += x[i];
                partial[c] = s;
            }
        });
        double total = 0;
        for (double p : partial) total += p;
        float scale = mean ? 1f / n : 1f;
        float value = (float) (mean ? total / n : total);
        return Tensor.result(new float[] {value}, new int[0], a, g -> {
            float[] ga = a.gradForAccumulation();
            float d = g[0] * scale;
            Parallel.forRange(n, ElementwiseOps.GRAIN, (i0, i1) -> {
                for (int i = i0; i < i1; i++) ga[i] += d;
            });
        });
    }

    /** Shape after reducing {@code axis}: size 1 there (keepDim) or the axis removed. */
    private static int[] reducedShape(int[] shape, int axis, boolean keepDim) {
        if (keepDim) {
            int[] s = shape.clone();
            s[axis] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != axis) s[j++] = shape[i];
        }
        return s;
    }

    static Tensor sumAxis(Tensor a, int axis, boolean keepDim, boolean mean) {
        int ax = Shapes.axis(mean ? "mean" : "sum", axis, a.shape);
        // View as [outer, d, inner]; out[o, i] = Σ_j x[o, j, i], j ascending.
        int outer = Shapes.prod(a.shape, 0, ax), d = a.shape[ax], inner = Shapes.prod(a.shape, ax + 1, a.rank());
        float[] x = a.data;
        float[] out = Arena.zeroed(outer * inner);
        float scale = mean ? 1f / d : 1f;
        Parallel.forRange(outer, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, d * inner)), (o0, o1) -> {
            for (int o = o0; o < o1; o++) {
                int ob = o * inner;
                for (int j = 0; j < d; j++) {
                    int xb = (o * d + j) * inner;
                    for (int i = 0; i < inner; i++) out[ob + i] += x[xb + i];
                }
                if (mean) {
                    for (int i = 0; i < inner; i++) out[ob + i] *= scale;
                }
            }
        });
        return Tensor.result(out, reducedShape(a.shape, ax, keepDim), a, g -> {
            float[] ga = a.gradForAccumulation();
            Parallel.forRange(outer, Math.max(1, ElementwiseOps.GRAIN / Math.max(1, d * inner)), (o0, o1) -> {
                for (int o = o0; o < o1; o++) {
                    for (int j = 0; j < d; j++) {
                        int xb = (o * d + j) * inner;
                        for (int i = 0; i < inner; i++) ga[xb + i] += g[o * inner + i] * scale;
                    }
                }
            });
        });
    }

    static Tensor max(Tensor a, int axis, boolean keepDim) {
        int ax = Shapes.axis("max", axis, a.shape);
        int outer = Shapes.prod(a.shape, 0, ax), d = a.shape[ax], inner = Shapes.prod(a.shape, ax + 1, a.rank());
        if (d == 0) {
            throw new IllegalArgumentException("max: axis " + axis + " of " + Shapes.str(a.shape) + " is empty");
        }
        float[] x = a.data;
        float[] out = new float[outer * inner];
        int[] arg = new int[outer * inner]; // flat index into x of the (first) maximum
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = o * d * inner + i;
                float m = x[best];
                for (int j = 1; j < d; j++) {
                    int at = (o * d + j) * inner + i;
                    if (x[at] > m || (Float.isNaN(x[at]) && !Float.isNaN(m))) { // NaN propagates, as in torch
                        m = x[at];
                        best = at;
                    }
                }
                out[o * inner + i] = m;
                arg[o * inner + i] = best;
            }
        }
        return Tensor.result(out, reducedShape(a.shape, ax, keepDim), a, g -> {
            float[] ga = a.gradForAccumulation();
            for (int k = 0; k < arg.length; k++) ga[arg[k]] += g[k];
        });
    }
}

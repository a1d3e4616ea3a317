package dev.quire.tensor;

import java.util.Arrays;

/**
 * Elementwise arithmetic: binary ops with NumPy broadcasting, scalar ops and unary functions.
 *
 * <p>Broadcasting is handled by rows: the output is seen as {@code [rows, L]} with L its last
 * dimension, and every operand is addressed per output row by a start offset and a step along the row
 * (1, or 0 when the operand's last dimension is stretched). The gradient of a stretched operand is the
 * output gradient summed back onto its shape, always in row order (deterministic).
 */
final class ElementwiseOps {

    /** Elements per parallel chunk for cheap elementwise work: below 2 chunks the caller does it alone. */
    static final int GRAIN = 1 << 15;

    private ElementwiseOps() {}

    enum Binary { ADD, SUB, MUL, DIV }

    enum Unary { EXP, LOG, SQRT, TANH, SQUARE, POW }

    /** How one operand is read along the rows of a broadcast output. */
    private static final class Operand {
        final boolean same;      // same shape as the output: row r starts at r * L, step 1
        final int[] rowOffset;   // otherwise: start offset of output row r in this operand
        final int step;          // 1, or 0 when the last dimension is stretched

        Operand(int[] in, int[] out, int rows, int lastDim) {
            same = Arrays.equals(in, out);
            if (same) {
                rowOffset = null;
                step = 1;
                return;
            }
            int[] st = Shapes.broadcastStrides(in, out);
            int r = out.length;
            step = r == 0 ? 0 : st[r - 1];
            rowOffset = new int[rows];
            // Odometer over all output dims but the last.
            int[] idx = new int[Math.max(0, r - 1)];
            int off = 0;
            for (int row = 0; row < rows; row++) {
                rowOffset[row] = off;
                for (int d = r - 2; d >= 0; d--) {
                    idx[d]++;
                    off += st[d];
                    if (idx[d] < out[d]) {
                        break;
                    }
                    off -= st[d] * idx[d];
                    idx[d] = 0;
                }
            }
        }

        int offset(int row, int lastDim) {
            return same ? row * lastDim : rowOffset[row];
        }
    }

    static Tensor binary(Binary op, Tensor a, Tensor b) {
        int[] outShape = Shapes.broadcast(op.name().toLowerCase(), a.shape, b.shape);
        int size = Shapes.size(outShape);
        int lastDim = outShape.length == 0 ? 1 : outShape[outShape.length - 1];
        int rows = lastDim == 0 ? 0 : size / lastDim;
        Operand oa = new Operand(a.shape, outShape, rows, lastDim);
        Operand ob = new Operand(b.shape, outShape, rows, lastDim);
        float[] out = Arena.uninitialized(size);
        float[] ad = a.data, bd = b.data;
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, lastDim)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                applyRow(op, ad, oa.offset(r, lastDim), oa.step, bd, ob.offset(r, lastDim), ob.step,
                        out, r * lastDim, lastDim);
            }
        });
        return Tensor.result(out, outShape, new Tensor[] {a, b}, g -> {
            if (a.requiresGrad) {
                backwardOperand(op, true, g, a, oa, b.data, ob, rows, lastDim);
            }
            if (b.requiresGrad) {
                backwardOperand(op, false, g, b, ob, a.data, oa, rows, lastDim);
            }
        });
    }

    private static void applyRow(Binary op, float[] a, int ao, int as, float[] b, int bo, int bs,
                                 float[] out, int oo, int n) {
        // Separate loops per op and per step pattern so the JIT vectorizes the common contiguous case.
        if (as == 1 && bs == 1) {
            switch (op) {
                case ADD -> { for (int j = 0; j < n; j++) out[oo + j] = a[ao + j] + b[bo + j]; }
                case SUB -> { for (int j = 0; j < n; j++) out[oo + j] = a[ao + j] - b[bo + j]; }
                case MUL -> { for (int j = 0; j < n; j++) out[oo + j] = a[ao + j] * b[bo + j]; }
                case DIV -> { for (int j = 0; j < n; j++) out[oo + j] = a[ao + j] / b[bo + j]; }
            }
        } else {
            for (int j = 0; j < n; j++) {
                float x = a[ao + j * as], y = b[bo + j * bs];
                out[oo + j] = switch (op) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    case DIV -> x / y;
                };
            }
        }
    }

    /**
     * Adds d(out)/d(self) * g into self's gradient, summing over stretched dimensions.
     * {@code other} is the other operand's data (needed by MUL and DIV).
     */
    private static void backwardOperand(Binary op, boolean isLeft, float[] g, Tensor self, Operand os,
                                        float[] other, Operand oo, int rows, int lastDim) {
        float[] gs = self.gradForAccumulation();
        float[] xs = self.data;
        Parallel.IntRangeBody body = (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int so = os.offset(r, lastDim), ss = os.step;
                int po = oo.offset(r, lastDim), ps = oo.step;
                int go = r * lastDim;
                if (ss == 1 && (op == Binary.ADD || (op == Binary.MUL && ps == 1))) {
                    // The common cases (a residual add, a gate) as loops the JIT vectorizes; same arithmetic.
                    if (op == Binary.ADD) {
                        for (int j = 0; j < lastDim; j++) gs[so + j] += g[go + j];
                    } else {
                        for (int j = 0; j < lastDim; j++) gs[so + j] += g[go + j] * other[po + j];
                    }
                    continue;
                }
                for (int j = 0; j < lastDim; j++) {
                    float gj = g[go + j];
                    float d = switch (op) {
                        case ADD -> gj;
                        case SUB -> isLeft ? gj : -gj;
                        case MUL -> gj * other[po + j * ps];
                        case DIV -> {
                            float y = isLeft ? other[po + j * ps] : xs[so + j * ss];
                            if (isLeft) {
                                yield gj / y;              // d(a/b)/da = 1/b
                            }
                            float num = other[po + j * ps]; // d(a/b)/db = -a/b²
                            yield -gj * num / (y * y);
                        }
                    };
                    gs[so + j * ss] += d;
                }
            }
        };
        if (os.same) {
            Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, lastDim)), body); // disjoint rows
        } else {
            body.run(0, rows); // several output rows add into the same elements: keep row order
        }
    }

    static Tensor addScalar(Tensor a, float s) {
        float[] x = a.data;
        float[] out = Arena.uninitialized(x.length);
        Parallel.forRange(x.length, GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) out[i] = x[i] + s;
        });
        return Tensor.result(out, a.shape.clone(), a, g -> addInto(a.gradForAccumulation(), g, 1f));
    }

    static Tensor mulScalar(Tensor a, float s) {
        float[] x = a.data;
        float[] out = Arena.uninitialized(x.length);
        Parallel.forRange(x.length, GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) out[i] = x[i] * s;
        });
        return Tensor.result(out, a.shape.clone(), a, g -> addInto(a.gradForAccumulation(), g, s));
    }

    /** {@code dst += scale * src}, elementwise, in parallel for large arrays. */
    static void addInto(float[] dst, float[] src, float scale) {
        Parallel.forRange(dst.length, GRAIN, (i0, i1) -> {
            if (scale == 1f) {
                for (int i = i0; i < i1; i++) dst[i] += src[i];
            } else {
                for (int i = i0; i < i1; i++) dst[i] += scale * src[i];
            }
        });
    }

    static Tensor unary(Unary op, Tensor a, float p) {
        float[] x = a.data;
        float[] y = Arena.uninitialized(x.length);
        Parallel.forRange(x.length, GRAIN, (i0, i1) -> {
            switch (op) {
                case EXP -> { for (int i = i0; i < i1; i++) y[i] = (float) Math.exp(x[i]); }
                case LOG -> { for (int i = i0; i < i1; i++) y[i] = (float) Math.log(x[i]); }
                case SQRT -> { for (int i = i0; i < i1; i++) y[i] = (float) Math.sqrt(x[i]); }
                case TANH -> { for (int i = i0; i < i1; i++) y[i] = (float) Math.tanh(x[i]); }
                case SQUARE -> { for (int i = i0; i < i1; i++) y[i] = x[i] * x[i]; }
                case POW -> { for (int i = i0; i < i1; i++) y[i] = (float) Math.pow(x[i], p); }
            }
        });
        return Tensor.result(y, a.shape.clone(), a, g -> {
            float[] ga = a.gradForAccumulation();
            Parallel.forRange(x.length, GRAIN, (i0, i1) -> {
                switch (op) {
                    case EXP -> { for (int i = i0; i < i1; i++) ga[i] += g[i] * y[i]; }
                    case LOG -> { for (int i = i0; i < i1; i++) ga[i] += g[i] / x[i]; }
                    case SQRT -> { for (int i = i0; i < i1; i++) ga[i] += g[i] * 0.5f / y[i]; }
                    case TANH -> { for (int i = i0; i < i1; i++) ga[i] += g[i] * (1f - y[i] * y[i]); }
                    case SQUARE -> { for (int i = i0; i < i1; i++) ga[i] += g[i] * 2f * x[i]; }
                    case POW -> {
                        for (int i = i0; i < i1; i++) ga[i] += (float) (g[i] * p * Math.pow(x[i], p - 1.0));
                    }
                }
            });
        });
    }
}

package dev.quire.tensor;

import java.util.Arrays;

/** Reshape, permute/transpose, slice, split/chunk, concat and stack, with their gradients. */
final class ShapeOps {

    private ShapeOps() {}

    static Tensor reshape(Tensor a, int[] newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: " + Shapes.str(a.shape) + " -> " + Arrays.toString(newShape)
                            + ": only one dimension may be -1");
                }
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape: " + Shapes.str(a.shape) + " -> " + Arrays.toString(newShape)
                        + ": negative dimension");
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || a.size() % known != 0) {
                throw new IllegalArgumentException("reshape: " + Shapes.str(a.shape) + " -> " + Arrays.toString(newShape)
                        + ": cannot infer the -1 dimension from " + a.size() + " elements");
            }
            s[infer] = (int) (a.size() / known);
        }
        if (Shapes.size(s) != a.size()) {
            throw new IllegalArgumentException("reshape: " + Shapes.str(a.shape) + " -> " + Arrays.toString(newShape)
                    + ": " + a.size() + " elements do not fit " + Shapes.size(s));
        }
        // Shares the data array: row-major order is unchanged, so the gradient passes through as is.
        return Tensor.result(a.data, s, a, g -> ElementwiseOps.addInto(a.gradForAccumulation(), g, 1f));
    }

    static Tensor transpose(Tensor a, int axisA, int axisB) {
        int r = a.rank();
        int x = Shapes.axis("transpose", axisA, a.shape), y = Shapes.axis("transpose", axisB, a.shape);
        int[] axes = new int[r];
        for (int i = 0; i < r; i++) axes[i] = i;
        axes[x] = y;
        axes[y] = x;
        return permute(a, axes);
    }

    static Tensor permute(Tensor a, int[] axes) {
        int r = a.rank();
        if (axes.length != r) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(axes) + " for shape " + Shapes.str(a.shape)
                    + ": need " + r + " axes");
        }
        int[] perm = new int[r];
        boolean[] used = new boolean[r];
        for (int i = 0; i < r; i++) {
            int ax = Shapes.axis("permute", axes[i], a.shape);
            if (used[ax]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(axes) + " repeats axis " + ax);
            }
            used[ax] = true;
            perm[i] = ax;
        }
        int[] outShape = new int[r];
        for (int i = 0; i < r; i++) outShape[i] = a.shape[perm[i]];
        float[] out = Arena.uninitialized(a.size());
        permuteInto(a.data, a.shape, perm, out, false);
        int[] inverse = new int[r];
        for (int i = 0; i < r; i++) inverse[perm[i]] = i;
        return Tensor.result(out, outShape, a, g -> permuteInto(g, outShape, inverse, a.gradForAccumulation(), true));
    }

    /**
     * Writes (or adds, when {@code accumulate}) {@code src} with shape {@code srcShape}, axes reordered by
     * {@code perm}, into {@code dst}. Walks the destination in order; the source is read with the
     * permuted strides, so the innermost run is contiguous whenever the last axis stays last.
     */
    static void permuteInto(float[] src, int[] srcShape, int[] perm, float[] dst, boolean accumulate) {
        int r = srcShape.length;
        int n = dst.length;
        if (n == 0) {
            return;
        }
        if (r == 0) {
            dst[0] = accumulate ? dst[0] + src[0] : src[0];
            return;
        }
        int[] srcStrides = Shapes.strides(srcShape);
        int[] dstShape = new int[r];
        int[] st = new int[r]; // source stride of each destination axis
        for (int i = 0; i < r; i++) {
            dstShape[i] = srcShape[perm[i]];
            st[i] = srcStrides[perm[i]];
        }
        int inner = dstShape[r - 1], innerStride = st[r - 1];
        int rows = n / inner;
        // Parallel over destination rows: each chunk writes its own rows.
        Parallel.forRange(rows, Math.max(1, ElementwiseOps.GRAIN / inner), (r0, r1) -> {
            int[] idx = new int[r];
            int off = 0;
            // Position the odometer at row r0.
            int rem = r0;
            for (int d = r - 2; d >= 0; d--) {
                idx[d] = rem % dstShape[d];
                rem /= dstShape[d];
                off += idx[d] * st[d];
            }
            for (int row = r0; row < r1; row++) {
                int o = row * inner;
                if (innerStride == 1 && !accumulate) {
                    System.arraycopy(src, off, dst, o, inner);
                } else if (accumulate) {
                    for (int j = 0; j < inner; j++) dst[o + j] += src[off + j * innerStride];
                } else {
                    for (int j = 0; j < inner; j++) dst[o + j] = src[off + j * innerStride];
                }
                for (int d = r - 2; d >= 0; d--) {
                    idx[d]++;
                    off += st[d];
                    if (idx[d] < dstShape[d]) {
                        break;
                    }
                    off -= st[d] * idx[d];
                    idx[d] = 0;
                }
            }
        });
    }

    static Tensor slice(Tensor a, int axis, int start, int end) {
        int ax = Shapes.axis("slice", axis, a.shape);
        int d = a.shape[ax];
        if (start < 0 || end > d || start > end) {
            throw new IllegalArgumentException("slice: [" + start + ", " + end + ") along axis " + axis + " of "
                    + Shapes.str(a.shape) + ": need 0 <= start <= end <= " + d);
        }
        int outer = Shapes.prod(a.shape, 0, ax), inner = Shapes.prod(a.shape, ax + 1, a.rank());
        int len = end - start;
        int[] outShape = a.shape.clone();
        outShape[ax] = len;
        float[] out = Arena.uninitialized(outer * len * inner);
        float[] x = a.data;
        // [outer, d, inner] -> [outer, len, inner]: one contiguous run of len * inner per outer index.
        int run = len * inner;
        for (int o = 0; o < outer; o++) {
            System.arraycopy(x, (o * d + start) * inner, out, o * run, run);
        }
        return Tensor.result(out, outShape, a, g -> {
            float[] ga = a.gradForAccumulation();
            for (int o = 0; o < outer; o++) {
                int src = o * run, dst = (o * d + start) * inner;
                for (int j = 0; j < run; j++) ga[dst + j] += g[src + j];
            }
        });
    }

    static Tensor[] split(Tensor a, int axis, int[] sizes) {
        int ax = Shapes.axis("split", axis, a.shape);
        int total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: negative size in " + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total != a.shape[ax]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + total
                    + ", but axis " + axis + " of " + Shapes.str(a.shape) + " has " + a.shape[ax]);
        }
        Tensor[] parts = new Tensor[sizes.length];
        int start = 0;
        for (int i = 0; i < sizes.length; i++) {
            parts[i] = slice(a, ax, start, start + sizes[i]);
            start += sizes[i];
        }
        return parts;
    }

    static Tensor[] chunk(Tensor a, int axis, int parts) {
        int ax = Shapes.axis("chunk", axis, a.shape);
        if (parts < 1) {
            throw new IllegalArgumentException("chunk: parts must be >= 1, got " + parts);
        }
        int d = a.shape[ax];
        int size = Math.max(1, (d + parts - 1) / parts); // torch.chunk: ceil(d / parts) each, last smaller
        int count = d == 0 ? 1 : (d + size - 1) / size;
        int[] sizes = new int[count];
        for (int i = 0; i < count; i++) sizes[i] = Math.min(size, d - i * size);
        return split(a, ax, sizes);
    }

    static Tensor concat(int axis, Tensor[] parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat: no tensors");
        }
        int[] first = parts[0].shape;
        int ax = Shapes.axis("concat", axis, first);
        int total = 0;
        for (Tensor p : parts) {
            boolean ok = p.rank() == first.length;
            for (int i = 0; ok && i < first.length; i++) {
                ok = i == ax || p.shape[i] == first[i];
            }
            if (!ok) {
                throw new IllegalArgumentException("concat: shapes " + shapes(parts) + " differ outside axis " + axis);
            }
            total += p.shape[ax];
        }
        int outer = Shapes.prod(first, 0, ax), inner = Shapes.prod(first, ax + 1, first.length);
        int[] outShape = first.clone();
        outShape[ax] = total;
        int totalLen = total;
        float[] out = Arena.uninitialized(outer * total * inner);
        int[] startOf = new int[parts.length];
        int start = 0;
        for (int i = 0; i < parts.length; i++) {
            startOf[i] = start;
            int run = parts[i].shape[ax] * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(parts[i].data, o * run, out, (o * total + start) * inner, run);
            }
            start += parts[i].shape[ax];
        }
        Tensor[] inputs = parts.clone();
        return Tensor.result(out, outShape, inputs, g -> {
            for (int i = 0; i < inputs.length; i++) {
                if (!inputs[i].requiresGrad) continue;
                float[] gp = inputs[i].gradForAccumulation();
                int run = inputs[i].shape[ax] * inner;
                for (int o = 0; o < outer; o++) {
                    int src = (o * totalLen + startOf[i]) * inner, dst = o * run;
                    for (int j = 0; j < run; j++) gp[dst + j] += g[src + j];
                }
            }
        });
    }

    static Tensor stack(int axis, Tensor[] parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("stack: no tensors");
        }
        int[] first = parts[0].shape;
        int r = first.length + 1;
        int ax = axis < 0 ? axis + r : axis;
        if (ax < 0 || ax >= r) {
            throw new IllegalArgumentException("stack: axis " + axis + " out of range for " + r + "-D result");
        }
        Tensor[] expanded = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!Arrays.equals(parts[i].shape, first)) {
                throw new IllegalArgumentException("stack: shapes " + shapes(parts) + " differ");
            }
            int[] s = new int[r];
            for (int d = 0, j = 0; d < r; d++) s[d] = d == ax ? 1 : first[j++];
            expanded[i] = reshape(parts[i], s);
        }
        return concat(ax, expanded);
    }

    private static String shapes(Tensor[] parts) {
        StringBuilder sb = new StringBuilder();
        for (Tensor p : parts) sb.append(sb.isEmpty() ? "" : ", ").append(Shapes.str(p.shape));
        return sb.toString();
    }
}

package dev.quire.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by the op classes: products, strides, broadcasting, axis normalization. */
final class Shapes {

    private Shapes() {}

    /** Number of elements of a shape; fails on negative dimensions or int overflow. */
    static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /** Row-major strides of a shape (in elements). */
    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Maps a possibly negative axis into {@code [0, rank)}, failing with the op name otherwise. */
    static int axis(String op, int axis, int[] shape) {
        int r = shape.length;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw new IllegalArgumentException(op + ": axis " + axis + " out of range for shape " + str(shape));
        }
        return a;
    }

    /** Product of {@code shape[from..to)}. */
    static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
    }

    /** NumPy broadcast of two shapes (aligned from the right; size-1 dims stretch). */
    static int[] broadcast(String op, int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " do not broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Strides of {@code in} seen through the broadcast shape {@code out}: 0 on stretched or missing
     * dimensions, so {@code offset = sum(index[i] * stride[i])} addresses the input element.
     */
    static int[] broadcastStrides(int[] in, int[] out) {
        int[] s = new int[out.length];
        int[] inStrides = strides(in);
        int lead = out.length - in.length;
        for (int i = 0; i < in.length; i++) {
            s[lead + i] = in[i] == 1 ? 0 : inStrides[i];
        }
        return s;
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

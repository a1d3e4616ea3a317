package dev.quire.tensor;

import java.util.Arrays;

/**
 * What a safetensors header says about one tensor: its dtype ({@code "F32"}, {@code "F64"},
 * {@code "I64"}, ...) and shape.
 *
 * @param dtype the safetensors dtype name
 * @param shape the dimensions (a copy is returned by {@link #shape()})
 */
public record TensorInfo(String dtype, int[] shape) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public int size() {
        return Shapes.size(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && t.dtype.equals(dtype) && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return dtype.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}

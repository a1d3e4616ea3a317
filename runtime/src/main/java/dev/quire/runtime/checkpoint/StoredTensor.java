package dev.quire.runtime.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named float32 tensor as stored in a checkpoint.
 *
 * @param name  {@code "model/<parameter>"} or {@code "optimizer/<buffer>"}
 * @param shape its shape (non-negative dimensions; empty for a scalar)
 * @param data  row-major values, as many as the product of {@code shape}
 */
public record StoredTensor(String name, int[] shape, float[] data) {
    public StoredTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        long count = 1;
        for (int dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("tensor " + name + " has a negative dimension: " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, dim);
        }
        if (count != data.length) {
            throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(shape) + " ("
                    + count + " values) but " + data.length + " values");
        }
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "StoredTensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}

package dev.quire.model;

import dev.quire.tensor.Tensor;
import java.util.Arrays;

/**
 * The keys and values of the positions a {@link Gpt} has already read, per layer, so that reading one
 * more token costs the work of one position instead of the whole prefix. Inference only: the cached
 * values carry no autograd history. Create one with {@link Gpt#newCache(int)}; not thread-safe.
 */
public final class KvCache {

    private final int batch;
    private final int heads;
    private final int headDim;
    private final int capacity;
    private final float[][] keys;   // per layer [B, H, capacity, D]
    private final float[][] values; // per layer [B, H, capacity, D]
    private int length;

    KvCache(int layers, int batch, int heads, int headDim, int capacity) {
        if (batch <= 0) {
            throw new IllegalArgumentException("cache batch must be positive, got " + batch);
        }
        this.batch = batch;
        this.heads = heads;
        this.headDim = headDim;
        this.capacity = capacity;
        long perLayer = (long) batch * heads * capacity * headDim;
        if (perLayer > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("cache of batch " + batch + " x " + heads + " heads x " + capacity
                    + " positions x " + headDim + " does not fit in one array");
        }
        this.keys = new float[layers][(int) perLayer];
        this.values = new float[layers][(int) perLayer];
    }

    /** Number of positions stored (the absolute position of the next token). */
    public int length() {
        return length;
    }

    /** The most positions this cache holds: the model's context length. */
    public int capacity() {
        return capacity;
    }

    /** The batch size this cache was made for. */
    public int batch() {
        return batch;
    }

    /** Forgets every position. */
    public void clear() {
        length = 0;
        for (float[] k : keys) {
            Arrays.fill(k, 0f);
        }
        for (float[] v : values) {
            Arrays.fill(v, 0f);
        }
    }

    /** Checks that {@code time} more positions fit; called before a forward pass touches any layer. */
    void checkRoom(int batchSize, int time) {
        if (batchSize != batch) {
            throw new IllegalArgumentException("cache holds a batch of " + batch + ", got " + batchSize + " sequences");
        }
        if (length + time > capacity) {
            throw new IllegalArgumentException("cache holds " + length + " of " + capacity + " positions; "
                    + time + " more do not fit (re-encode the last " + capacity + " tokens instead)");
        }
    }

    /**
     * Stores the new keys and values of one layer after the cached ones and returns all of them.
     *
     * @param k new keys {@code [B, H, T, D]} at positions {@code length() .. length()+T-1}
     * @param v new values {@code [B, H, T, D]}
     * @return keys and values {@code [B, H, length()+T, D]}, without history
     */
    Tensor[] append(int layer, Tensor k, Tensor v) {
        int time = k.dim(2);
        int total = length + time;
        float[] allKeys = new float[batch * heads * total * headDim];
        float[] allValues = new float[allKeys.length];
        for (int bh = 0; bh < batch * heads; bh++) {
            int stored = bh * capacity * headDim;  // row 0 of (b, h) in the cache
            int fresh = bh * time * headDim;       // row 0 of (b, h) in k, v
            System.arraycopy(k.data(), fresh, keys[layer], stored + length * headDim, time * headDim);
            System.arraycopy(v.data(), fresh, values[layer], stored + length * headDim, time * headDim);
            System.arraycopy(keys[layer], stored, allKeys, bh * total * headDim, total * headDim);
            System.arraycopy(values[layer], stored, allValues, bh * total * headDim, total * headDim);
        }
        return new Tensor[] {Tensor.of(allKeys, batch, heads, total, headDim), Tensor.of(allValues, batch, heads, total, headDim)};
    }

    /** Marks {@code time} more positions as stored, once every layer has appended them. */
    void advance(int time) {
        length += time;
    }
}

package dev.quire.model;

import dev.quire.tensor.Arena;
import dev.quire.tensor.Parallel;
import dev.quire.tensor.Tensor;

/**
 * The attention's layout changes as single copies with their own gradients, instead of
 * {@code split} + {@code reshape} + {@code permute} (two copies forward, three passes backward):
 * <ul>
 *   <li>{@link #split}: one of the three parts of the fused projection {@code [B, T, 3C]} as heads
 *       {@code [B, H, T, D]};</li>
 *   <li>{@link #merge}: heads {@code [B, H, T, D]} side by side again, {@code [B, T, C]}.</li>
 * </ul>
 * Pure copies: the values (and gradients) are exactly those of the unfused ops.
 */
final class Heads {

    private Heads() {
    }

    /** Part {@code part} (0: queries, 1: keys, 2: values) of {@code qkv [B, T, 3C]} as {@code [B, H, T, D]}. */
    static Tensor split(Tensor qkv, int part, int batch, int time, int heads) {
        int width3 = qkv.dim(2);
        int width = width3 / 3;
        int d = width / heads;
        float[] src = qkv.data();
        float[] out = Arena.resultArray(batch * time * width);
        int rows = batch * heads;
        Parallel.forRange(rows, Math.max(1, 8192 / Math.max(1, time * d)), (r0, r1) -> {
            for (int bh = r0; bh < r1; bh++) {
                int b = bh / heads, h = bh % heads;
                for (int t = 0; t < time; t++) {
                    System.arraycopy(src, (b * time + t) * width3 + part * width + h * d, out, (bh * time + t) * d, d);
                }
            }
        });
        return Tensor.fromOp(out, new int[] {batch, heads, time, d}, new Tensor[] {qkv}, g -> {
            float[] ga = qkv.gradForAccumulation();
            Parallel.forRange(batch * time, Math.max(1, 8192 / Math.max(1, width)), (r0, r1) -> {
                for (int bt = r0; bt < r1; bt++) {
                    int b = bt / time, t = bt % time;
                    for (int h = 0; h < heads; h++) {
                        int dst = bt * width3 + part * width + h * d, from = ((b * heads + h) * time + t) * d;
                        for (int c = 0; c < d; c++) ga[dst + c] += g[from + c];
                    }
                }
            });
        });
    }

    /** {@code y [B, H, T, D] -> [B, T, H·D]}: the heads of each position side by side. */
    static Tensor merge(Tensor y) {
        int batch = y.dim(0), heads = y.dim(1), time = y.dim(2), d = y.dim(3);
        int width = heads * d;
        float[] src = y.data();
        float[] out = Arena.resultArray(src.length);
        Parallel.forRange(batch * time, Math.max(1, 8192 / Math.max(1, width)), (r0, r1) -> {
            for (int bt = r0; bt < r1; bt++) {
                int b = bt / time, t = bt % time;
                for (int h = 0; h < heads; h++) {
                    System.arraycopy(src, ((b * heads + h) * time + t) * d, out, bt * width + h * d, d);
                }
            }
        });
        return Tensor.fromOp(out, new int[] {batch, time, width}, new Tensor[] {y}, g -> {
            float[] ga = y.gradForAccumulation();
            Parallel.forRange(batch * heads, Math.max(1, 8192 / Math.max(1, time * d)), (r0, r1) -> {
                for (int bh = r0; bh < r1; bh++) {
                    int b = bh / heads, h = bh % heads;
                    for (int t = 0; t < time; t++) {
                        int dst = (bh * time + t) * d, from = (b * time + t) * width + h * d;
                        for (int c = 0; c < d; c++) ga[dst + c] += g[from + c];
                    }
                }
            });
        });
    }
}

package dev.quire.tensor;

import java.util.Arrays;

/**
 * Matrix products of tensors: {@code matmul}, {@code matmulTransposed} and {@code linear}, forward and
 * backward, all on the {@link MatMul} kernels. Backward of {@code C = A·B} is {@code dA = dC·Bᵀ} (nt)
 * and {@code dB = Aᵀ·dC} (tn): no transpose is ever materialized.
 */
final class MatMulOps {

    private MatMulOps() {}

    /** {@code A·B} (transposedB false, b is [..., K, N]) or {@code A·Bᵀ} (b is [..., N, K]). */
    static Tensor matmul(Tensor a, Tensor b, boolean transposedB) {
        String op = transposedB ? "matmulTransposed" : "matmul";
        int ra = a.rank(), rb = b.rank();
        if (ra < 2 || rb < 2) {
            throw new IllegalArgumentException(op + ": " + Shapes.str(a.shape) + " @ " + Shapes.str(b.shape)
                    + ": both operands need at least 2 dimensions");
        }
        int m = a.shape[ra - 2], k = a.shape[ra - 1];
        int kb = transposedB ? b.shape[rb - 1] : b.shape[rb - 2];
        int n = transposedB ? b.shape[rb - 2] : b.shape[rb - 1];
        if (k != kb) {
            throw new IllegalArgumentException(op + ": " + Shapes.str(a.shape) + " @ " + Shapes.str(b.shape)
                    + (transposedB ? "ᵀ" : "") + ": inner dimensions " + k + " and " + kb + " differ");
        }
        int[] aBatch = Arrays.copyOf(a.shape, ra - 2);
        int[] bBatch = Arrays.copyOf(b.shape, rb - 2);
        if (rb == 2) {
            return sharedRight(a, b, transposedB, aBatch, m, k, n);
        }
        int[] batch = Shapes.broadcast(op, aBatch, bBatch);
        int batches = Shapes.size(batch);
        int[] aIndex = matrixIndex(aBatch, batch), bIndex = matrixIndex(bBatch, batch);
        int aMat = m * k, bMat = k * n, cMat = m * n;
        float[] ad = a.data, bd = b.data;
        float[] out = Arena.uninitialized(batches * cMat);
        // [batch..., M, K] @ [batch..., K, N]: one kernel call per matrix; small matrices (attention
        // heads) are spread over threads by batch, a single large one parallelizes inside the kernel.
        Parallel.forRange(batches, (b0, b1) -> {
            for (int i = b0; i < b1; i++) {
                if (transposedB) {
                    MatMul.nt(ad, aIndex[i] * aMat, bd, bIndex[i] * bMat, out, i * cMat, m, k, n, false);
                } else {
                    MatMul.nn(ad, aIndex[i] * aMat, bd, bIndex[i] * bMat, out, i * cMat, m, k, n, false);
                }
            }
        });
        int[] outShape = Shapes.concat(batch, new int[] {m, n});
        return Tensor.result(out, outShape, new Tensor[] {a, b}, g -> {
            if (a.requiresGrad) {
                float[] ga = a.gradForAccumulation();
                // dA[M, K] += dC[M, N] · B[K, N]ᵀ  (or dC · B[N, K] when B was transposed)
                forBatches(batches, aIndex, Shapes.size(aBatch), i -> {
                    if (transposedB) {
                        MatMul.nn(g, i * cMat, bd, bIndex[i] * bMat, ga, aIndex[i] * aMat, m, n, k, true);
                    } else {
                        MatMul.nt(g, i * cMat, bd, bIndex[i] * bMat, ga, aIndex[i] * aMat, m, n, k, true);
                    }
                });
            }
            if (b.requiresGrad) {
                float[] gb = b.gradForAccumulation();
                forBatches(batches, bIndex, Shapes.size(bBatch), i -> {
                    if (transposedB) {
                        // dB[N, K] += dC[M, N]ᵀ · A[M, K]
                        MatMul.tn(g, i * cMat, ad, aIndex[i] * aMat, gb, bIndex[i] * bMat, n, m, k, true);
                    } else {
                        // dB[K, N] += A[M, K]ᵀ · dC[M, N]
                        MatMul.tn(ad, aIndex[i] * aMat, g, i * cMat, gb, bIndex[i] * bMat, k, m, n, true);
                    }
                });
            }
        });
    }

    /** {@code [..., M, K] @ [K, N]}: every batch shares B, so the batch folds into the rows of A. */
    private static Tensor sharedRight(Tensor a, Tensor b, boolean transposedB, int[] aBatch, int m, int k, int n) {
        int rows = Shapes.size(aBatch) * m;
        float[] ad = a.data, bd = b.data;
        float[] out = Arena.uninitialized(rows * n);
        if (transposedB) {
            MatMul.nt(ad, 0, bd, 0, out, 0, rows, k, n, false);
        } else {
            MatMul.nn(ad, 0, bd, 0, out, 0, rows, k, n, false);
        }
        int[] outShape = Shapes.concat(aBatch, new int[] {m, n});
        return Tensor.result(out, outShape, new Tensor[] {a, b}, g -> {
            if (a.requiresGrad) {
                if (transposedB) {
                    MatMul.nn(g, 0, bd, 0, a.gradForAccumulation(), 0, rows, n, k, true); // dA[rows,K] += dC·B[N,K]
                } else {
                    MatMul.nt(g, 0, bd, 0, a.gradForAccumulation(), 0, rows, n, k, true); // dA += dC·B[K,N]ᵀ
                }
            }
            if (b.requiresGrad) {
                if (transposedB) {
                    MatMul.tn(g, 0, ad, 0, b.gradForAccumulation(), 0, n, rows, k, true); // dB[N,K] += dCᵀ·A
                } else {
                    MatMul.tn(ad, 0, g, 0, b.gradForAccumulation(), 0, k, rows, n, true); // dB[K,N] += Aᵀ·dC
                }
            }
        });
    }

    /** For every output batch index, the index of the operand's matrix (batch dims may be stretched). */
    private static int[] matrixIndex(int[] operandBatch, int[] batch) {
        int count = Shapes.size(batch);
        int[] st = Shapes.broadcastStrides(operandBatch, batch);
        int[] index = new int[count];
        int[] idx = new int[batch.length];
        int off = 0;
        for (int i = 0; i < count; i++) {
            index[i] = off;
            for (int d = batch.length - 1; d >= 0; d--) {
                idx[d]++;
                off += st[d];
                if (idx[d] < batch[d]) {
                    break;
                }
                off -= st[d] * idx[d];
                idx[d] = 0;
            }
        }
        return index;
    }

    private interface BatchBody {
        void run(int batch);
    }

    /**
     * Runs a gradient kernel for every batch. When each operand matrix receives from exactly one batch,
     * batches run in parallel (disjoint outputs); when a broadcast operand collects from several, they
     * run in batch order so the accumulation order is fixed.
     */
    private static void forBatches(int batches, int[] operandIndex, int operandMatrices, BatchBody body) {
        if (operandMatrices == batches) {
            Parallel.forRange(batches, (b0, b1) -> {
                for (int i = b0; i < b1; i++) body.run(i);
            });
        } else {
            for (int i = 0; i < batches; i++) body.run(i);
        }
    }

    /** {@code x [..., in] · weight[out, in]ᵀ + bias[out] -> [..., out]}. */
    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.rank() != 2 || x.rank() < 1 || x.shape[x.rank() - 1] != weight.shape[1]) {
            throw new IllegalArgumentException("linear: x " + Shapes.str(x.shape) + ", weight " + Shapes.str(weight.shape)
                    + ": need weight [out, in] with in equal to the last dimension of x");
        }
        int in = weight.shape[1], outF = weight.shape[0];
        if (bias != null && (bias.rank() != 1 || bias.shape[0] != outF)) {
            throw new IllegalArgumentException("linear: weight " + Shapes.str(weight.shape) + ", bias "
                    + Shapes.str(bias.shape) + ": bias must be [" + outF + "]");
        }
        int rows = in == 0 ? 0 : x.size() / in;
        float[] xd = x.data, wd = weight.data;
        float[] out = Arena.uninitialized(rows * outF);
        if (bias != null) {
            // Start every row of C at the bias, then C += x · Wᵀ: the bias costs no extra pass.
            float[] bd = bias.data;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(bd, 0, out, r * outF, outF);
            }
        }
        MatMul.nt(xd, 0, wd, 0, out, 0, rows, in, outF, bias != null);
        int[] outShape = x.shape.clone();
        outShape[outShape.length - 1] = outF;
        Tensor[] inputs = bias == null ? new Tensor[] {x, weight} : new Tensor[] {x, weight, bias};
        return Tensor.result(out, outShape, inputs, g -> {
            if (x.requiresGrad) {
                MatMul.nn(g, 0, wd, 0, x.gradForAccumulation(), 0, rows, outF, in, true); // dx[rows,in] += g·W
            }
            boolean biasGrad = bias != null && bias.requiresGrad;
            if (weight.requiresGrad && biasGrad) {
                // dW[out,in] += gᵀ·x, and db[out] += Σ_rows g from the same pass over g
                MatMul.tn(g, 0, xd, 0, weight.gradForAccumulation(), 0, outF, rows, in, true, bias.gradForAccumulation());
            } else if (weight.requiresGrad) {
                MatMul.tn(g, 0, xd, 0, weight.gradForAccumulation(), 0, outF, rows, in, true); // dW[out,in] += gᵀ·x
            } else if (biasGrad) {
                MatMul.columnSums(g, rows, outF, bias.gradForAccumulation());
            }
        });
    }
}

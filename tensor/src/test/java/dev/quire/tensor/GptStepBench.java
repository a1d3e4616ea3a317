package dev.quire.tensor;

import java.util.SplittableRandom;

/**
 * Not a test: times one training step (forward + backward) of a nanoGPT-shaped model built from the
 * public ops (4 layers, width 128, 4 heads, context 64, batch 12, vocab 65), to see the engine's overhead
 * outside the matrix multiplies. Run like {@link MatMulBench}:
 * {@code ... dev.quire.tensor.GptStepBench [threads]} ({@code -Diters=N}, {@code -Dgelu=TANH}).
 */
public final class GptStepBench {

    private GptStepBench() {}

    public static void main(String[] args) {
        if (args.length > 0) Parallel.setThreads(Integer.parseInt(args[0]));
        int b = 12;
        TinyGpt model = new TinyGpt(1, 4, 128, 4, 64, 65);
        SplittableRandom rng = new SplittableRandom(2);
        int[] ids = new int[b * model.t], targets = new int[b * model.t];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(model.vocab);
            targets[i] = rng.nextInt(model.vocab);
        }
        Tensor.Gelu gelu = Tensor.Gelu.valueOf(System.getProperty("gelu", "EXACT"));
        long best = Long.MAX_VALUE;
        int iters = Integer.getInteger("iters", 60);
        for (int iter = 0; iter < iters; iter++) {
            long t0 = System.nanoTime();
            Tensor loss = model.loss(b, ids, targets, gelu);
            loss.backward();
            long el = System.nanoTime() - t0;
            best = Math.min(best, el);
            for (Tensor p : model.params) p.zeroGrad();
            if (iter % 10 == 9) {
                System.out.printf("iter %d loss %.4f: %.1f ms (best %.1f)%n", iter, loss.item(), el / 1e6, best / 1e6);
            }
        }
    }
}

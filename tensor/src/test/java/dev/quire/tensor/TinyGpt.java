package dev.quire.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A nanoGPT-shaped model written with the public ops only (pre-LayerNorm blocks, causal self-attention,
 * GELU MLP, tied LM head), for the determinism test and the step benchmark.
 */
final class TinyGpt {

    final int layers, c, heads, t, vocab;
    final List<Tensor> params = new ArrayList<>();
    private final Tensor wte, wpe, lnf, lnfb;
    private final Tensor[][] blocks;
    private final SplittableRandom rng;

    TinyGpt(long seed, int layers, int c, int heads, int t, int vocab) {
        this.layers = layers;
        this.c = c;
        this.heads = heads;
        this.t = t;
        this.vocab = vocab;
        this.rng = new SplittableRandom(seed);
        wte = weight(vocab, c);
        wpe = weight(t, c);
        blocks = new Tensor[layers][];
        for (int l = 0; l < layers; l++) {
            blocks[l] = new Tensor[] {ones(c), zeros(c), weight(3 * c, c), zeros(3 * c), weight(c, c), zeros(c),
                    ones(c), zeros(c), weight(4 * c, c), zeros(4 * c), weight(c, 4 * c), zeros(c)};
        }
        lnf = ones(c);
        lnfb = zeros(c);
    }

    private Tensor keep(Tensor p) {
        params.add(p);
        return p;
    }

    private Tensor weight(int out, int in) {
        return keep(Tensor.randn(rng, 0.02f, out, in).requiresGrad(true));
    }

    private Tensor zeros(int n) {
        // Small random values instead of zeros, so that every gradient path carries information.
        return keep(Tensor.randn(rng, 0.01f, n).requiresGrad(true));
    }

    private Tensor ones(int n) {
        return keep(Tensor.randn(rng, 0.01f, n).add(1f).detach().requiresGrad(true));
    }

    /** Mean next-token loss of {@code ids [b, t]} against {@code targets}. */
    Tensor loss(int b, int[] ids, int[] targets, Tensor.Gelu gelu) {
        int[] pos = new int[t];
        for (int i = 0; i < t; i++) pos[i] = i;
        int d = c / heads;
        float scale = (float) (1 / Math.sqrt(d));
        Tensor x = Tensor.embedding(wte, ids, b, t).add(Tensor.embedding(wpe, pos, t));     // [B, T, C]
        for (Tensor[] p : blocks) {
            Tensor h = x.layerNorm(p[0], p[1], 1e-5f);
            Tensor[] qkv = h.linear(p[2], p[3]).split(-1, c, c, c);                       // 3 x [B, T, C]
            Tensor q = qkv[0].reshape(b, t, heads, d).transpose(1, 2);                    // [B, H, T, D]
            Tensor k = qkv[1].reshape(b, t, heads, d).transpose(1, 2);
            Tensor v = qkv[2].reshape(b, t, heads, d).transpose(1, 2);
            Tensor att = q.matmulTransposed(k).mul(scale).causalMask(Float.NEGATIVE_INFINITY).softmax(-1); // [B, H, T, T]
            Tensor y = att.matmul(v).transpose(1, 2).reshape(b, t, c);                    // [B, T, C]
            x = x.add(y.linear(p[4], p[5]));
            h = x.layerNorm(p[6], p[7], 1e-5f);
            x = x.add(h.linear(p[8], p[9]).gelu(gelu).linear(p[10], p[11]));
        }
        Tensor logits = x.layerNorm(lnf, lnfb, 1e-5f).matmulTransposed(wte);             // [B, T, V]
        return logits.crossEntropy(targets, -1, 0f);
    }
}

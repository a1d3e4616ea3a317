package dev.quire.model;

import dev.quire.api.Attention;
import dev.quire.api.AttentionDropout;
import dev.quire.api.AttentionMask;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterSource;
import dev.quire.api.PositionalLayer;
import dev.quire.tensor.Arena;
import dev.quire.tensor.Grad;
import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Multi-head causal self-attention: every position mixes the values of itself and the positions
 * before it, weighted by how well its query matches their keys. The attention itself is a component
 * ({@link Attention}), so standard and flash attention are interchangeable here.
 */
final class CausalSelfAttention implements ParameterSource {

    private final int heads;
    private final int width;
    private final Linear cAttn; // [3C, C]: queries, keys and values of all heads in one product
    private final Linear cProj; // [C, C]:  mixes the heads' outputs back into the residual stream
    private final Attention attention;
    private final PositionalLayer positional;

    CausalSelfAttention(GptConfig config, Attention attention, PositionalLayer positional, RandomGenerator init) {
        this.heads = config.heads();
        this.width = config.width();
        this.cAttn = new Linear(width, 3 * width, config.bias(), 0.02f, init);
        // GPT-2: scale the init of projections into the residual stream by 1/sqrt(2·layers), since each
        // block adds two of them to the same stream.
        this.cProj = new Linear(width, width, config.bias(), (float) (0.02 / Math.sqrt(2.0 * config.layers())), init);
        this.attention = attention;
        this.positional = positional;
    }

    /**
     * @param x     {@code [B, T, C]}
     * @param cache this layer's keys and values of earlier positions, or null to attend within {@code x} only
     * @param layer index of this layer in the cache
     * @param start absolute position of the first of the {@code T} rows
     * @param dropout dropout of the attention probabilities ({@link AttentionDropout#NONE} outside training)
     * @return {@code [B, T, C]}
     */
    Tensor forward(Tensor x, KvCache cache, int layer, int start, AttentionDropout dropout) {
        int batch = x.dim(0);
        int time = x.dim(1);
        Tensor qkv = cAttn.forward(x);                                        // [B, T, 3C]
        Tensor q = positional.rotate(Heads.split(qkv, 0, batch, time, heads), start); // [B, H, T, D]
        Tensor k = positional.rotate(Heads.split(qkv, 1, batch, time, heads), start); // [B, H, T, D]
        Tensor v = Heads.split(qkv, 2, batch, time, heads);                           // [B, H, T, D]
        // The fused projection is dead now: the splits copied it, and neither its backward (which reads x
        // and the weights) nor theirs (which read only gradients) reads its values. Handing its array back
        // lets the next layer's projection reuse it: one [B, T, 3C] array per step instead of one per layer.
        Arena.releaseEarly(qkv.data());
        if (cache != null) {
            if (Grad.enabled()) {
                throw new IllegalStateException("a key/value cache is for inference: run under Grad.disabled()");
            }
            Tensor[] all = cache.append(layer, k, v); // [B, H, start+T, D]: earlier positions, then these
            k = all[0];
            v = all[1];
        }
        // Causal with the queries as the last T positions: also right when decoding after a cache.
        Tensor y = attention.forward(q, k, v, AttentionMask.CAUSAL, dropout).output(); // [B, H, T, D]
        y = Heads.merge(y);                                                  // [B, T, C], heads side by side
        return cProj.forward(y);                                             // [B, T, C]
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>(Parameters.prefixed("c_attn.", cAttn));
        list.addAll(Parameters.prefixed("c_proj.", cProj));
        return list;
    }
}

package dev.quire.api;

import dev.quire.tensor.Tensor;

/**
 * A positional encoding built for one model: adds position information to token embeddings and,
 * for encodings that act inside attention (rotary), to queries and keys.
 */
public interface PositionalLayer extends ParameterSource {

    /**
     * @param tokens        token embeddings {@code [B, T, C]}
     * @param startPosition absolute position of the first of the {@code T} tokens (non-zero when
     *                      decoding against a key/value cache)
     * @return {@code [B, T, C]}
     * @throws IllegalArgumentException if {@code startPosition + T} exceeds the positions built for
     */
    Tensor embed(Tensor tokens, int startPosition);

    /**
     * Position information applied to queries or keys inside attention; the identity unless the
     * encoding is relative (rotary).
     *
     * @param queriesOrKeys {@code [B, H, T, D]}
     * @param startPosition absolute position of the first of the {@code T} rows
     * @return {@code [B, H, T, D]}
     */
    default Tensor rotate(Tensor queriesOrKeys, int startPosition) {
        return queriesOrKeys;
    }
}

package dev.quire.api;

import dev.quire.tensor.Tensor;

/**
 * What {@link Attention#forward} returns.
 *
 * @param output     {@code [B, H, Tq, D]}, carrying autograd history back to q, k and v
 * @param logSumExp  {@code [B, H, Tq]}: per query, the natural-log log-sum-exp of its scaled scores
 *                   over the keys it sees ({@code -Infinity} for a query that sees none); no history
 */
public record AttentionResult(Tensor output, Tensor logSumExp) {
}

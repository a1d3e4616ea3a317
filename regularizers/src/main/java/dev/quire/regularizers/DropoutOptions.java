package dev.quire.regularizers;

/**
 * Options of {@code dropout}: the probability of zeroing an element at each site, each in {@code [0, 1)}.
 *
 * @param embedding the sum of token and position embeddings, before the first block (nanoGPT's
 *                  {@code transformer.drop})
 * @param residual  the output of each attention and MLP branch before it joins the residual stream
 *                  (nanoGPT's {@code resid_dropout} and the MLP's {@code dropout})
 * @param attention the attention probabilities (nanoGPT's {@code attn_dropout}), applied inside the
 *                  attention component through {@link dev.quire.api.AttentionDropout}
 */
public record DropoutOptions(double embedding, double residual, double attention) {

    /** nanoGPT's Shakespeare-character setting: 0.2 everywhere. */
    public static final DropoutOptions DEFAULTS = new DropoutOptions(0.2, 0.2, 0.2);

    public DropoutOptions {
        RegularizerProvider.checkUnitInterval("embedding", embedding);
        RegularizerProvider.checkUnitInterval("residual", residual);
        RegularizerProvider.checkUnitInterval("attention", attention);
    }

    /** Dropout on embeddings and residual branches only, none on the attention probabilities. */
    public DropoutOptions(double embedding, double residual) {
        this(embedding, residual, 0.0);
    }
}

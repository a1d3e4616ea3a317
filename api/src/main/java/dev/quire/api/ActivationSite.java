package dev.quire.api;

/** Where in a transformer an activation passes, so a regularizer can act on some sites only. */
public enum ActivationSite {
    /** Token plus position embeddings, before the first block. */
    EMBEDDING,
    /** Attention probabilities, inside attention. */
    ATTENTION_PROBABILITIES,
    /** The attention branch's output, before it is added to the residual stream. */
    ATTENTION_RESIDUAL,
    /** The feed-forward branch's output, before it is added to the residual stream. */
    MLP_RESIDUAL
}

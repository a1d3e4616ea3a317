package dev.quire.rlhf;

import dev.quire.api.LanguageModel;
import dev.quire.api.TrainingContext;
import dev.quire.tensor.Tensor;

/**
 * Log-probabilities of completions given their prompts: {@code log π(y | x) = Σ_j log π(y_j | x, y_<j)}, from
 * one forward pass over a padded {@link SequenceBatch}. Prompt and padding positions contribute exactly 0.
 */
public final class LogProbs {

    private LogProbs() {
    }

    /**
     * Per-token log-probabilities of the completion tokens.
     *
     * @param logits {@code [B, T, V]} from the model on {@code batch.tokens()}
     * @return {@code [B, T]}: at a position that predicts a completion token, its log-probability; 0 elsewhere
     */
    public static Tensor perToken(Tensor logits, SequenceBatch batch) {
        return logits.targetLogProbs(batch.targets(), SequenceBatch.IGNORE).reshape(batch.batch(), batch.time()); // [B, T]
    }

    /** Sums per-token values {@code [B, T]} to one value per sequence {@code [B]}. */
    public static Tensor perSequence(Tensor perToken) {
        return perToken.sum(1, false); // [B]
    }

    /**
     * {@code log π(completion | prompt)} of every sequence.
     *
     * @return {@code [B]}, carrying autograd history when grad is enabled
     */
    public static Tensor sequences(LanguageModel model, SequenceBatch batch, TrainingContext context) {
        Tensor logits = model.logits(batch.tokens(), batch.batch(), batch.time(), context); // [B, T, V]
        return perSequence(perToken(logits, batch));                                        // [B]
    }

    /**
     * Per-token log-probabilities of the completion tokens.
     *
     * @return {@code [B, T]}, 0 outside the completions
     */
    public static Tensor tokens(LanguageModel model, SequenceBatch batch, TrainingContext context) {
        return perToken(model.logits(batch.tokens(), batch.batch(), batch.time(), context), batch);
    }
}

package dev.quire.model;

import java.util.List;
import java.util.Objects;

/**
 * Examples packed for one forward pass: {@code [batch, time]} inputs and targets, right-padded.
 *
 * <p>Row {@code b} holds example {@code b}'s tokens {@code t[0..n-2]} as inputs; its target at input
 * position {@code i} is {@code t[i+1]} when that is a completion token and {@link Gpt#IGNORE_INDEX}
 * otherwise (the prompt is read, not learned). Positions past the example are padding: input token
 * {@code padToken}, target ignored. Since attention is causal, padding at the right cannot change what the
 * real positions compute, so a padded example's loss equals its loss alone.
 *
 * @param inputs  {@code [batch, time]} row-major token ids
 * @param targets {@code [batch, time]} next completion token, or {@link Gpt#IGNORE_INDEX}
 * @param batch   rows
 * @param time    the longest example's input length
 */
public record PromptCompletionBatch(int[] inputs, int[] targets, int batch, int time) {

    public PromptCompletionBatch {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(targets, "targets");
        if (batch < 1 || time < 1 || inputs.length != batch * time || targets.length != inputs.length) {
            throw new IllegalArgumentException("a batch [" + batch + ", " + time + "] needs " + (batch * time)
                    + " inputs and targets, got " + inputs.length + " and " + targets.length);
        }
    }

    /** The number of targets that count in the loss (completion tokens). */
    public int targetCount() {
        int count = 0;
        for (int target : targets) {
            if (target != Gpt.IGNORE_INDEX) {
                count++;
            }
        }
        return count;
    }

    /**
     * Packs {@code examples} into one batch, right-padded with {@code padToken} to the longest one.
     *
     * @throws IllegalArgumentException if there is no example
     */
    public static PromptCompletionBatch pack(List<PromptCompletionTokens> examples, int padToken) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("cannot pack an empty batch");
        }
        int time = 0;
        for (PromptCompletionTokens example : examples) {
            time = Math.max(time, example.length() - 1);
        }
        int batch = examples.size();
        int[] inputs = new int[batch * time];    // [B, T]
        int[] targets = new int[batch * time];   // [B, T]
        java.util.Arrays.fill(inputs, padToken);
        java.util.Arrays.fill(targets, Gpt.IGNORE_INDEX);
        for (int b = 0; b < batch; b++) {
            PromptCompletionTokens example = examples.get(b);
            int row = b * time;
            for (int i = 0; i < example.length() - 1; i++) {
                inputs[row + i] = example.token(i);
                // Position i predicts token i + 1: a target only where that is a completion token.
                if (i + 1 >= example.promptTokens()) {
                    targets[row + i] = example.token(i + 1);
                }
            }
        }
        return new PromptCompletionBatch(inputs, targets, batch, time);
    }
}

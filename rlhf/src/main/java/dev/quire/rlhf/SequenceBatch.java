package dev.quire.rlhf;

import java.util.List;

/**
 * Prompt + completion sequences right-padded into one {@code [batch, time]} block, with the targets that pick
 * out the completion tokens: the logits at position {@code t} predict token {@code t + 1}, so
 * {@code targets[b, t]} is {@code tokens[b, t + 1]} where that token belongs to the completion and
 * {@link #IGNORE} elsewhere (prompt, padding, last position). Causal attention means the padding after a
 * sequence never changes what its real positions compute.
 *
 * @param tokens        {@code [batch, time]} row-major, padded with {@link #PAD}
 * @param batch         number of sequences {@code B}
 * @param time          longest prompt + completion {@code T}
 * @param promptLengths tokens of each prompt
 * @param lengths       real tokens of each sequence (prompt + completion)
 * @param targets       {@code [batch, time]}: the completion token each position predicts, or {@link #IGNORE}
 */
public record SequenceBatch(int[] tokens, int batch, int time, int[] promptLengths, int[] lengths, int[] targets) {

    /** The target of positions that predict no completion token (the ignore index of {@code targetLogProbs}). */
    public static final int IGNORE = -1;
    /** The token written into padding: any valid id works, since padding is never a target or read back. */
    public static final int PAD = 0;

    /**
     * Packs {@code prompts.get(i) + completions.get(i)} into one padded batch.
     *
     * @throws IllegalArgumentException if the lists differ in size, are empty, or a prompt or completion is empty
     */
    public static SequenceBatch of(List<int[]> prompts, List<int[]> completions) {
        if (prompts.size() != completions.size()) {
            throw new IllegalArgumentException("sequence batch: " + prompts.size() + " prompts but "
                    + completions.size() + " completions");
        }
        int batch = prompts.size();
        if (batch == 0) {
            throw new IllegalArgumentException("sequence batch: no sequences");
        }
        int[] promptLengths = new int[batch];
        int[] lengths = new int[batch];
        int time = 0;
        for (int b = 0; b < batch; b++) {
            promptLengths[b] = prompts.get(b).length;
            if (promptLengths[b] == 0 || completions.get(b).length == 0) {
                throw new IllegalArgumentException("sequence batch: sequence " + b + " has " + promptLengths[b]
                        + " prompt and " + completions.get(b).length + " completion tokens; both need at least one");
            }
            lengths[b] = promptLengths[b] + completions.get(b).length;
            time = Math.max(time, lengths[b]);
        }
        int[] tokens = new int[batch * time];
        int[] targets = new int[batch * time];
        java.util.Arrays.fill(tokens, PAD);
        java.util.Arrays.fill(targets, IGNORE);
        for (int b = 0; b < batch; b++) {
            int[] prompt = prompts.get(b);
            int[] completion = completions.get(b);
            System.arraycopy(prompt, 0, tokens, b * time, prompt.length);
            System.arraycopy(completion, 0, tokens, b * time + prompt.length, completion.length);
            for (int j = 0; j < completion.length; j++) {
                targets[b * time + prompt.length - 1 + j] = completion[j];
            }
        }
        return new SequenceBatch(tokens, batch, time, promptLengths, lengths, targets);
    }

    /** Completion tokens of sequence {@code b}. */
    public int completionLength(int b) {
        return lengths[b] - promptLengths[b];
    }

    /** Flat {@code [B, T]} index of the position whose logits predict completion token {@code j} of sequence {@code b}. */
    public int completionPosition(int b, int j) {
        return b * time + promptLengths[b] - 1 + j;
    }

    /** Flat {@code [B, T]} index of the last real token of sequence {@code b} (where a reward head reads). */
    public int lastPosition(int b) {
        return b * time + lengths[b] - 1;
    }

    /** {@code [B, T]} 1 where the position predicts a completion token, else 0. */
    public float[] completionMask() {
        float[] mask = new float[targets.length];
        for (int i = 0; i < targets.length; i++) {
            mask[i] = targets[i] == IGNORE ? 0f : 1f;
        }
        return mask;
    }

    /** Total completion tokens in the batch. */
    public int completionTokens() {
        int n = 0;
        for (int b = 0; b < batch; b++) {
            n += completionLength(b);
        }
        return n;
    }
}

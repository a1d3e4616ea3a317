package dev.quire.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tokenized corpus cut into the part the model learns from and the part it is judged on.
 *
 * @param train      token ids to sample training batches from
 * @param validation token ids held out for the validation loss
 */
public record DataSplit(int[] train, int[] validation) {

    public DataSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
    }

    /**
     * nanoGPT's {@code prepare.py} split: the first {@code trainFraction} of the tokens for training, the
     * rest (the end of the corpus) for validation. Contiguous, so no validation text leaks into training
     * through overlapping windows.
     *
     * @param trainFraction in {@code (0, 1)}, nanoGPT uses 0.9
     */
    public static DataSplit of(int[] tokens, double trainFraction) {
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("trainFraction must be in (0, 1), got " + trainFraction);
        }
        int cut = (int) (tokens.length * trainFraction);
        return new DataSplit(Arrays.copyOfRange(tokens, 0, cut), Arrays.copyOfRange(tokens, cut, tokens.length));
    }

    @Override
    public String toString() {
        return "DataSplit(" + train.length + " train, " + validation.length + " validation tokens)";
    }
}

package dev.quire.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Encoded prompt/completion examples cut into the ones trained on and the held-out ones the completion
 * loss is judged on.
 *
 * @param train      examples to train on, at least one
 * @param validation held-out examples, at least one
 */
public record FinetuneData(List<PromptCompletionTokens> train, List<PromptCompletionTokens> validation) {

    public FinetuneData {
        train = List.copyOf(Objects.requireNonNull(train, "train"));
        validation = List.copyOf(Objects.requireNonNull(validation, "validation"));
        if (train.isEmpty() || validation.isEmpty()) {
            throw new IllegalArgumentException("fine-tuning needs at least one training and one validation example, got "
                    + train.size() + " and " + validation.size());
        }
    }

    /**
     * A seeded shuffle of {@code examples}, then the last {@code validationFraction} of them (at least one)
     * held out. Examples are independent, so shuffling cannot leak text between the splits, and it keeps
     * a file sorted by topic from giving a validation set of one topic.
     *
     * @throws IllegalArgumentException if the fraction is not in (0, 1) or there are fewer than two examples
     */
    public static FinetuneData split(List<PromptCompletionTokens> examples, double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in (0, 1), got " + validationFraction);
        }
        if (examples.size() < 2) {
            throw new IllegalArgumentException("fine-tuning needs at least 2 examples (one to train on, one to "
                    + "validate on), got " + examples.size());
        }
        List<PromptCompletionTokens> shuffled = new ArrayList<>(examples);
        Rng rng = new Rng(seed);
        for (int i = shuffled.size() - 1; i > 0; i--) {         // Fisher-Yates
            java.util.Collections.swap(shuffled, i, rng.nextInt(i + 1));
        }
        int held = (int) Math.round(shuffled.size() * validationFraction);
        held = Math.clamp(held, 1, shuffled.size() - 1);
        int cut = shuffled.size() - held;
        return new FinetuneData(shuffled.subList(0, cut), shuffled.subList(cut, shuffled.size()));
    }

    @Override
    public String toString() {
        return "FinetuneData(" + train.size() + " train, " + validation.size() + " validation examples)";
    }
}

package dev.quire.model;

import java.util.Objects;

/**
 * One supervised fine-tuning example: the model reads {@code prompt} and learns to continue it with
 * {@code completion}; the loss counts the completion's tokens only.
 *
 * @param prompt     the context; may be empty
 * @param completion the text to learn; not empty
 * @param origin     where it came from, for messages ({@code data.jsonl line 7})
 */
public record PromptCompletion(String prompt, String completion, String origin) {

    public PromptCompletion {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(origin, "origin");
        if (completion.isEmpty()) {
            throw new IllegalArgumentException(origin + ": the completion is empty; there would be nothing to learn");
        }
    }
}

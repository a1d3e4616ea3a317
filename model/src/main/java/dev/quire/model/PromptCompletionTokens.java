package dev.quire.model;

import dev.quire.api.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A prompt/completion pair as token ids: the prompt's tokens, then the completion's.
 *
 * <p>The two are encoded separately and concatenated, so the boundary between them is a token boundary
 * whatever the tokenizer (a BPE merge across it would otherwise blur which tokens are the completion's).
 *
 * <p><b>Truncation.</b> A sequence of {@code n} tokens gives {@code n - 1} input positions, so a model
 * of context {@code T} takes at most {@code T + 1} tokens. A longer example is cut so that the
 * completion is kept whole whenever it can be: first the <em>start</em> of the prompt is dropped (the end
 * of the prompt, next to the completion, matters most); if the completion alone needs more room, one
 * prompt token is kept (so the first completion token is still predicted from something) and the
 * <em>end</em> of the completion is dropped. {@link #droppedPromptTokens} and {@link #droppedCompletionTokens}
 * say what was cut.
 *
 * @param tokens                   the kept prompt tokens followed by the kept completion tokens
 * @param promptTokens             how many of {@code tokens} are the prompt's
 * @param droppedPromptTokens      prompt tokens cut from the start
 * @param droppedCompletionTokens  completion tokens cut from the end
 * @param origin                   where the example came from, for messages
 */
public record PromptCompletionTokens(int[] tokens, int promptTokens, int droppedPromptTokens,
                                     int droppedCompletionTokens, String origin) {

    public PromptCompletionTokens {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(origin, "origin");
        if (promptTokens < 0 || promptTokens >= tokens.length) {
            throw new IllegalArgumentException(origin + ": " + promptTokens + " prompt tokens of " + tokens.length
                    + "; a completion needs at least one token");
        }
        if (tokens.length < 2) {
            throw new IllegalArgumentException(origin + ": " + tokens.length + " token; an example needs at least two "
                    + "(one to read, one to predict)");
        }
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** The number of tokens. */
    public int length() {
        return tokens.length;
    }

    /** Token {@code i}. */
    public int token(int i) {
        return tokens[i];
    }

    /** The completion tokens that are targets of the loss: all kept ones except, with no prompt, the first. */
    public int targetCount() {
        return tokens.length - Math.max(promptTokens, 1);
    }

    /** Whether anything was cut. */
    public boolean truncated() {
        return droppedPromptTokens > 0 || droppedCompletionTokens > 0;
    }

    /**
     * Encodes one example and truncates it to {@code contextLength + 1} tokens (see the class comment).
     *
     * @throws IllegalArgumentException naming the example's origin if the tokenizer cannot encode it, or
     *                                  its completion encodes to no token, or it has fewer than two tokens
     */
    public static PromptCompletionTokens encode(PromptCompletion example, Tokenizer tokenizer, int contextLength) {
        if (contextLength < 1) {
            throw new IllegalArgumentException("contextLength must be at least 1, got " + contextLength);
        }
        int[] prompt;
        int[] completion;
        try {
            prompt = tokenizer.encode(example.prompt());
            completion = tokenizer.encode(example.completion());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(example.origin() + ": the tokenizer cannot encode it: " + e.getMessage(), e);
        }
        if (completion.length == 0) {
            throw new IllegalArgumentException(example.origin() + ": the completion encodes to no token");
        }
        int room = contextLength + 1;                 // tokens one sequence of T inputs can hold
        int keepPrompt = prompt.length;
        int keepCompletion = completion.length;
        if (keepPrompt + keepCompletion > room) {
            if (keepCompletion <= room - Math.min(keepPrompt, 1)) {
                keepPrompt = room - keepCompletion;   // cut the start of the prompt only
            } else {
                keepPrompt = Math.min(keepPrompt, 1); // one prompt token, and the end of the completion cut
                keepCompletion = room - keepPrompt;
            }
        }
        int[] tokens = new int[keepPrompt + keepCompletion];
        System.arraycopy(prompt, prompt.length - keepPrompt, tokens, 0, keepPrompt);
        System.arraycopy(completion, 0, tokens, keepPrompt, keepCompletion);
        return new PromptCompletionTokens(tokens, keepPrompt, prompt.length - keepPrompt,
                completion.length - keepCompletion, example.origin());
    }

    /** Encodes every example (see {@link #encode(PromptCompletion, Tokenizer, int)}). */
    public static List<PromptCompletionTokens> encodeAll(List<PromptCompletion> examples, Tokenizer tokenizer,
                                                         int contextLength) {
        List<PromptCompletionTokens> out = new ArrayList<>(examples.size());
        for (PromptCompletion example : examples) {
            out.add(encode(example, tokenizer, contextLength));
        }
        return List.copyOf(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PromptCompletionTokens other && Arrays.equals(tokens, other.tokens)
                && promptTokens == other.promptTokens && droppedPromptTokens == other.droppedPromptTokens
                && droppedCompletionTokens == other.droppedCompletionTokens && origin.equals(other.origin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(tokens), promptTokens, droppedPromptTokens, droppedCompletionTokens, origin);
    }

    @Override
    public String toString() {
        return "PromptCompletionTokens(" + origin + ": " + promptTokens + " prompt + "
                + (tokens.length - promptTokens) + " completion tokens" + (truncated() ? ", truncated" : "") + ")";
    }
}

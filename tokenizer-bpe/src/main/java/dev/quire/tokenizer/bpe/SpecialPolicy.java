package dev.quire.tokenizer.bpe;

import java.util.Set;

/**
 * How encoding treats text that spells a special token ({@code <|endoftext|>}), with tiktoken's
 * {@code allowed_special} / {@code disallowed_special} semantics:
 * <ul>
 *   <li>an occurrence of an <em>allowed</em> special token becomes that token's id;</li>
 *   <li>an occurrence of a <em>disallowed</em> string makes encoding fail with a
 *       {@link DisallowedSpecialTokenException} naming the token and its position;</li>
 *   <li>everything else, including special tokens that are neither, is encoded as ordinary text.</li>
 * </ul>
 *
 * @param allowed    the special tokens to encode as such; {@code null} means all registered ones
 *                   (tiktoken's {@code "all"})
 * @param disallowed the strings that are an error in the text; {@code null} means every registered
 *                   special token that is not allowed (tiktoken's default {@code "all"})
 */
public record SpecialPolicy(Set<String> allowed, Set<String> disallowed) {

    /** Every registered special token is special: Hugging Face's behaviour and {@link BpeTokenizer#encode(String)}'s. */
    public static final SpecialPolicy ALLOW_ALL = new SpecialPolicy(null, Set.of());

    /** All text is ordinary text: tiktoken's {@code encode_ordinary}. */
    public static final SpecialPolicy ORDINARY = new SpecialPolicy(Set.of(), Set.of());

    /** Any special token in the text is an error: tiktoken's {@code encode(text)} default. */
    public static final SpecialPolicy REFUSE = new SpecialPolicy(Set.of(), null);

    /** Copies the sets. */
    public SpecialPolicy {
        allowed = allowed == null ? null : Set.copyOf(allowed);
        disallowed = disallowed == null ? null : Set.copyOf(disallowed);
    }

    /** {@code tokens} are special, every other registered special token is an error (tiktoken's {@code encode(text, allowed_special=tokens)}). */
    public static SpecialPolicy allow(Set<String> tokens) {
        return new SpecialPolicy(tokens, null);
    }
}

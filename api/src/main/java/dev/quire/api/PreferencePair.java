package dev.quire.api;

/**
 * One preference: for {@code prompt}, completion {@code chosen} was preferred to {@code rejected}. All three
 * are token ids; the completions do not repeat the prompt.
 *
 * @throws IllegalArgumentException if any of the three is empty
 */
@Experimental
public record PreferencePair(int[] prompt, int[] chosen, int[] rejected) {
    public PreferencePair {
        if (prompt.length == 0 || chosen.length == 0 || rejected.length == 0) {
            throw new IllegalArgumentException("preference pair: prompt (" + prompt.length + " tokens), chosen ("
                    + chosen.length + ") and rejected (" + rejected.length + ") must each have at least one token");
        }
    }
}

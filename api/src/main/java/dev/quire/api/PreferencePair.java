package dev.quire.api;

/**
 * One human preference: for {@code prompt}, completion {@code chosen} was preferred to
 * {@code rejected}. All three are token ids.
 */
@Experimental
public record PreferencePair(int[] prompt, int[] chosen, int[] rejected) {
}

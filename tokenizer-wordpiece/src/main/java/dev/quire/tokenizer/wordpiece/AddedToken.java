package dev.quire.tokenizer.wordpiece;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token matched in the raw text before normalization and kept whole, as Hugging Face's
 * {@code added_tokens} ({@code [CLS]}, {@code [MASK]}, ...).
 *
 * @param id         its id
 * @param content    its text
 * @param singleWord match only when not inside a word
 * @param lstrip     the match swallows whitespace on its left
 * @param rstrip     the match swallows whitespace on its right
 * @param normalized recorded for compatibility; matching is always done on the raw text
 * @param special    a special token: skipped by {@code decode}, marked in the special-tokens mask
 */
public record AddedToken(int id, String content, boolean singleWord, boolean lstrip, boolean rstrip,
                         boolean normalized, boolean special) {

    public AddedToken {
        if (content == null || content.isEmpty()) {
            throw new IllegalArgumentException("added token " + id + " has empty content");
        }
        if (id < 0) {
            throw new IllegalArgumentException("added token '" + content + "' has negative id " + id);
        }
    }

    /** A special token as the trainer registers it: whole, not normalized. */
    public static AddedToken special(int id, String content) {
        return new AddedToken(id, content, false, false, false, false, true);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("content", content);
        m.put("single_word", singleWord);
        m.put("lstrip", lstrip);
        m.put("rstrip", rstrip);
        m.put("normalized", normalized);
        m.put("special", special);
        return m;
    }
}

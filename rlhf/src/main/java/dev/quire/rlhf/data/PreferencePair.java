package dev.quire.rlhf.data;

import dev.quire.json.Json;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * One human (or simulated) judgement between two completions of a prompt: {@code chosen} was preferred to
 * {@code rejected}. As a JSON line: {@code {"prompt": "...", "chosen": "...", "rejected": "..."}}.
 *
 * <p>The completions are the text that follows the prompt, without the prompt itself. Chosen and
 * rejected may be equal (two samples can coincide); such a pair carries no preference and gives every
 * Bradley-Terry or DPO loss a zero gradient.
 *
 * @param prompt   the prompt, not empty
 * @param chosen   the preferred completion, not empty
 * @param rejected the other completion, not empty
 */
public record PreferencePair(String prompt, String chosen, String rejected) {

    public PreferencePair {
        requireText("prompt", prompt);
        requireText("chosen", chosen);
        requireText("rejected", rejected);
    }

    static void requireText(String what, String text) {
        Objects.requireNonNull(text, what);
        if (text.isEmpty()) {
            throw new IllegalArgumentException("\"" + what + "\" must not be empty");
        }
    }

    /** This pair as a ranking of K = 2: {@code completions = [chosen, rejected]}, {@code ranking = [0, 1]}. */
    public Ranking asRanking() {
        return new Ranking(prompt, java.util.List.of(chosen, rejected), java.util.List.of(0, 1));
    }

    /** The JSON line of this pair, without a line end: {@code {"prompt":...,"chosen":...,"rejected":...}}. */
    public String toJsonLine() {
        var object = new LinkedHashMap<String, Object>();
        object.put("prompt", prompt);
        object.put("chosen", chosen);
        object.put("rejected", rejected);
        return Json.write(object);
    }
}

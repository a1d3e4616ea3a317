package dev.quire.tokenizer.wordpiece;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Padding as Hugging Face does it: pad tokens (attention 0, special) are added up to a fixed
 * length, or up to the longest encoding of a batch, optionally rounded up to a multiple.
 *
 * @param length         the fixed length, or 0 for "the longest of the batch" ({@code BatchLongest})
 * @param padToMultipleOf round the length up to a multiple of this (0: no rounding)
 * @param padId          the id of the pad token
 * @param padTypeId      the type id of pad tokens
 * @param padToken       the text of the pad token
 * @param left           pad on the left ({@code direction: Left})
 */
public record Padding(int length, int padToMultipleOf, int padId, int padTypeId, String padToken, boolean left) {

    public Padding {
        if (length < 0) {
            throw new IllegalArgumentException("padding length must be >= 0 (0: batch longest), got " + length);
        }
        if (padToMultipleOf < 0) {
            throw new IllegalArgumentException("padding pad_to_multiple_of must be >= 0, got " + padToMultipleOf);
        }
        if (padId < 0 || padToken == null) {
            throw new IllegalArgumentException("padding needs a pad token and a non-negative pad id");
        }
    }

    /** Pads every batch to its longest encoding with {@code [PAD]}-like {@code padToken}/{@code padId}, on the right. */
    public static Padding batchLongest(String padToken, int padId) {
        return new Padding(0, 0, padId, 0, padToken, false);
    }

    /** Pads to exactly {@code length} tokens (longer encodings are left as they are). */
    public static Padding fixed(int length, String padToken, int padId) {
        if (length < 1) {
            throw new IllegalArgumentException("fixed padding length must be >= 1, got " + length);
        }
        return new Padding(length, 0, padId, 0, padToken, false);
    }

    /** The length a batch whose longest encoding has {@code longest} tokens is padded to. */
    int target(int longest) {
        int t = length > 0 ? length : longest;
        if (padToMultipleOf > 0 && t % padToMultipleOf != 0) {
            t += padToMultipleOf - t % padToMultipleOf;
        }
        return t;
    }

    Encoding apply(Encoding e, int target) {
        int n = target - e.length();
        if (n <= 0) {
            return e;
        }
        Encoding.Builder out = new Encoding.Builder();
        if (!left) {
            out.addAll(e, -1);
        }
        for (int i = 0; i < n; i++) {
            out.add(padId, padTypeId, padToken, 0, 0, true, 0, -1);
        }
        if (left) {
            out.addAll(e, -1);
        }
        return out.build();
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strategy", length > 0 ? Map.of("Fixed", length) : "BatchLongest");
        m.put("direction", left ? "Left" : "Right");
        m.put("pad_to_multiple_of", padToMultipleOf > 0 ? padToMultipleOf : null);
        m.put("pad_id", padId);
        m.put("pad_type_id", padTypeId);
        m.put("pad_token", padToken);
        return m;
    }
}

package dev.quire.tokenizer.wordpiece;

/**
 * The second part of the pipeline: splits normalized text into words, which the model then
 * tokenizes one at a time. Implementations are immutable and thread-safe.
 */
public interface PreTokenizer {

    /** No splitting: the whole text is one word (empty text: none). Written as {@code null}. */
    PreTokenizer NONE = new PreTokenizer() {
        @Override
        public int[] split(NormalizedText text) {
            return text.length() == 0 ? new int[0] : new int[] {0, text.length()};
        }

        @Override
        public Object toJson() {
            return null;
        }

        @Override
        public String toString() {
            return "PreTokenizer.NONE";
        }
    };

    /**
     * The words of {@code text} as spans of its units, flattened: {@code [start0, end0, start1,
     * end1, ...]}, in order, not overlapping, none empty.
     */
    int[] split(NormalizedText text);

    /** This part as Hugging Face writes it in {@code tokenizer.json} (a {@code Map}, or {@code null}). */
    Object toJson();
}

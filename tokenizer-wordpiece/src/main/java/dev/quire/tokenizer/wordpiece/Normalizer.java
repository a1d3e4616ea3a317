package dev.quire.tokenizer.wordpiece;

/**
 * The first part of the pipeline: rewrites the text (cleaning, case folding, accent stripping)
 * while keeping, for every unit of the result, the span of the original it came from. Implementations
 * are immutable and thread-safe.
 */
public interface Normalizer {

    /** The identity: nothing changes. Written as {@code null} in {@code tokenizer.json}. */
    Normalizer NONE = new Normalizer() {
        @Override
        public NormalizedText normalize(String text) {
            return NormalizedText.identity(text);
        }

        @Override
        public Object toJson() {
            return null;
        }

        @Override
        public String toString() {
            return "Normalizer.NONE";
        }
    };

    /** The normalized form of {@code text} with its alignment to {@code text}. */
    NormalizedText normalize(String text);

    /** This part as Hugging Face writes it in {@code tokenizer.json} (a {@code Map}, or {@code null}). */
    Object toJson();
}

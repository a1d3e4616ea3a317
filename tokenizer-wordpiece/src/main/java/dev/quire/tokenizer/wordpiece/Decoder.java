package dev.quire.tokenizer.wordpiece;

import java.util.List;

/** The last part of the pipeline: joins tokens back into text. Immutable and thread-safe. */
public interface Decoder {

    /** Joins tokens with single spaces, as Hugging Face does when there is no decoder. */
    Decoder NONE = new Decoder() {
        @Override
        public String decode(List<String> tokens) {
            return String.join(" ", tokens);
        }

        @Override
        public Object toJson() {
            return null;
        }
    };

    /** The text of {@code tokens}. */
    String decode(List<String> tokens);

    /** This part as Hugging Face writes it in {@code tokenizer.json} (a {@code Map}, or {@code null}). */
    Object toJson();
}

package dev.quire.tokenizer.wordpiece;

/**
 * The part after the model: adds the special tokens around one sequence or a pair
 * ({@code [CLS] A [SEP] B [SEP]}) and sets type ids. Immutable and thread-safe.
 */
public interface PostProcessor {

    /** Adds nothing: a pair is the two sequences one after the other, types 0 and 1. */
    PostProcessor NONE = new PostProcessor() {
        @Override
        public int addedTokens(boolean pair) {
            return 0;
        }

        @Override
        public Encoding process(Encoding a, Encoding b, boolean addSpecialTokens) {
            return TemplateProcessing.concat(a, b);
        }

        @Override
        public Object toJson() {
            return null;
        }
    };

    /** How many tokens {@link #process} adds to one sequence ({@code pair=false}) or a pair. */
    int addedTokens(boolean pair);

    /**
     * The encoding of sequence {@code a}, or of the pair {@code a}, {@code b} ({@code b} may be null).
     * Without {@code addSpecialTokens} the sequences are only joined (types 0 and 1).
     */
    Encoding process(Encoding a, Encoding b, boolean addSpecialTokens);

    /** This part as Hugging Face writes it in {@code tokenizer.json} (a {@code Map}, or {@code null}). */
    Object toJson();
}

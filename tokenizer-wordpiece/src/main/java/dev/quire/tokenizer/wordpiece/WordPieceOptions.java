package dev.quire.tokenizer.wordpiece;

import java.util.List;

/**
 * Options of the {@code wordpiece} tokenizer component.
 *
 * @param file          a {@code tokenizer.json} or {@code vocab.txt} to use as it is; empty to train
 *                      on the corpus instead
 * @param vocabSize     the vocabulary size to train to, special tokens included (≥ number of special tokens + 1)
 * @param minFrequency  pairs seen fewer times are not merged (≥ 0)
 * @param specialTokens special tokens, added first; must include {@code [UNK]}
 * @param lowercase     lower-case (and strip accents from) the text, as {@code bert-base-uncased}
 */
public record WordPieceOptions(String file, int vocabSize, int minFrequency, List<String> specialTokens, boolean lowercase) {

    /** Hugging Face's defaults: 30,000 tokens, no minimum frequency, BERT's special tokens, lower-casing. */
    public static final WordPieceOptions DEFAULTS =
            new WordPieceOptions("", 30_000, 0, List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"), true);

    public WordPieceOptions {
        if (file == null) {
            file = "";
        }
        if (specialTokens == null) {
            throw new IllegalArgumentException("specialTokens must be a list (it must include [UNK])");
        }
        specialTokens = List.copyOf(specialTokens);
        for (String s : specialTokens) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("specialTokens must not contain an empty string");
            }
        }
        if (file.isEmpty() && !specialTokens.contains("[UNK]")) {
            throw new IllegalArgumentException("specialTokens must include [UNK], got " + specialTokens);
        }
        if (vocabSize < specialTokens.size() + 1 || vocabSize > 10_000_000) {
            throw new IllegalArgumentException("vocabSize must be in [" + (specialTokens.size() + 1) + ", 10000000], got " + vocabSize);
        }
        if (minFrequency < 0) {
            throw new IllegalArgumentException("minFrequency must be >= 0, got " + minFrequency);
        }
    }

    /** The trainer settings these options stand for. */
    public WordPieceTrainer.Config trainerConfig() {
        return new WordPieceTrainer.Config(vocabSize, minFrequency, specialTokens, 0, List.of(), "##", 0, lowercase, List.of());
    }
}

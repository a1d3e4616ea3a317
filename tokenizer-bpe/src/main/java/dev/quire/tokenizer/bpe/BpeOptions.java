package dev.quire.tokenizer.bpe;

import java.util.List;
import java.util.Set;

/**
 * The options of the {@code bpe} tokenizer. Either a fixed vocabulary is loaded, or one is trained on
 * the pipeline's corpus:
 * <ul>
 *   <li>{@code file} a {@code tokenizer.json} (name ending in {@code .json}): that Hugging Face
 *       byte-level BPE; {@code encoding} must be empty;</li>
 *   <li>{@code file} a tiktoken rank file with {@code encoding} naming its rule ({@code r50k_base},
 *       {@code cl100k_base}, {@code o200k_base}; also {@code gpt2}, {@code p50k_base}): that encoding with
 *       tiktoken's special tokens for it;</li>
 *   <li>both empty: training with Hugging Face {@code BpeTrainer} semantics to {@code vocabSize}
 *       entries, pairs rarer than {@code minFrequency} not merged, {@code specialTokens} given the first
 *       ids, the full byte-level initial alphabet.</li>
 * </ul>
 * Nothing is downloaded: a named encoding needs its rank file.
 *
 * @param encoding      tiktoken encoding of {@code file}, or empty
 * @param file          rank file or {@code tokenizer.json} to load, or empty to train
 * @param vocabSize     training: the vocabulary size to reach, specials and alphabet included, 1..16777216
 * @param minFrequency  training: the least count of a pair that is merged, {@code >= 0}
 * @param specialTokens training: special tokens, non-empty and distinct
 */
public record BpeOptions(String encoding, String file, int vocabSize, int minFrequency, List<String> specialTokens) {

    /** Train 4,096 tokens, pairs seen at least twice, special token {@code <|endoftext|>}. */
    public static final BpeOptions DEFAULTS = new BpeOptions("", "", 4096, 2, List.of("<|endoftext|>"));

    private static final Set<String> ENCODINGS = Set.of("r50k_base", "gpt2", "p50k_base", "cl100k_base", "o200k_base");

    /** @throws IllegalArgumentException naming the option and what is allowed */
    public BpeOptions {
        if (encoding == null) {
            encoding = "";
        }
        if (file == null) {
            file = "";
        }
        if (!encoding.isEmpty() && !ENCODINGS.contains(encoding)) {
            throw new IllegalArgumentException("bpe option 'encoding' must be one of r50k_base, cl100k_base, o200k_base"
                    + " (or gpt2, p50k_base) or empty, got '" + encoding + "'");
        }
        if (!encoding.isEmpty() && file.isEmpty()) {
            throw new IllegalArgumentException("bpe option 'file' must name the rank file of encoding '" + encoding
                    + "' (for example " + encoding + ".tiktoken); nothing is downloaded");
        }
        if (!file.isEmpty() && file.endsWith(".json") && !encoding.isEmpty()) {
            throw new IllegalArgumentException("bpe option 'encoding' must be empty when 'file' is a tokenizer.json, got '"
                    + encoding + "'");
        }
        if (!file.isEmpty() && !file.endsWith(".json") && encoding.isEmpty()) {
            throw new IllegalArgumentException("bpe option 'encoding' must name the rule of rank file '" + file
                    + "' (r50k_base, cl100k_base or o200k_base); a tokenizer.json file must end in .json");
        }
        if (vocabSize < 1 || vocabSize > (1 << 24)) {
            throw new IllegalArgumentException("bpe option 'vocabSize' must be in [1, 16777216], got " + vocabSize);
        }
        if (minFrequency < 0) {
            throw new IllegalArgumentException("bpe option 'minFrequency' must be >= 0, got " + minFrequency);
        }
        if (specialTokens == null) {
            throw new IllegalArgumentException("bpe option 'specialTokens' must be a list (possibly empty), got null");
        }
        specialTokens = List.copyOf(specialTokens);
        for (int i = 0; i < specialTokens.size(); i++) {
            if (specialTokens.get(i).isEmpty()) {
                throw new IllegalArgumentException("bpe option 'specialTokens' has an empty token at index " + i);
            }
            if (specialTokens.indexOf(specialTokens.get(i)) != i) {
                throw new IllegalArgumentException("bpe option 'specialTokens' repeats '" + specialTokens.get(i) + "'");
            }
        }
    }
}

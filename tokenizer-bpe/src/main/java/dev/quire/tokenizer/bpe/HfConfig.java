package dev.quire.tokenizer.bpe;

import dev.quire.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Hugging Face {@code tokenizer.json} says beyond ranks: the vocabulary spelled in the byte-level
 * alphabet, the merge list, the added tokens and the settings of the parts around the model, kept so
 * that the file is written back as it was read.
 *
 * @param vocab           model token strings by id ({@code null} where an id has none)
 * @param mergeLeft       left ids of the merges, in rank order
 * @param mergeRight      right ids of the merges
 * @param addedTokens     the {@code added_tokens} entries, in file order
 * @param addPrefixSpace  the {@code ByteLevel} pre-tokenizer's {@code add_prefix_space}
 * @param preTrimOffsets  the pre-tokenizer's {@code trim_offsets} (kept for writing; it does nothing there)
 * @param useRegex        the pre-tokenizer's {@code use_regex}
 * @param trimOffsets     whether a {@code ByteLevel} post-processor trims spaces off the offsets
 * @param unkToken        the model's {@code unk_token}, or {@code null}
 * @param ignoreMerges    the model's {@code ignore_merges}: a piece that is a whole token skips merging
 * @param extra           the other top-level members ({@code version}, {@code truncation}, {@code padding},
 *                        {@code normalizer}, {@code post_processor}, {@code decoder}) and model members
 *                        ({@code model.dropout}, ...) as read, written back unchanged
 */
record HfConfig(String[] vocab, int[] mergeLeft, int[] mergeRight, List<AddedToken> addedTokens,
                boolean addPrefixSpace, boolean preTrimOffsets, boolean useRegex, boolean trimOffsets,
                String unkToken, boolean ignoreMerges, Map<String, Object> extra) {

    /** One {@code added_tokens} entry. */
    record AddedToken(int id, String content, boolean singleWord, boolean lstrip, boolean rstrip,
                      boolean normalized, boolean special) {
    }

    /** The JSON values {@code tokenizers} 0.23 writes for a freshly trained byte-level BPE. */
    static Map<String, Object> defaultExtra() {
        Map<String, Object> decoder = new LinkedHashMap<>();
        decoder.put("type", "ByteLevel");
        decoder.put("add_prefix_space", Boolean.TRUE);
        decoder.put("trim_offsets", Boolean.TRUE);
        decoder.put("use_regex", Boolean.TRUE);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("version", "1.0");
        extra.put("truncation", null);
        extra.put("padding", null);
        extra.put("normalizer", null);
        extra.put("post_processor", null);
        extra.put("decoder", decoder);
        extra.put("model.dropout", null);
        extra.put("model.continuing_subword_prefix", null);
        extra.put("model.end_of_word_suffix", null);
        extra.put("model.fuse_unk", Boolean.FALSE);
        extra.put("model.byte_fallback", Boolean.FALSE);
        return extra;
    }
}

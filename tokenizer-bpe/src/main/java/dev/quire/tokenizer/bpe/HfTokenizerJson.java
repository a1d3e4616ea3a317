package dev.quire.tokenizer.bpe;

import dev.quire.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes Hugging Face {@code tokenizer.json} files with a {@code BPE} model and a
 * {@code ByteLevel} pre-tokenizer. What the engine cannot reproduce (a normalizer, BPE dropout,
 * subword prefixes, added tokens that strip spaces) is refused with the JSON path, rather than
 * silently giving other ids than {@code tokenizers}.
 */
final class HfTokenizerJson {

    private HfTokenizerJson() {
    }

    static BpeTokenizer read(String json, String source) {
        return read(Json.parse(json, source));
    }

    static BpeTokenizer read(Json.Node root) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("version", root.has("version") ? root.get("version").value() : "1.0");
        extra.put("truncation", root.opt("truncation").value());
        extra.put("padding", root.opt("padding").value());

        Json.Node normalizer = root.opt("normalizer");
        if (!normalizer.isNull()) {
            throw normalizer.error("a normalizer is not supported by the byte-level BPE tokenizer (only null)");
        }
        extra.put("normalizer", normalizer.value());

        // Pre-tokenizer: ByteLevel.
        Json.Node pre = root.get("pre_tokenizer");
        if (pre.isNull()) {
            throw pre.error("expected a ByteLevel pre-tokenizer, found null");
        }
        String preType = pre.get("type").string();
        if (!preType.equals("ByteLevel")) {
            throw pre.get("type").error("pre-tokenizer '" + preType + "' is not supported; expected ByteLevel");
        }
        boolean addPrefixSpace = pre.has("add_prefix_space") && pre.get("add_prefix_space").bool();
        boolean preTrim = !pre.has("trim_offsets") || pre.get("trim_offsets").bool();
        boolean useRegex = !pre.has("use_regex") || pre.get("use_regex").bool();

        // Post-processor: none, or ByteLevel (which trims offsets).
        Json.Node post = root.opt("post_processor");
        boolean trimOffsets = false;
        if (!post.isNull()) {
            String t = post.get("type").string();
            if (!t.equals("ByteLevel")) {
                throw post.get("type").error("post-processor '" + t + "' is not supported; expected ByteLevel or null");
            }
            trimOffsets = !post.has("trim_offsets") || post.get("trim_offsets").bool();
        }
        extra.put("post_processor", post.value());
        extra.put("decoder", root.opt("decoder").value());

        // Model.
        Json.Node model = root.get("model");
        String type = model.has("type") ? model.get("type").string() : "BPE";
        if (!type.equals("BPE")) {
            throw model.get("type").error("model '" + type + "' is not supported; expected BPE");
        }
        Json.Node dropout = model.opt("dropout");
        if (!dropout.isNull() && !(dropout.value() instanceof Number d && d.doubleValue() == 0.0)) {
            throw dropout.error("BPE dropout is not supported (random merges); expected null");
        }
        for (String k : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            Json.Node v = model.opt(k);
            if (!v.isNull() && !v.string().isEmpty()) {
                throw v.error(k + " is not supported by byte-level BPE; expected null");
            }
        }
        extra.put("model.dropout", dropout.value());
        extra.put("model.continuing_subword_prefix", model.opt("continuing_subword_prefix").value());
        extra.put("model.end_of_word_suffix", model.opt("end_of_word_suffix").value());
        extra.put("model.fuse_unk", model.has("fuse_unk") ? model.get("fuse_unk").bool() : Boolean.FALSE);
        extra.put("model.byte_fallback", model.has("byte_fallback") ? model.get("byte_fallback").bool() : Boolean.FALSE);
        String unkToken = model.opt("unk_token").stringOr(null);
        boolean ignoreMerges = model.has("ignore_merges") && model.get("ignore_merges").bool();

        Json.Node vocabNode = model.get("vocab");
        List<Map.Entry<String, Json.Node>> entries = vocabNode.entries();
        Map<String, Integer> vocab = new HashMap<>(entries.size() * 2);
        int maxId = -1;
        for (Map.Entry<String, Json.Node> e : entries) {
            int id = e.getValue().intValue(0, 1 << 28);
            vocab.put(e.getKey(), id);
            maxId = Math.max(maxId, id);
        }
        String[] byId = new String[maxId + 1];
        for (Map.Entry<String, Json.Node> e : entries) {
            int id = vocab.get(e.getKey());
            if (byId[id] != null) {
                throw e.getValue().error("id " + id + " is also the id of \"" + byId[id] + "\"");
            }
            byId[id] = e.getKey();
        }

        List<Json.Node> mergeNodes = model.get("merges").elements();
        int[] left = new int[mergeNodes.size()];
        int[] right = new int[mergeNodes.size()];
        int[] merged = new int[mergeNodes.size()];
        for (int r = 0; r < left.length; r++) {
            Json.Node m = mergeNodes.get(r);
            String a;
            String b;
            if (m.value() instanceof String s) {
                int sp = s.indexOf(' ');
                if (sp < 0 || s.indexOf(' ', sp + 1) >= 0) {
                    throw m.error("expected a merge \"left right\" with exactly one space, found \"" + s + "\"");
                }
                a = s.substring(0, sp);
                b = s.substring(sp + 1);
            } else {
                List<Json.Node> pair = m.elements();
                if (pair.size() != 2) {
                    throw m.error("expected a merge [left, right], found an array of " + pair.size());
                }
                a = pair.get(0).string();
                b = pair.get(1).string();
            }
            Integer ia = vocab.get(a);
            Integer ib = vocab.get(b);
            Integer im = vocab.get(a + b);
            if (ia == null) {
                throw m.error("the token \"" + a + "\" is not in the vocabulary");
            }
            if (ib == null) {
                throw m.error("the token \"" + b + "\" is not in the vocabulary");
            }
            if (im == null) {
                throw m.error("the merged token \"" + a + b + "\" is not in the vocabulary");
            }
            left[r] = ia;
            right[r] = ib;
            merged[r] = im;
        }

        List<HfConfig.AddedToken> added = new ArrayList<>();
        Map<String, Integer> specials = new LinkedHashMap<>();
        Json.Node addedNode = root.opt("added_tokens");
        if (!addedNode.isNull()) {
            for (Json.Node t : addedNode.elements()) {
                HfConfig.AddedToken at = new HfConfig.AddedToken(
                        t.get("id").intValue(0, 1 << 28), t.get("content").string(),
                        flag(t, "single_word"), flag(t, "lstrip"), flag(t, "rstrip"),
                        flag(t, "normalized"), flag(t, "special"));
                if (at.singleWord() || at.lstrip() || at.rstrip()) {
                    throw t.error("added tokens with single_word, lstrip or rstrip are not supported");
                }
                if (at.content().isEmpty()) {
                    throw t.get("content").error("an added token is empty");
                }
                added.add(at);
                specials.put(at.content(), at.id());
            }
        }

        // Token bytes: the byte-level alphabet spelled back; other characters stand for their UTF-8.
        int size = byId.length;
        for (HfConfig.AddedToken at : added) {
            size = Math.max(size, at.id() + 1);
        }
        byte[][] tokenBytes = new byte[size][];
        for (int id = 0; id < byId.length; id++) {
            if (byId[id] != null) {
                tokenBytes[id] = spelledBytes(byId[id]);
            }
        }
        int unkId = -1;
        if (unkToken != null) {
            Integer u = vocab.get(unkToken);
            if (u == null) {
                throw model.get("unk_token").error("the unknown token \"" + unkToken + "\" is not in the vocabulary");
            }
            unkId = u;
        }
        int[] byteIds = new int[256];
        for (int v = 0; v < 256; v++) {
            Integer id = vocab.get(String.valueOf(ByteLevel.charOf(v)));
            byteIds[v] = id != null ? id : unkId;
        }
        ByteTable whole = null;
        if (ignoreMerges) {
            Map<ByteKey, Integer> seen = new LinkedHashMap<>();
            for (int id = 0; id < byId.length; id++) {
                if (byId[id] != null) {
                    seen.putIfAbsent(new ByteKey(tokenBytes[id]), id);
                }
            }
            byte[][] keys = new byte[seen.size()][];
            int[] vals = new int[seen.size()];
            int k = 0;
            for (Map.Entry<ByteKey, Integer> e : seen.entrySet()) {
                keys[k] = e.getKey().bytes();
                vals[k++] = e.getValue();
            }
            whole = new ByteTable(keys, vals);
        }
        MergeModel.Merges mm = new MergeModel.Merges(left, right, merged, byteIds, whole);
        HfConfig cfg = new HfConfig(byId, left, right, List.copyOf(added), addPrefixSpace, preTrim, useRegex,
                trimOffsets, unkToken, ignoreMerges, extra);
        return new BpeTokenizer("", useRegex ? PreTokenizer.R50K_BASE : null, mm, tokenBytes, specials, cfg);
    }

    private record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey k && java.util.Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }

    private static boolean flag(Json.Node t, String key) {
        return t.has(key) && t.get(key).bool();
    }

    /** The bytes a vocabulary string stands for: alphabet characters their byte, others their UTF-8. */
    static byte[] spelledBytes(String s) {
        byte[] direct = ByteLevel.decode(s);
        if (direct != null) {
            return direct;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length() * 2);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int b = cp < 0x10000 ? ByteLevel.byteOf((char) cp) : -1;
            if (b >= 0) {
                out.write(b);
            } else {
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            }
            i += Character.charCount(cp);
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------------------------------

    static String write(BpeTokenizer t) {
        HfConfig hf = t.hf;
        Map<String, Object> extra = hf.extra();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", extra.getOrDefault("version", "1.0"));
        root.put("truncation", extra.get("truncation"));
        root.put("padding", extra.get("padding"));
        List<Object> added = new ArrayList<>();
        for (HfConfig.AddedToken at : hf.addedTokens()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", (long) at.id());
            m.put("content", at.content());
            m.put("single_word", at.singleWord());
            m.put("lstrip", at.lstrip());
            m.put("rstrip", at.rstrip());
            m.put("normalized", at.normalized());
            m.put("special", at.special());
            added.add(m);
        }
        root.put("added_tokens", added);
        root.put("normalizer", extra.get("normalizer"));
        Map<String, Object> pre = new LinkedHashMap<>();
        pre.put("type", "ByteLevel");
        pre.put("add_prefix_space", hf.addPrefixSpace());
        pre.put("trim_offsets", hf.preTrimOffsets());
        pre.put("use_regex", hf.useRegex());
        root.put("pre_tokenizer", pre);
        root.put("post_processor", extra.get("post_processor"));
        root.put("decoder", extra.get("decoder"));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", extra.get("model.dropout"));
        model.put("unk_token", hf.unkToken());
        model.put("continuing_subword_prefix", extra.get("model.continuing_subword_prefix"));
        model.put("end_of_word_suffix", extra.get("model.end_of_word_suffix"));
        model.put("fuse_unk", extra.getOrDefault("model.fuse_unk", Boolean.FALSE));
        model.put("byte_fallback", extra.getOrDefault("model.byte_fallback", Boolean.FALSE));
        model.put("ignore_merges", hf.ignoreMerges());
        Map<String, Object> vocab = new LinkedHashMap<>();
        String[] byId = hf.vocab();
        for (int id = 0; id < byId.length; id++) {
            if (byId[id] != null) {
                vocab.put(byId[id], (long) id);
            }
        }
        model.put("vocab", vocab);
        List<Object> merges = new ArrayList<>(hf.mergeLeft().length);
        for (int r = 0; r < hf.mergeLeft().length; r++) {
            merges.add(List.of(byId[hf.mergeLeft()[r]], byId[hf.mergeRight()[r]]));
        }
        model.put("merges", merges);
        root.put("model", model);
        return Json.writePretty(root);
    }
}

package dev.quire.tokenizer.wordpiece;

import dev.quire.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads Hugging Face's {@code tokenizer.json} with a WordPiece model; errors name the JSON path. */
final class TokenizerJson {

    private TokenizerJson() {
    }

    static WordPieceTokenizer read(Json.Node root) {
        root.object();
        Json.Node version = root.opt("version");
        if (!version.isNull()) {
            version.string();
        }
        WordPiece model = model(root.get("model"));
        List<AddedToken> added = new ArrayList<>();
        Json.Node at = root.opt("added_tokens");
        if (!at.isNull()) {
            for (Json.Node t : at.elements()) {
                added.add(new AddedToken(t.get("id").intValue(0, Integer.MAX_VALUE - 1), nonEmpty(t.get("content")),
                        t.opt("single_word").boolOr(false), t.opt("lstrip").boolOr(false), t.opt("rstrip").boolOr(false),
                        t.opt("normalized").boolOr(true), t.opt("special").boolOr(false)));
            }
        }
        Normalizer normalizer = normalizer(root.opt("normalizer"));
        PreTokenizer preTokenizer = preTokenizer(root.opt("pre_tokenizer"));
        PostProcessor post = postProcessor(root.opt("post_processor"));
        Decoder decoder = decoder(root.opt("decoder"));
        Truncation truncation = truncation(root.opt("truncation"));
        Padding padding = padding(root.opt("padding"));
        try {
            return new WordPieceTokenizer(normalizer, preTokenizer, model, post, decoder, added, truncation, padding);
        } catch (IllegalArgumentException e) {
            throw root.error(e.getMessage());
        }
    }

    private static String nonEmpty(Json.Node n) {
        String s = n.string();
        if (s.isEmpty()) {
            throw n.error("expected a non-empty string");
        }
        return s;
    }

    private static String type(Json.Node n) {
        return n.get("type").string();
    }

    private static IllegalArgumentException unsupported(Json.Node n, String what, String type, String supported) {
        return n.opt("type").error("unsupported " + what + " type '" + type + "' (supported: " + supported + ")");
    }

    static WordPiece model(Json.Node n) {
        n.object();
        Json.Node typeNode = n.opt("type");
        if (!typeNode.isNull() && !typeNode.string().equals("WordPiece")) {
            throw typeNode.error("expected a WordPiece model, found '" + typeNode.string() + "'");
        }
        String unk = n.opt("unk_token").stringOr("[UNK]");
        String prefix = n.opt("continuing_subword_prefix").stringOr("##");
        int max = n.opt("max_input_chars_per_word").intOr(WordPiece.DEFAULT_MAX_INPUT_CHARS_PER_WORD, 1, Integer.MAX_VALUE);
        Json.Node vocabNode = n.get("vocab");
        Map<String, Integer> vocab = new LinkedHashMap<>();
        Map<Integer, String> byId = new java.util.HashMap<>();
        for (String key : vocabNode.object().keySet()) {
            Json.Node idNode = vocabNode.opt(key);
            int id = idNode.intValue(0, Integer.MAX_VALUE - 1);
            String other = byId.put(id, key);
            if (other != null) {
                throw idNode.error("id " + id + " is already given to '" + other + "'");
            }
            vocab.put(key, id);
        }
        if (!vocab.containsKey(unk)) {
            throw n.opt("unk_token").error("unk_token '" + unk + "' is not in the vocabulary");
        }
        return new WordPiece(vocab, unk, prefix, max);
    }

    static Normalizer normalizer(Json.Node n) {
        if (n.isNull()) {
            return Normalizer.NONE;
        }
        String type = type(n);
        if (!type.equals("BertNormalizer")) {
            throw unsupported(n, "normalizer", type, "BertNormalizer");
        }
        Json.Node strip = n.opt("strip_accents");
        return new BertNormalizer(n.opt("clean_text").boolOr(true), n.opt("handle_chinese_chars").boolOr(true),
                strip.isNull() ? null : strip.bool(), n.opt("lowercase").boolOr(true));
    }

    static PreTokenizer preTokenizer(Json.Node n) {
        if (n.isNull()) {
            return PreTokenizer.NONE;
        }
        String type = type(n);
        return switch (type) {
            case "BertPreTokenizer" -> BertPreTokenizer.INSTANCE;
            case "WhitespaceSplit" -> WhitespaceSplit.INSTANCE;
            default -> throw unsupported(n, "pre_tokenizer", type, "BertPreTokenizer, WhitespaceSplit");
        };
    }

    static PostProcessor postProcessor(Json.Node n) {
        if (n.isNull()) {
            return PostProcessor.NONE;
        }
        String type = type(n);
        switch (type) {
            case "TemplateProcessing": {
                Map<String, TemplateProcessing.SpecialToken> specials = new LinkedHashMap<>();
                Json.Node sp = n.opt("special_tokens");
                if (!sp.isNull()) {
                    for (String key : sp.object().keySet()) {
                        Json.Node e = sp.opt(key);
                        List<Integer> ids = new ArrayList<>();
                        for (Json.Node id : e.get("ids").elements()) {
                            ids.add(id.intValue(0, Integer.MAX_VALUE - 1));
                        }
                        List<String> tokens = new ArrayList<>();
                        for (Json.Node t : e.get("tokens").elements()) {
                            tokens.add(t.string());
                        }
                        if (ids.size() != tokens.size() || ids.isEmpty()) {
                            throw e.error("needs as many ids as tokens, at least one");
                        }
                        specials.put(key, new TemplateProcessing.SpecialToken(e.opt("id").stringOr(key), ids, tokens));
                    }
                }
                List<TemplateProcessing.Piece> single = template(n.get("single"), specials);
                List<TemplateProcessing.Piece> pair = template(n.get("pair"), specials);
                try {
                    return new TemplateProcessing(single, pair, specials);
                } catch (IllegalArgumentException e) {
                    throw n.error(e.getMessage());
                }
            }
            case "BertProcessing": {
                Json.Node sep = n.get("sep");
                Json.Node cls = n.get("cls");
                return TemplateProcessing.bert(cls.at(0).string(), cls.at(1).intValue(0, Integer.MAX_VALUE - 1),
                        sep.at(0).string(), sep.at(1).intValue(0, Integer.MAX_VALUE - 1));
            }
            default:
                throw unsupported(n, "post_processor", type, "TemplateProcessing, BertProcessing");
        }
    }

    private static List<TemplateProcessing.Piece> template(Json.Node n, Map<String, TemplateProcessing.SpecialToken> specials) {
        if (n.value() instanceof String s) {
            try {
                return TemplateProcessing.parse(s);
            } catch (IllegalArgumentException e) {
                throw n.error(e.getMessage());
            }
        }
        List<TemplateProcessing.Piece> out = new ArrayList<>();
        for (Json.Node p : n.elements()) {
            Map<String, Object> m = p.object();
            if (m.size() != 1) {
                throw p.error("expected {\"SpecialToken\": ...} or {\"Sequence\": ...}");
            }
            String kind = m.keySet().iterator().next();
            Json.Node body = p.opt(kind);
            int typeId = body.opt("type_id").intOr(0, 0, Integer.MAX_VALUE);
            switch (kind) {
                case "SpecialToken" -> {
                    String id = body.get("id").string();
                    if (!specials.containsKey(id)) {
                        throw body.opt("id").error("special token '" + id + "' is not defined in special_tokens");
                    }
                    out.add(new TemplateProcessing.Piece(id, typeId, false));
                }
                case "Sequence" -> {
                    String id = body.get("id").string();
                    if (!id.equals("A") && !id.equals("B")) {
                        throw body.opt("id").error("expected \"A\" or \"B\", found '" + id + "'");
                    }
                    out.add(new TemplateProcessing.Piece(id, typeId, true));
                }
                default -> throw p.error("expected {\"SpecialToken\": ...} or {\"Sequence\": ...}, found '" + kind + "'");
            }
        }
        return out;
    }

    static Decoder decoder(Json.Node n) {
        if (n.isNull()) {
            return Decoder.NONE;
        }
        String type = type(n);
        if (!type.equals("WordPiece")) {
            throw unsupported(n, "decoder", type, "WordPiece");
        }
        return new WordPieceDecoder(n.opt("prefix").stringOr("##"), n.opt("cleanup").boolOr(true));
    }

    static Truncation truncation(Json.Node n) {
        if (n.isNull()) {
            return null;
        }
        Json.Node s = n.opt("strategy");
        Truncation.Strategy strategy = Truncation.Strategy.LONGEST_FIRST;
        if (!s.isNull()) {
            strategy = Truncation.Strategy.ofHf(s.string());
            if (strategy == null) {
                throw s.error("unknown truncation strategy '" + s.string() + "' (LongestFirst, OnlyFirst, OnlySecond)");
            }
        }
        return new Truncation(n.get("max_length").intValue(0, Integer.MAX_VALUE), strategy,
                n.opt("stride").intOr(0, 0, Integer.MAX_VALUE), direction(n.opt("direction")));
    }

    private static boolean direction(Json.Node d) {
        String dir = d.stringOr("Right");
        if (!dir.equals("Right") && !dir.equals("Left")) {
            throw d.error("expected \"Right\" or \"Left\", found '" + dir + "'");
        }
        return dir.equals("Left");
    }

    static Padding padding(Json.Node n) {
        if (n.isNull()) {
            return null;
        }
        Json.Node s = n.opt("strategy");
        int length = 0;
        if (s.value() instanceof String str) {
            if (!str.equals("BatchLongest")) {
                throw s.error("expected \"BatchLongest\" or {\"Fixed\": n}, found '" + str + "'");
            }
        } else if (!s.isNull()) {
            length = s.get("Fixed").intValue(1, Integer.MAX_VALUE);
        }
        Json.Node mult = n.opt("pad_to_multiple_of");
        return new Padding(length, mult.isNull() ? 0 : mult.intValue(1, Integer.MAX_VALUE),
                n.opt("pad_id").intOr(0, 0, Integer.MAX_VALUE), n.opt("pad_type_id").intOr(0, 0, Integer.MAX_VALUE),
                n.opt("pad_token").stringOr("[PAD]"), direction(n.opt("direction")));
    }
}

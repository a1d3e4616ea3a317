package dev.quire.tokenizer.wordpiece;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's {@code WordPiece} decoder: a token that starts with the prefix is glued to the
 * previous one (prefix removed), others are preceded by a space; with {@code cleanup}, the spaces
 * that BERT tokenization puts before punctuation and English contractions are removed.
 *
 * @param prefix  the continuing-subword prefix
 * @param cleanup remove spaces before {@code . ? ! ,} and contractions, as Hugging Face's {@code cleanup}
 */
public record WordPieceDecoder(String prefix, boolean cleanup) implements Decoder {

    /** Hugging Face's default: {@code ##}, with cleanup. */
    public WordPieceDecoder() {
        this("##", true);
    }

    @Override
    public String decode(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (i != 0) {
                if (t.startsWith(prefix)) {
                    t = t.substring(prefix.length());
                } else {
                    t = " " + t;
                }
            }
            sb.append(cleanup ? cleanup(t) : t);
        }
        return sb.toString();
    }

    /** Hugging Face's {@code cleanup}, applied to each token as it does. */
    static String cleanup(String s) {
        if (s.indexOf(' ') < 0) {
            return s;
        }
        return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't")
                .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
    }

    @Override
    public Object toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "WordPiece");
        m.put("prefix", prefix);
        m.put("cleanup", cleanup);
        return m;
    }
}

package dev.quire.tokenizer.wordpiece;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The straightforward greedy longest-match-first WordPiece of Hugging Face, quadratic, for checking. */
final class GreedyWordPiece {

    private final Map<String, Integer> vocab;
    private final String unk;
    private final String prefix;
    private final int maxChars;

    GreedyWordPiece(Map<String, Integer> vocab, String unk, String prefix, int maxChars) {
        this.vocab = vocab;
        this.unk = unk;
        this.prefix = prefix;
        this.maxChars = maxChars;
    }

    List<Integer> tokenize(String word) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > maxChars) {
            return List.of(vocab.get(unk));
        }
        List<Integer> out = new ArrayList<>();
        int start = 0;
        while (start < cps.length) {
            int end = cps.length;
            Integer cur = null;
            while (start < end) {
                String sub = new String(cps, start, end - start);
                if (start > 0) {
                    sub = prefix + sub;
                }
                Integer id = vocab.get(sub);
                if (id != null) {
                    cur = id;
                    break;
                }
                end--;
            }
            if (cur == null) {
                return List.of(vocab.get(unk));
            }
            out.add(cur);
            start = end;
        }
        return out;
    }
}

package dev.quire.tokenizer.wordpiece;

/**
 * The hot path for the BERT pipeline when only ids are wanted: normalization
 * ({@link BertNormalizer}'s per-character table), pre-tokenization ({@link BertPreTokenizer}'s
 * classes) and WordPiece run in one pass over the text, with no intermediate strings. Gives the
 * same ids as the general path (tests compare them on random text).
 */
final class FastBertEncoder {

    private final BertNormalizer normalizer;
    private final BertNormalizer.Table table;
    private final WordPiece model;

    FastBertEncoder(BertNormalizer normalizer, WordPiece model) {
        this.normalizer = normalizer;
        this.table = normalizer.table();
        this.model = model;
    }

    /** Receives each word (normalized units {@code buf[0, len)}). */
    @FunctionalInterface
    interface WordSink {
        void word(char[] buf, int len);
    }

    private static final class Word {
        char[] buf = new char[64];
        int len;

        void push(char c) {
            if (len == buf.length) {
                buf = java.util.Arrays.copyOf(buf, len * 2);
            }
            buf[len++] = c;
        }
    }

    /** Normalization and pre-tokenization only (for counting words); {@link #encode} is unavailable. */
    FastBertEncoder(BertNormalizer normalizer) {
        this(normalizer, null);
    }

    /** Appends the ids of {@code text[from, to)} to {@code out}. */
    void encode(String text, int from, int to, IntList out) {
        WordPiece m = model;
        forEachWord(text, from, to, (buf, len) -> m.tokenize(buf, 0, len, out, null, null));
    }

    /** Normalizes and pre-tokenizes {@code text[from, to)}, handing each word to {@code sink}. */
    void forEachWord(String text, int from, int to, WordSink sink) {
        final byte[] kind = table.kind;
        final char[] single = table.single;
        final byte[] cls = BertPreTokenizer.CLASS;
        Word w = new Word();
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            byte k = kind[c];
            if (k == BertNormalizer.SINGLE) {
                char m = single[c];
                byte pc = cls[m];
                if (pc == BertPreTokenizer.WORD) {
                    if (w.len == w.buf.length) {
                        w.buf = java.util.Arrays.copyOf(w.buf, w.len * 2);
                    }
                    w.buf[w.len++] = m;
                } else {
                    if (w.len > 0) {
                        sink.word(w.buf, w.len);
                        w.len = 0;
                    }
                    if (pc == BertPreTokenizer.PUNCT) {
                        w.buf[0] = m;
                        sink.word(w.buf, 1);
                    }
                }
            } else if (k != BertNormalizer.DROP) {
                String s;
                if (k == BertNormalizer.MULTI) {
                    s = table.multi[c];
                } else {
                    int cp = c;
                    if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                        cp = Character.toCodePoint(c, text.charAt(i + 1));
                        i++;
                    }
                    s = normalizer.mapCodePoint(cp);
                }
                for (int j = 0; j < s.length(); ) {
                    int cp = s.codePointAt(j);
                    int width = Character.charCount(cp);
                    byte pc = Character.isSurrogate(s.charAt(j)) && width == 1 ? BertPreTokenizer.WORD : BertPreTokenizer.classOf(cp);
                    if (pc == BertPreTokenizer.WORD) {
                        for (int q = 0; q < width; q++) {
                            w.push(s.charAt(j + q));
                        }
                    } else {
                        if (w.len > 0) {
                            sink.word(w.buf, w.len);
                            w.len = 0;
                        }
                        if (pc == BertPreTokenizer.PUNCT) {
                            for (int q = 0; q < width; q++) {
                                w.push(s.charAt(j + q));
                            }
                            sink.word(w.buf, w.len);
                            w.len = 0;
                        }
                    }
                    j += width;
                }
            }
        }
        if (w.len > 0) {
            sink.word(w.buf, w.len);
        }
    }
}

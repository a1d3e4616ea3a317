package dev.quire.tokenizer.bpe;

/**
 * UTF-8 decoding that replaces each maximal ill-formed subsequence with U+FFFD (the Unicode
 * Standard's recommended practice, which Python's {@code errors="replace"} follows) or reports its
 * byte offset, and that can stop before an incomplete character at the end so that a stream can wait
 * for the rest.
 */
final class Utf8 {

    private Utf8() {
    }

    /**
     * Decodes {@code b[from, to)} into {@code out}.
     *
     * @param eof    whether no more bytes follow; when false, a valid but incomplete sequence at the end
     *               is left undecoded
     * @param errors what to do with invalid bytes
     * @param base   the offset of {@code b[0]} in the whole byte stream, for error messages
     * @return the index of the first byte not consumed ({@code to} unless waiting for more bytes)
     */
    static int decode(byte[] b, int from, int to, StringBuilder out, boolean eof, Utf8Errors errors, long base) {
        int i = from;
        while (i < to) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                out.append((char) c);
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            int cp;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                cp = c & 0x1F;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                cp = c & 0x0F;
                if (c == 0xE0) {
                    lo = 0xA0;
                } else if (c == 0xED) {
                    hi = 0x9F;
                }
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                cp = c & 0x07;
                if (c == 0xF0) {
                    lo = 0x90;
                } else if (c == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                invalid(out, errors, base + i);
                i++;
                continue;
            }
            int j = i + 1;
            boolean bad = false;
            for (int k = 0; k < need; k++, j++) {
                if (j >= to) {
                    if (!eof) {
                        return i; // wait for the rest of the character
                    }
                    bad = true;
                    break;
                }
                int d = b[j] & 0xFF;
                int l = k == 0 ? lo : 0x80;
                int h = k == 0 ? hi : 0xBF;
                if (d < l || d > h) {
                    bad = true;
                    break;
                }
                cp = cp << 6 | (d & 0x3F);
            }
            if (bad) {
                invalid(out, errors, base + i);
                i = j; // the maximal subpart ends before the offending byte
                continue;
            }
            out.appendCodePoint(cp);
            i = j;
        }
        return i;
    }

    private static void invalid(StringBuilder out, Utf8Errors errors, long at) {
        if (errors == Utf8Errors.STRICT) {
            throw new IllegalArgumentException("the tokens' bytes are not valid UTF-8 at byte " + at
                    + " (decode with Utf8Errors.REPLACE to get U+FFFD instead)");
        }
        out.append('\uFFFD');
    }
}

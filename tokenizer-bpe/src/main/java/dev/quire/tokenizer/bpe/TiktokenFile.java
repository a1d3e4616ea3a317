package dev.quire.tokenizer.bpe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * tiktoken's rank file format ({@code load_tiktoken_bpe}): one token per line, {@code base64(bytes) rank},
 * blank lines ignored. Reading checks every line and names the file and line of the first bad one.
 */
final class TiktokenFile {

    private TiktokenFile() {
    }

    /** The tokens of {@code file} by rank ({@code null} where no token has that rank). */
    static byte[][] read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.ISO_8859_1), file.toString());
    }

    /** The tokens of a rank file's text by rank; {@code source} names it in messages. */
    static byte[][] parse(String text, String source) {
        Base64.Decoder b64 = Base64.getDecoder();
        byte[][] byRank = new byte[1024][];
        int maxRank = -1;
        int line = 0;
        int pos = 0;
        int n = text.length();
        while (pos < n) {
            line++;
            int eol = text.indexOf('\n', pos);
            if (eol < 0) {
                eol = n;
            }
            int end = eol > pos && text.charAt(eol - 1) == '\r' ? eol - 1 : eol;
            if (end > pos) {
                int sp = text.indexOf(' ', pos);
                if (sp < 0 || sp >= end) {
                    throw bad(source, line, "expected 'base64 rank', found '" + excerpt(text, pos, end) + "'");
                }
                if (text.indexOf(' ', sp + 1) >= 0 && text.indexOf(' ', sp + 1) < end) {
                    throw bad(source, line, "expected exactly one space, found '" + excerpt(text, pos, end) + "'");
                }
                byte[] token;
                try {
                    token = b64.decode(text.substring(pos, sp));
                } catch (IllegalArgumentException e) {
                    throw bad(source, line, "'" + excerpt(text, pos, sp) + "' is not base64: " + e.getMessage());
                }
                if (token.length == 0) {
                    throw bad(source, line, "the token is empty");
                }
                int rank = parseRank(text, sp + 1, end);
                if (rank < 0) {
                    throw bad(source, line, "'" + excerpt(text, sp + 1, end) + "' is not a rank (an integer 0.."
                            + (Integer.MAX_VALUE - 2) + ")");
                }
                if (rank >= byRank.length) {
                    byRank = Arrays.copyOf(byRank, Math.max(rank + 1, byRank.length * 2));
                }
                if (byRank[rank] != null) {
                    throw bad(source, line, "rank " + rank + " appears twice");
                }
                byRank[rank] = token;
                maxRank = Math.max(maxRank, rank);
            }
            pos = eol + 1;
        }
        if (maxRank < 0) {
            throw new IllegalArgumentException(source + ": no tokens");
        }
        return Arrays.copyOf(byRank, maxRank + 1);
    }

    private static int parseRank(String text, int from, int to) {
        if (from >= to || to - from > 10) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v > Integer.MAX_VALUE - 2 ? -1 : (int) v;
    }

    private static String excerpt(String text, int from, int to) {
        String s = text.substring(from, Math.min(to, from + 60));
        return to - from > 60 ? s + "..." : s;
    }

    private static IllegalArgumentException bad(String source, int line, String what) {
        return new IllegalArgumentException(source + ": line " + line + ": " + what);
    }

    /** The rank file text of every non-special token, by rank. */
    static String format(byte[][] tokens, boolean[] special) {
        Base64.Encoder b64 = Base64.getEncoder();
        StringBuilder sb = new StringBuilder(tokens.length * 16);
        for (int r = 0; r < tokens.length; r++) {
            if (tokens[r] != null && !special[r]) {
                sb.append(b64.encodeToString(tokens[r])).append(' ').append(r).append('\n');
            }
        }
        return sb.toString();
    }
}

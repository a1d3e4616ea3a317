package dev.quire.tokenizer.bpe;

import java.util.Arrays;

/**
 * GPT-2's reversible mapping of the 256 byte values to 256 printable characters ({@code bytes_to_unicode}
 * in OpenAI's {@code encoder.py}, {@code ByteLevel.alphabet()} in Hugging Face {@code tokenizers}):
 * the printable Latin-1 bytes {@code ! .. ~}, {@code ¡ .. ¬}, {@code ® .. ÿ} stand for themselves, the
 * other 68 bytes map in order to U+0100, U+0101, ... (so the space byte is {@code Ġ} and newline
 * {@code Ċ}). Hugging Face vocabularies spell token bytes in these characters.
 */
public final class ByteLevel {

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final short[] CHAR_TO_BYTE = new short[0x180];

    static {
        Arrays.fill(CHAR_TO_BYTE, (short) -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = (short) b;
        }
    }

    private ByteLevel() {
    }

    /** The character that stands for byte {@code b} (0..255). */
    public static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte (0..255) that character {@code c} stands for, or -1 if {@code c} is not in the alphabet. */
    public static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The 256 characters of the alphabet, sorted by code point (the order {@code BpeTrainer} gives them ids). */
    public static char[] alphabet() {
        char[] a = BYTE_TO_CHAR.clone();
        Arrays.sort(a);
        return a;
    }

    /** {@code bytes} spelled in the alphabet ({@code " the"} as UTF-8 becomes {@code "Ġthe"}). */
    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /** The bytes a string of alphabet characters stands for, or {@code null} if a character is outside the alphabet. */
    public static byte[] decode(String s) {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < out.length; i++) {
            int b = byteOf(s.charAt(i));
            if (b < 0) {
                return null;
            }
            out[i] = (byte) b;
        }
        return out;
    }
}

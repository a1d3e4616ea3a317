package dev.quire.model;

import dev.quire.api.Tokenizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * One token per character, as nanoGPT's {@code shakespeare_char}: the vocabulary is the sorted set of
 * distinct Unicode code points of the training corpus (65 for Tiny Shakespeare), and a character's id is
 * its rank in that set. Lossless over its alphabet; immutable and thread-safe.
 *
 * <p>A character outside the alphabet has no id, so {@link #encode} rejects it with an
 * {@link IllegalArgumentException} naming the character and its index, rather than silently dropping
 * or replacing it.
 */
public final class CharTokenizer implements Tokenizer {

    /** The id of the factory component that loads this tokenizer. */
    public static final String FACTORY_ID = "char";

    private static final int MAGIC = 0x51434852; // "QCHR"
    private static final int FORMAT_VERSION = 1;

    private final int[] alphabet; // sorted, distinct code points; the id of alphabet[i] is i

    private CharTokenizer(int[] alphabet) {
        this.alphabet = alphabet;
    }

    /** The tokenizer whose alphabet is every code point of {@code corpus}. */
    public static CharTokenizer train(String corpus) {
        return train(java.util.List.of(corpus).iterator());
    }

    /**
     * The tokenizer whose alphabet is every code point of the documents.
     *
     * @throws IllegalArgumentException if the documents hold no character at all
     */
    public static CharTokenizer train(Iterator<String> documents) {
        var seen = new TreeSet<Integer>();
        while (documents.hasNext()) {
            documents.next().codePoints().forEach(seen::add);
        }
        if (seen.isEmpty()) {
            throw new IllegalArgumentException("char tokenizer: the corpus has no characters");
        }
        return new CharTokenizer(seen.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The tokenizer of exactly these code points (sorted here; duplicates rejected).
     *
     * @throws IllegalArgumentException on an empty alphabet, a duplicate or an invalid code point
     */
    public static CharTokenizer ofAlphabet(int[] codePoints) {
        int[] sorted = codePoints.clone();
        Arrays.sort(sorted);
        if (sorted.length == 0) {
            throw new IllegalArgumentException("char tokenizer: the alphabet is empty");
        }
        for (int i = 0; i < sorted.length; i++) {
            if (!Character.isValidCodePoint(sorted[i])) {
                throw new IllegalArgumentException("char tokenizer: " + sorted[i] + " is not a Unicode code point");
            }
            if (i > 0 && sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("char tokenizer: " + describe(sorted[i]) + " appears twice in the alphabet");
            }
        }
        return new CharTokenizer(sorted);
    }

    @Override
    public String factoryId() {
        return FACTORY_ID;
    }

    @Override
    public int vocabSize() {
        return alphabet.length;
    }

    /**
     * @throws IllegalArgumentException for a character outside the alphabet, naming it and its index in
     *         {@code text} (a {@code char} index, as {@link String#charAt})
     */
    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.codePointCount(0, text.length())];
        int n = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int id = Arrays.binarySearch(alphabet, codePoint);
            if (id < 0) {
                throw new IllegalArgumentException("char tokenizer: " + describe(codePoint) + " at index " + i
                        + " is not in the vocabulary of " + alphabet.length + " characters");
            }
            ids[n++] = id;
            i += Character.charCount(codePoint);
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder(ids.length);
        for (int id : ids) {
            text.appendCodePoint(alphabet[checkId(id)]);
        }
        return text.toString();
    }

    @Override
    public String token(int id) {
        return Character.toString(alphabet[checkId(id)]);
    }

    /** The alphabet in id order (a copy). */
    public int[] alphabet() {
        return alphabet.clone();
    }

    /** {@code "QCHR"}, format version, the number of code points, then each code point (big-endian ints). */
    @Override
    public byte[] serialize() {
        var bytes = new ByteArrayOutputStream(12 + 4 * alphabet.length);
        try (var out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(alphabet.length);
            for (int codePoint : alphabet) {
                out.writeInt(codePoint);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Restores a tokenizer from {@link #serialize()} output.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code state}
     */
    public static CharTokenizer deserialize(byte[] state) {
        try (var in = new DataInputStream(new ByteArrayInputStream(state))) {
            if (state.length < 12 || in.readInt() != MAGIC) {
                throw new IllegalArgumentException("char tokenizer state: does not start with QCHR");
            }
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("char tokenizer state: format version " + version
                        + " is not supported (this code reads " + FORMAT_VERSION + ")");
            }
            int count = in.readInt();
            if (count <= 0 || (long) count * 4 != state.length - 12) {
                throw new IllegalArgumentException("char tokenizer state: " + count + " code points do not match its "
                        + state.length + " bytes");
            }
            int[] codePoints = new int[count];
            for (int i = 0; i < count; i++) {
                codePoints[i] = in.readInt();
                if (i > 0 && codePoints[i] <= codePoints[i - 1]) {
                    throw new IllegalArgumentException("char tokenizer state: code points are not sorted and distinct at "
                            + i);
                }
            }
            return ofAlphabet(codePoints);
        } catch (IOException e) {
            throw new IllegalArgumentException("char tokenizer state: truncated", e);
        }
    }

    private int checkId(int id) {
        if (id < 0 || id >= alphabet.length) {
            throw new IllegalArgumentException("char tokenizer: id " + id + " is outside [0, " + alphabet.length + ")");
        }
        return id;
    }

    /** {@code 'é' (U+00E9)}, with control characters shown by code only. */
    private static String describe(int codePoint) {
        String code = String.format("U+%04X", codePoint);
        boolean printable = !Character.isISOControl(codePoint)
                && Character.getType(codePoint) != Character.SURROGATE;
        return printable ? "character '" + Character.toString(codePoint) + "' (" + code + ")" : "character " + code;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharTokenizer other && Arrays.equals(alphabet, other.alphabet);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(alphabet);
    }

    @Override
    public String toString() {
        return "CharTokenizer(" + alphabet.length + " characters)";
    }
}

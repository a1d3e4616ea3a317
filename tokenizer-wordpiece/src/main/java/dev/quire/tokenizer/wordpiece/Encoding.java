package dev.quire.tokenizer.wordpiece;

import java.util.Arrays;

/**
 * The result of encoding, as Hugging Face's {@code Encoding}: per token its id, type id (segment),
 * text, span of the original text ({@code [start, end)} in Unicode code points; special tokens
 * added by the template have {@code (0, 0)}), whether it is special (added by the template or
 * padding), whether attention should see it, and which input sequence it came from (0, 1, or -1 for
 * special and padding tokens). The arrays are owned by this object: do not modify them.
 */
public record Encoding(int[] ids, int[] typeIds, String[] tokens, int[] starts, int[] ends,
                       int[] specialTokensMask, int[] attentionMask, int[] sequenceIds) {

    /** Number of tokens. */
    public int length() {
        return ids.length;
    }

    /** The span {@code [start, end)} of token {@code i} in the original text. */
    public int[] offset(int i) {
        return new int[] {starts[i], ends[i]};
    }

    /** All spans as {@code [[start, end], ...]}. */
    public int[][] offsets() {
        int[][] o = new int[ids.length][];
        for (int i = 0; i < o.length; i++) {
            o[i] = offset(i);
        }
        return o;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(typeIds, e.typeIds)
                && Arrays.equals(tokens, e.tokens) && Arrays.equals(starts, e.starts) && Arrays.equals(ends, e.ends)
                && Arrays.equals(specialTokensMask, e.specialTokensMask) && Arrays.equals(attentionMask, e.attentionMask)
                && Arrays.equals(sequenceIds, e.sequenceIds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 31 + Arrays.hashCode(starts);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Encoding[");
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(tokens[i]).append('/').append(ids[i]).append('@').append(starts[i]).append(':').append(ends[i]);
        }
        return sb.append(']').toString();
    }

    /** Collects tokens; then {@link #build()}. */
    static final class Builder {
        final IntList ids = new IntList();
        final IntList typeIds = new IntList();
        final java.util.ArrayList<String> tokens = new java.util.ArrayList<>();
        final IntList starts = new IntList();
        final IntList ends = new IntList();
        final IntList special = new IntList();
        final IntList attention = new IntList();
        final IntList seq = new IntList();

        void add(int id, int typeId, String token, int start, int end, boolean isSpecial, int attend, int sequence) {
            ids.add(id);
            typeIds.add(typeId);
            tokens.add(token);
            starts.add(start);
            ends.add(end);
            special.add(isSpecial ? 1 : 0);
            attention.add(attend);
            seq.add(sequence);
        }

        void addAll(Encoding e, int typeId) {
            for (int i = 0; i < e.length(); i++) {
                add(e.ids[i], typeId < 0 ? e.typeIds[i] : typeId, e.tokens[i], e.starts[i], e.ends[i],
                        e.specialTokensMask[i] == 1, e.attentionMask[i], e.sequenceIds[i]);
            }
        }

        Encoding build() {
            return new Encoding(ids.toArray(), typeIds.toArray(), tokens.toArray(new String[0]), starts.toArray(),
                    ends.toArray(), special.toArray(), attention.toArray(), seq.toArray());
        }
    }

    /** The first {@code n} tokens ({@code fromLeft}: the last {@code n}). */
    Encoding keep(int n, boolean fromLeft) {
        if (n >= length()) {
            return this;
        }
        int from = fromLeft ? length() - n : 0;
        int to = from + n;
        return new Encoding(Arrays.copyOfRange(ids, from, to), Arrays.copyOfRange(typeIds, from, to),
                Arrays.copyOfRange(tokens, from, to), Arrays.copyOfRange(starts, from, to), Arrays.copyOfRange(ends, from, to),
                Arrays.copyOfRange(specialTokensMask, from, to), Arrays.copyOfRange(attentionMask, from, to),
                Arrays.copyOfRange(sequenceIds, from, to));
    }
}

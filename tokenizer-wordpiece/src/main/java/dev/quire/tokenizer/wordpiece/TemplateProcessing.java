package dev.quire.tokenizer.wordpiece;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's {@code TemplateProcessing}: a template for one sequence
 * ({@code [CLS] $A [SEP]}) and one for a pair ({@code [CLS] $A [SEP] $B:1 [SEP]:1}); each piece is a
 * special token or a sequence, with the type id its tokens get. Special tokens get the offsets
 * {@code (0, 0)}.
 */
public final class TemplateProcessing implements PostProcessor {

    /**
     * One piece of a template.
     *
     * @param id       the special token's name, or {@code "A"} / {@code "B"} for a sequence
     * @param typeId   the type id of its tokens
     * @param sequence whether this is a sequence rather than a special token
     */
    public record Piece(String id, int typeId, boolean sequence) {
    }

    /**
     * A special token a template names, with the ids and tokens it stands for (usually one).
     */
    public record SpecialToken(String id, List<Integer> ids, List<String> tokens) {
        public SpecialToken {
            if (ids.size() != tokens.size() || ids.isEmpty()) {
                throw new IllegalArgumentException("special token '" + id + "' needs as many ids as tokens, at least one");
            }
            ids = List.copyOf(ids);
            tokens = List.copyOf(tokens);
        }
    }

    private final List<Piece> single;
    private final List<Piece> pair;
    private final Map<String, SpecialToken> specialTokens;

    /**
     * @throws IllegalArgumentException if a template names a special token that is not defined, or
     *         the single template lacks {@code $A}, or the pair template lacks {@code $A} or {@code $B}
     */
    public TemplateProcessing(List<Piece> single, List<Piece> pair, Map<String, SpecialToken> specialTokens) {
        this.single = List.copyOf(single);
        this.pair = List.copyOf(pair);
        this.specialTokens = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens));
        check(this.single, "single", false);
        check(this.pair, "pair", true);
    }

    private void check(List<Piece> template, String name, boolean isPair) {
        boolean a = false;
        boolean b = false;
        for (Piece p : template) {
            if (p.sequence()) {
                if (p.id().equals("A")) {
                    a = true;
                } else if (p.id().equals("B")) {
                    b = true;
                } else {
                    throw new IllegalArgumentException(name + " template: unknown sequence '" + p.id() + "' (A or B)");
                }
            } else if (!specialTokens.containsKey(p.id())) {
                throw new IllegalArgumentException(name + " template: special token '" + p.id() + "' is not defined");
            }
        }
        if (!a || (isPair && !b) || (!isPair && b)) {
            throw new IllegalArgumentException(name + " template must contain " + (isPair ? "$A and $B" : "$A and not $B"));
        }
    }

    /** BERT's templates: {@code [CLS] $A [SEP]} and {@code [CLS] $A [SEP] $B:1 [SEP]:1}. */
    public static TemplateProcessing bert(String cls, int clsId, String sep, int sepId) {
        Map<String, SpecialToken> sp = new LinkedHashMap<>();
        sp.put(cls, new SpecialToken(cls, List.of(clsId), List.of(cls)));
        sp.put(sep, new SpecialToken(sep, List.of(sepId), List.of(sep)));
        return new TemplateProcessing(parse("[CLS] $A [SEP]".replace("[CLS]", cls).replace("[SEP]", sep)),
                parse(cls + " $A " + sep + " $B:1 " + sep + ":1"), sp);
    }

    /** Parses Hugging Face's template syntax: {@code "[CLS] $A [SEP] $B:1 [SEP]:1"}. */
    public static List<Piece> parse(String template) {
        List<Piece> out = new ArrayList<>();
        for (String part : template.trim().split("\\s+")) {
            if (part.isEmpty()) {
                continue;
            }
            int typeId = 0;
            String name = part;
            int colon = part.lastIndexOf(':');
            if (colon > 0) {
                try {
                    typeId = Integer.parseInt(part.substring(colon + 1));
                    name = part.substring(0, colon);
                } catch (NumberFormatException e) {
                    // a special token whose name contains ':'
                }
            }
            if (name.startsWith("$")) {
                String seq = name.substring(1);
                if (seq.isEmpty() || seq.equals("A")) {
                    out.add(new Piece("A", typeId, true));
                } else if (seq.equals("B")) {
                    out.add(new Piece("B", typeId, true));
                } else {
                    try {
                        out.add(new Piece("A", Integer.parseInt(seq), true));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("template '" + template + "': unknown sequence '" + name + "'");
                    }
                }
            } else {
                out.add(new Piece(name, typeId, false));
            }
        }
        return out;
    }

    public List<Piece> single() {
        return single;
    }

    public List<Piece> pair() {
        return pair;
    }

    public Map<String, SpecialToken> specialTokens() {
        return specialTokens;
    }

    /** The special ids before {@code $A} in the single template (for the fast path). */
    int[] singlePrefixIds() {
        return specialIds(0, indexOfA());
    }

    /** The special ids after {@code $A} in the single template (for the fast path). */
    int[] singleSuffixIds() {
        return specialIds(indexOfA() + 1, single.size());
    }

    private int indexOfA() {
        for (int i = 0; i < single.size(); i++) {
            if (single.get(i).sequence()) {
                return i;
            }
        }
        throw new IllegalStateException();
    }

    private int[] specialIds(int from, int to) {
        IntList ids = new IntList();
        for (Piece p : single.subList(from, to)) {
            if (p.sequence()) {
                throw new IllegalStateException("the single template names $A more than once");
            }
            for (int id : specialTokens.get(p.id()).ids()) {
                ids.add(id);
            }
        }
        return ids.toArray();
    }

    /** Whether the single template has exactly one {@code $A}. */
    boolean simpleSingle() {
        return single.stream().filter(Piece::sequence).count() == 1;
    }

    @Override
    public int addedTokens(boolean isPair) {
        int n = 0;
        for (Piece p : isPair ? pair : single) {
            if (!p.sequence()) {
                n += specialTokens.get(p.id()).ids().size();
            }
        }
        return n;
    }

    @Override
    public Encoding process(Encoding a, Encoding b, boolean addSpecialTokens) {
        if (!addSpecialTokens) {
            return concat(a, b);
        }
        Encoding.Builder out = new Encoding.Builder();
        for (Piece p : b == null ? single : pair) {
            if (p.sequence()) {
                out.addAll(p.id().equals("A") ? a : b, p.typeId());
            } else {
                SpecialToken st = specialTokens.get(p.id());
                for (int i = 0; i < st.ids().size(); i++) {
                    out.add(st.ids().get(i), p.typeId(), st.tokens().get(i), 0, 0, true, 1, -1);
                }
            }
        }
        return out.build();
    }

    static Encoding concat(Encoding a, Encoding b) {
        if (b == null) {
            return a;
        }
        Encoding.Builder out = new Encoding.Builder();
        out.addAll(a, 0);
        out.addAll(b, 1);
        return out.build();
    }

    private static List<Object> templateJson(List<Piece> template) {
        List<Object> l = new ArrayList<>();
        for (Piece p : template) {
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("id", p.id());
            inner.put("type_id", p.typeId());
            l.add(Map.of(p.sequence() ? "Sequence" : "SpecialToken", inner));
        }
        return l;
    }

    @Override
    public Object toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "TemplateProcessing");
        m.put("single", templateJson(single));
        m.put("pair", templateJson(pair));
        Map<String, Object> sp = new LinkedHashMap<>();
        for (SpecialToken st : specialTokens.values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", st.id());
            e.put("ids", st.ids());
            e.put("tokens", st.tokens());
            sp.put(st.id(), e);
        }
        m.put("special_tokens", sp);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TemplateProcessing t && t.single.equals(single) && t.pair.equals(pair)
                && t.specialTokens.equals(specialTokens);
    }

    @Override
    public int hashCode() {
        return single.hashCode() * 31 + pair.hashCode();
    }
}

package dev.quire.model;

import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.PositionalEncoding;
import dev.quire.api.ServiceComponents;
import java.nio.file.Path;
import java.util.Map;

/** Shared test helpers: fixture paths and components found through ServiceLoader. */
final class Fixtures {

    private Fixtures() {
    }

    /** {@code ../shared}, as set by surefire. */
    static Path shared() {
        return Path.of(System.getProperty("quire.shared", "../../shared"));
    }

    static Path reference(String file) {
        return shared().resolve("reference").resolve(file);
    }

    /** The component of that kind and id, its default options changed by name ({@code "lr" -> 1e-3}). */
    static <T> T create(ComponentKind kind, String id, Class<T> type, Map<String, Object> changes) {
        return ServiceComponents.create(kind, id, type, changes);
    }

    static <T> T create(ComponentKind kind, String id, Class<T> type) {
        return ServiceComponents.create(kind, id, type);
    }

    static Attention attention() {
        return create(ComponentKind.ATTENTION, "standard", Attention.class);
    }

    static PositionalEncoding learned() {
        return create(ComponentKind.POSITIONAL_ENCODING, "learned", PositionalEncoding.class);
    }

    static int[] toInts(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.toIntExact(values[i]);
        }
        return out;
    }
}

package dev.quire.regularizers;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.Regularizer;

/** What every provider of this module shares: the kind and the version. */
abstract class RegularizerProvider<O extends Record> implements ComponentProvider<Regularizer, O> {

    static final String VERSION = "0.1.0";

    @Override
    public final ComponentKind kind() {
        return ComponentKind.REGULARIZER;
    }

    @Override
    public final String version() {
        return VERSION;
    }

    /** Throws naming {@code key} and its range unless {@code value} is finite and in {@code [0, 1)}. */
    static void checkUnitInterval(String key, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(key + " must be in [0, 1), got " + value);
        }
    }

    /** Throws naming {@code key} unless {@code value} is a finite number {@code > 0}. */
    static void checkPositive(String key, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(key + " must be a number > 0, got " + value);
        }
    }

    /** Throws naming {@code key} unless {@code value} is a finite number {@code >= 0}. */
    static void checkNonNegative(String key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(key + " must be a number >= 0, got " + value);
        }
    }
}

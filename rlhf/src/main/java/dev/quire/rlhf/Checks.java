package dev.quire.rlhf;

/** Option checks that name the method, the option and the allowed range. */
final class Checks {

    private Checks() {
    }

    static void atLeast(String method, String option, double value, double min) {
        if (!(value >= min) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(method + ": " + option + " must be a number >= " + format(min)
                    + ", got " + value);
        }
    }

    static void positive(String method, String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(method + ": " + option + " must be a number > 0, got " + value);
        }
    }

    static void unit(String method, String option, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(method + ": " + option + " must be in [0, 1], got " + value);
        }
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}

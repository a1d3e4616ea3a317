package dev.quire.runtime.config;

/**
 * The checks the stage options records share, with one wording for each: the messages reach the user
 * with the file and the key's place added by {@link OptionsBinder}.
 */
final class OptionChecks {

    private OptionChecks() {
    }

    /** {@code name} at least 1 (steps, batch sizes, intervals). */
    static void atLeastOne(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }

    /** {@code name} a finite number above 0 (learning rates, LoRA's alpha); NaN fails. */
    static void positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a number > 0, got " + value);
        }
    }

    /** A learning-rate schedule's name is given. */
    static void scheduleNamed(String schedule) {
        if (schedule == null || schedule.isBlank()) {
            throw new IllegalArgumentException("schedule must name a schedule (constant, cosine, ...), got '"
                    + schedule + "'");
        }
    }
}

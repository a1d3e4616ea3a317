package dev.quire.api;

/** The options record of a component that has none. */
public record NoOptions() {
    /** The only value. */
    public static final NoOptions INSTANCE = new NoOptions();
}

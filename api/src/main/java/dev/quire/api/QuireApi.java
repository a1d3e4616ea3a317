package dev.quire.api;

/** Facts about this API that plugins are checked against. */
public final class QuireApi {

    /**
     * The version of this SPI, in semantic-versioning form. A plugin declares the range it was
     * built for (PF4J's {@code Plugin-Requires}, e.g. {@code >=0.1.0 & <0.2.0}); the runtime refuses
     * plugins whose range excludes this version.
     */
    public static final String VERSION = "0.1.0";

    private QuireApi() {
    }
}

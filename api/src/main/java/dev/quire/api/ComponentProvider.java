package dev.quire.api;

/**
 * Creates one kind of component from its options: the single contract through which Quire finds
 * every tokenizer, attention, optimizer and so on, whether built in (declared with
 * {@code provides dev.quire.api.ComponentProvider with ...}) or shipped in a plugin jar (declared in
 * {@code META-INF/services/dev.quire.api.ComponentProvider}).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #kind()} and {@link #id()} identify the component; no two providers found in one run
 *       may share both. Ids are lower-case words or dashed words ({@code adamw}, {@code standard}).</li>
 *   <li>{@link #optionsType()} is a record whose components are the options a pipeline file may set,
 *       with the types {@code boolean, int, long, float, double, String}, enums, {@code List}s of
 *       those, or nested records of the same. Its canonical constructor validates the values and
 *       throws {@link IllegalArgumentException} naming the option and the allowed range.</li>
 *   <li>{@link #defaultOptions()} gives the value of every option a file leaves out.</li>
 *   <li>{@link #create(Record)} returns a new component of {@link ComponentKind#componentType()};
 *       it is called after the options validated and must not fail for valid options.</li>
 *   <li>Providers are stateless and need a public no-argument constructor (ServiceLoader).</li>
 * </ul>
 *
 * @param <T> the component type, {@code kind().componentType()}
 * @param <O> the options record
 */
public interface ComponentProvider<T, O extends Record> {

    /** The kind of component this provider creates. */
    ComponentKind kind();

    /** The name a pipeline file uses to choose this component, unique within its kind. */
    String id();

    /** The version of this component's implementation, recorded in checkpoints as provenance. */
    String version();

    /** One line saying what the component is, shown by {@code quire plugins}. */
    default String description() {
        return "";
    }

    /** The record type of this component's options. */
    Class<O> optionsType();

    /** The options used for every key a pipeline file does not set. */
    O defaultOptions();

    /**
     * Creates a component.
     *
     * @param options validated options of {@link #optionsType()}
     * @return a new component of type {@code kind().componentType()}
     */
    T create(O options);

    /**
     * Helper for untyped callers (the runtime): checks that {@code options} is of
     * {@link #optionsType()} and creates the component.
     *
     * @throws IllegalArgumentException if {@code options} is of another type
     */
    default T createUnchecked(Record options) {
        if (!optionsType().isInstance(options)) {
            throw new IllegalArgumentException(kind().configName() + " '" + id() + "' takes options of type "
                    + optionsType().getName() + ", not " + options.getClass().getName());
        }
        return create(optionsType().cast(options));
    }
}

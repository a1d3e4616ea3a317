package dev.quire.api;

import java.util.List;

/** The components found in this run, for stages that create components themselves. */
public interface ComponentRegistry {

    /** Every provider found, with where it came from. */
    List<ComponentDescriptor> descriptors();

    /**
     * Creates a component with the provider's default options.
     *
     * @throws IllegalArgumentException if no provider of that kind and id exists; the message lists those that do
     */
    <T> T create(ComponentKind kind, String id, Class<T> type);

    /** Creates a component with the given options (of the provider's options type). */
    <T> T create(ComponentKind kind, String id, Record options, Class<T> type);
}

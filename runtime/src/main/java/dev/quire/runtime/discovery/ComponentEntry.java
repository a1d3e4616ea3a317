package dev.quire.runtime.discovery;

import dev.quire.api.ComponentDescriptor;
import dev.quire.api.ComponentProvider;

/**
 * A provider found in this run, where it came from, and the class loader its code lives in (set as
 * the thread's context class loader while it creates components, as PF4J plugins expect).
 *
 * @param descriptor kind, id, version, origin, description
 * @param provider   the provider
 * @param loader     the class loader of the provider's code
 */
public record ComponentEntry(ComponentDescriptor descriptor, ComponentProvider<?, ?> provider, ClassLoader loader) {

    /** Its kind and id. */
    public ComponentKey key() {
        return new ComponentKey(descriptor.kind(), descriptor.id());
    }

    /**
     * Creates a component from validated options, with the provider's class loader as the context
     * class loader, and checks that it is of the kind's type.
     *
     * @throws IllegalStateException if the provider returns null or an object of the wrong type
     */
    public Object create(Record options) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        Object component;
        try {
            component = provider.createUnchecked(options);
        } finally {
            thread.setContextClassLoader(previous);
        }
        Class<?> type = descriptor.kind().componentType();
        if (!type.isInstance(component)) {
            throw new IllegalStateException(descriptor.kind().configName() + " '" + descriptor.id() + "' from "
                    + descriptor.origin() + " created " + (component == null ? "null" : component.getClass().getName())
                    + ", which is not a " + type.getName());
        }
        return component;
    }

    /** The provider's default options, as a record. */
    public Record defaultOptions() {
        return provider.defaultOptions();
    }
}

package dev.quire.runtime.config;

import dev.quire.api.ComponentDescriptor;
import dev.quire.api.ComponentKind;
import java.util.Objects;

/**
 * A component chosen by a pipeline file: {@code {id: adamw, lr: 1.0e-3}}, bound and validated.
 *
 * @param role       where the file chose it: {@code optimizer}, {@code model.attention},
 *                   {@code regularizers[0]}, {@code stages[2].sample}; a stage's option that is a component
 *                   (the {@code align} stage's {@code method}) is one too, {@code stages[3].align.method}
 * @param descriptor the component found under that id (kind, id, version, origin)
 * @param options    its validated options record
 */
public record ComponentChoice(String role, ComponentDescriptor descriptor, Record options) {
    public ComponentChoice {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(options, "options");
    }

    /** Its kind. */
    public ComponentKind kind() {
        return descriptor.kind();
    }

    /** Its id. */
    public String id() {
        return descriptor.id();
    }

    /** Its options as JSON. */
    public String optionsJson() {
        return Json.write(options);
    }
}

package dev.quire.api;

/**
 * A provider found at run time and where it came from.
 *
 * @param kind    its kind
 * @param id      its id
 * @param version its version
 * @param origin  where it was found: {@code "module dev.quire.optim.adam"} or {@code "plugin lion-optimizer 1.0.0 (lion-1.0.0.jar)"}
 * @param description one line from the provider
 */
public record ComponentDescriptor(ComponentKind kind, String id, String version, String origin, String description) {
}

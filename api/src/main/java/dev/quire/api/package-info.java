/**
 * Quire's service-provider interface.
 *
 * <p>Every component is created by a {@link dev.quire.api.ComponentProvider}, registered with
 * {@code provides dev.quire.api.ComponentProvider with ...} in a module or with a
 * {@code META-INF/services/dev.quire.api.ComponentProvider} file in a plugin jar. A provider names
 * its {@link dev.quire.api.ComponentKind kind}, its id (the name used in a pipeline file), its
 * version, and the record type of its options; the runtime reads those options from the pipeline
 * file, checks them strictly, and calls {@link dev.quire.api.ComponentProvider#create(Record)}.
 *
 * <p>An optimizer may extend {@link dev.quire.api.AbstractOptimizer}, which implements the parts of
 * {@link dev.quire.api.Optimizer} every optimizer shares (parameter groups and their overrides, the
 * learning rate, the loop over parameters, saving and loading state) and leaves it the update rule.
 *
 * <p><b>Stability.</b> Types here are stable: they may gain default methods and new record
 * components with defaults in a minor version, never lose or change one. Types marked
 * {@link dev.quire.api.Experimental} may still change.
 */
package dev.quire.api;

/**
 * The Lion optimizer as a Quire plugin: {@link dev.quire.plugins.lion.LionOptions} (what a pipeline
 * file sets), {@link dev.quire.plugins.lion.LionProvider} (id {@code lion}) and the optimizer
 * {@link dev.quire.plugins.lion.Lion}. Depends on {@code dev.quire.api} only.
 */
package dev.quire.plugins.lion;

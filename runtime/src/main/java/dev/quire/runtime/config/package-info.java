/**
 * Pipeline files. {@link dev.quire.runtime.config.YamlDocument} composes YAML into nodes with their
 * line and column; {@link dev.quire.runtime.config.PipelineParser} reads the schema strictly and
 * {@link dev.quire.runtime.config.OptionsBinder} binds each component block to its provider's options
 * record. Every problem is a {@link dev.quire.runtime.config.ConfigException} naming the file, line,
 * column and key, what was found and what is allowed, raised before any work runs.
 */
package dev.quire.runtime.config;

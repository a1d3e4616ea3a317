/**
 * Finding components: {@link dev.quire.runtime.discovery.Discovery} loads providers from the module
 * layer (and the class path) with {@link java.util.ServiceLoader}, and from PF4J plugin jars, one class
 * loader per plugin; {@link dev.quire.runtime.discovery.ComponentCatalog} holds them by kind and id
 * with their origin. Bad plugins and duplicate ids are
 * {@link dev.quire.runtime.discovery.PluginException}s naming the jars.
 */
package dev.quire.runtime.discovery;

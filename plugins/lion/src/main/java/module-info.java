/**
 * An example third-party Quire plugin: the Lion optimizer (id {@code lion}). Its one job is to show,
 * in a real and tested optimizer, everything a plugin author needs: an options record, a
 * {@link dev.quire.api.ComponentProvider}, and a jar that PF4J can load.
 *
 * <p><b>This descriptor is used only when the jar is on a module path.</b> PF4J loads a plugin's classes
 * with a class loader of its own, into that loader's unnamed module, so there this file is ignored and
 * the provider is found through {@code META-INF/services/dev.quire.api.ComponentProvider} instead. It
 * is here because every Quire artifact has a module descriptor, and so that the same jar also works
 * when put on a module path next to Quire.
 */
module dev.quire.plugins.lion {
    requires transitive dev.quire.api;  // transitive: the exported classes implement its interfaces

    exports dev.quire.plugins.lion;

    provides dev.quire.api.ComponentProvider with dev.quire.plugins.lion.LionProvider;
}

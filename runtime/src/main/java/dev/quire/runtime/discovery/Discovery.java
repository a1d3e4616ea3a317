package dev.quire.runtime.discovery;

import dev.quire.api.ComponentDescriptor;
import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.QuireApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipException;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Finds every component of a run: built-in ones through {@link ServiceLoader} (modules of the boot
 * layer, and for class-path use jars on the class path), and those of plugin jars in a plugins
 * directory through PF4J, one class loader per plugin.
 *
 * <p>A plugin jar is a PF4J plugin: its manifest names {@code Plugin-Id}, {@code Plugin-Version}
 * and {@code Plugin-Requires} (the range of {@link QuireApi#VERSION} it was built for), and its
 * providers are listed in {@code META-INF/services/dev.quire.api.ComponentProvider}. It must not
 * bundle the {@code dev.quire.api} classes. Every problem is a {@link PluginException} naming the jar.
 */
public final class Discovery {

    /** The services file a plugin lists its providers in. */
    public static final String SERVICES_FILE = "META-INF/services/" + ComponentProvider.class.getName();

    private static final Pattern ID = Pattern.compile("[a-z0-9]+([-_.][a-z0-9]+)*");

    private Discovery() {
    }

    /**
     * Discovers the components of a run.
     *
     * @param pluginsDir a directory of plugin jars, or empty for built-in components only
     * @param extra      entries the caller adds (the runtime's own stages)
     * @return the components; close it when the run ends to unload the plugins
     * @throws PluginException on any plugin problem or duplicate id
     */
    public static Components discover(Optional<Path> pluginsDir, Collection<ComponentEntry> extra) {
        var entries = new ArrayList<ComponentEntry>(extra);
        entries.addAll(builtIn());
        PluginManager manager = null;
        if (pluginsDir.isPresent()) {
            checkDirectory(pluginsDir.get());
            manager = new JarPluginManager(pluginsDir.get());
            try {
                entries.addAll(loadPlugins(manager, pluginsDir.get()));
            } catch (RuntimeException e) {
                unload(manager);
                throw e;
            }
        }
        try {
            return new Components(new ComponentCatalog(entries), manager);
        } catch (RuntimeException e) {
            unload(manager);
            throw e;
        }
    }

    /** Providers of the boot layer's modules and, when running from the class path, of class-path jars. */
    static List<ComponentEntry> builtIn() {
        var entries = new ArrayList<ComponentEntry>();
        var seen = new HashSet<Class<?>>();
        load(ServiceLoader.load(ModuleLayer.boot(), ComponentProvider.class), null, seen, entries);
        // Class-path providers (unnamed modules), e.g. when the runtime runs without module path.
        ClassLoader system = ClassLoader.getSystemClassLoader();
        load(ServiceLoader.load(ComponentProvider.class, system), type -> !type.getModule().isNamed(), seen, entries);
        return entries;
    }

    private static void load(ServiceLoader<ComponentProvider> loader, java.util.function.Predicate<Class<?>> filter,
                             Set<Class<?>> seen, List<ComponentEntry> entries) {
        try {
            loader.stream().forEach(p -> {
                Class<? extends ComponentProvider> type = p.type();
                if ((filter == null || filter.test(type)) && seen.add(type)) {
                    String origin = originOf(type);
                    ComponentProvider<?, ?> provider;
                    try {
                        provider = p.get();
                    } catch (ServiceConfigurationError e) {
                        throw new PluginException("cannot create component provider " + type.getName() + " from "
                                + origin + ": " + rootMessage(e), e);
                    }
                    entries.add(entry(provider, origin, type.getClassLoader()));
                }
            });
        } catch (ServiceConfigurationError e) {
            throw new PluginException("a built-in component provider is broken: " + rootMessage(e), e);
        }
    }

    /** {@code "module dev.quire.optim.adam"}, or the class-path jar. */
    static String originOf(Class<?> type) {
        Module module = type.getModule();
        if (module.isNamed()) {
            return "module " + module.getName();
        }
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            String location = source.getLocation().getPath();
            String name = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
            return "class path (" + name.substring(name.lastIndexOf('/') + 1) + ")";
        }
        return "class path";
    }

    /**
     * Checks a provider and describes it.
     *
     * @throws PluginException naming the origin if the provider breaks the contract
     */
    public static ComponentEntry entry(ComponentProvider<?, ?> provider, String origin, ClassLoader loader) {
        String name = provider.getClass().getName();
        ComponentKind kind;
        String id;
        String version;
        String description;
        Class<?> optionsType;
        Object defaults;
        try {
            kind = provider.kind();
            id = provider.id();
            version = provider.version();
            description = provider.description();
            optionsType = provider.optionsType();
            defaults = provider.defaultOptions();
        } catch (RuntimeException | LinkageError e) {
            throw new PluginException("component provider " + name + " from " + origin + " fails to describe itself: "
                    + rootMessage(e), e);
        }
        String problem = null;
        if (kind == null) {
            problem = "kind() returned null";
        } else if (id == null || !ID.matcher(id).matches()) {
            problem = "id() returned " + (id == null ? "null" : "'" + id + "'")
                    + "; ids are lower-case words, optionally joined by '-', '_' or '.'";
        } else if (version == null || version.isBlank()) {
            problem = "version() is empty";
        } else if (optionsType == null || !optionsType.isRecord()) {
            problem = "optionsType() must be a record class, got " + optionsType;
        } else if (!optionsType.isInstance(defaults)) {
            problem = "defaultOptions() is not a " + optionsType.getName();
        }
        if (problem != null) {
            throw new PluginException("component provider " + name + " from " + origin + " is invalid: " + problem);
        }
        var descriptor = new ComponentDescriptor(kind, id, version, origin, description == null ? "" : description);
        return new ComponentEntry(descriptor, provider, loader);
    }

    private static void checkDirectory(Path dir) {
        if (!Files.exists(dir)) {
            throw new PluginException("plugins directory " + dir + " does not exist (looked at "
                    + dir.toAbsolutePath().normalize() + ")");
        }
        if (!Files.isDirectory(dir)) {
            throw new PluginException("plugins directory " + dir + " is not a directory");
        }
    }

    private static List<ComponentEntry> loadPlugins(PluginManager manager, Path dir) {
        manager.setSystemVersion(QuireApi.VERSION);
        List<Path> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(f -> Files.isRegularFile(f) && isArchive(f)).sorted().toList();
        } catch (IOException e) {
            throw new PluginException("cannot list plugins directory " + dir + ": " + e.getMessage(), e);
        }
        var wrappers = new ArrayList<PluginWrapper>();
        for (Path jar : jars) {
            String requires = checkJar(jar);
            if (!requiresThisApi(manager, requires)) {
                throw new PluginException("plugin jar " + jar + " requires Quire API " + requires
                        + " (Plugin-Requires), but this runtime provides API " + QuireApi.VERSION
                        + ". Rebuild the plugin against API " + QuireApi.VERSION + " or use a matching Quire.");
            }
            String pluginId;
            try {
                pluginId = manager.loadPlugin(jar);
            } catch (RuntimeException e) {
                throw new PluginException("cannot load plugin jar " + jar + ": " + rootMessage(e), e);
            }
            PluginWrapper wrapper = manager.getPlugin(pluginId);
            if (wrapper.getPluginState() == PluginState.DISABLED) {
                continue; // disabled by the user in disabled.txt / enabled.txt
            }
            wrappers.add(wrapper);
        }
        manager.startPlugins();
        var entries = new ArrayList<ComponentEntry>();
        for (PluginWrapper wrapper : wrappers) {
            if (wrapper.getPluginState() != PluginState.STARTED) {
                Throwable failure = wrapper.getFailedException();
                throw new PluginException("plugin " + label(wrapper) + " did not start ("
                        + wrapper.getPluginState() + ")" + (failure == null ? "" : ": " + rootMessage(failure)),
                        failure);
            }
            entries.addAll(providersOf(wrapper));
        }
        return entries;
    }

    private static boolean isArchive(Path file) {
        // Jars only: PF4J would unpack a .zip into the plugins directory, and discovery writes nothing.
        return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jar");
    }

    /**
     * Reads a plugin jar's manifest before PF4J does (PF4J logs and skips bad jars); returns its
     * {@code Plugin-Requires}, {@code "*"} when absent.
     */
    private static String checkJar(Path jar) {
        try (var file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                throw new PluginException("plugin jar " + jar + " has no manifest (META-INF/MANIFEST.MF). "
                        + "A Quire plugin's manifest needs Plugin-Id, Plugin-Version and Plugin-Requires.");
            }
            Attributes main = manifest.getMainAttributes();
            var missing = new ArrayList<String>();
            for (String attribute : List.of("Plugin-Id", "Plugin-Version")) {
                String value = main.getValue(attribute);
                if (value == null || value.isBlank()) {
                    missing.add(attribute);
                }
            }
            if (!missing.isEmpty()) {
                throw new PluginException("plugin jar " + jar + " has a manifest without " + String.join(" and ", missing)
                        + ". A Quire plugin's manifest needs Plugin-Id, Plugin-Version and Plugin-Requires "
                        + "(for example Plugin-Requires: >=" + QuireApi.VERSION + ").");
            }
            if (file.getEntry("dev/quire/api/ComponentProvider.class") != null) {
                throw new PluginException("plugin jar " + jar + " bundles the Quire API classes (dev/quire/api); "
                        + "declare quire-api as 'provided' so the runtime's copy is used.");
            }
            if (file.getEntry(SERVICES_FILE) == null) {
                throw new PluginException("plugin jar " + jar + " declares no components: it has no "
                        + SERVICES_FILE + " listing its ComponentProvider classes.");
            }
            String requires = main.getValue("Plugin-Requires");
            return requires == null || requires.isBlank() ? "*" : requires.trim();
        } catch (ZipException e) {
            throw new PluginException("plugin jar " + jar + " is not a valid jar (zip) file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PluginException("cannot read plugin jar " + jar + " (its manifest may be malformed): "
                    + e.getMessage(), e);
        } catch (SecurityException | IllegalArgumentException e) {
            throw new PluginException("plugin jar " + jar + " has a malformed manifest: " + e.getMessage(), e);
        }
    }

    private static boolean requiresThisApi(PluginManager manager, String requires) {
        String range = requires.matches("\\d+\\.\\d+\\.\\d+") ? ">=" + requires : requires;
        try {
            return manager.getVersionManager().checkVersionConstraint(QuireApi.VERSION, range);
        } catch (RuntimeException e) {
            throw new PluginException("Plugin-Requires '" + requires + "' is not a version range "
                    + "(write it like >=0.1.0 & <0.2.0): " + rootMessage(e), e);
        }
    }

    private static List<ComponentEntry> providersOf(PluginWrapper wrapper) {
        ClassLoader loader = wrapper.getPluginClassLoader();
        String origin = "plugin " + label(wrapper);
        var entries = new ArrayList<ComponentEntry>();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            for (var p : ServiceLoader.load(ComponentProvider.class, loader).stream().toList()) {
                if (p.type().getClassLoader() != loader) {
                    continue; // a provider of the runtime or another layer, seen through the parent
                }
                entries.add(entry(p.get(), origin, loader));
            }
        } catch (ServiceConfigurationError e) {
            throw new PluginException("plugin " + label(wrapper) + " lists a component provider that cannot be loaded: "
                    + rootMessage(e), e);
        } catch (LinkageError e) {
            throw new PluginException("plugin " + label(wrapper) + " does not link against this runtime: "
                    + rootMessage(e), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
        if (entries.isEmpty()) {
            throw new PluginException("plugin " + label(wrapper) + " provides no components: none of the classes in its "
                    + SERVICES_FILE + " was found in the jar");
        }
        return entries;
    }

    private static String label(PluginWrapper wrapper) {
        return wrapper.getPluginId() + " " + wrapper.getDescriptor().getVersion() + " ("
                + wrapper.getPluginPath().getFileName() + ")";
    }

    static void unload(PluginManager manager) {
        if (manager != null) {
            try {
                manager.stopPlugins();
            } finally {
                manager.unloadPlugins();
            }
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        var parts = new ArrayList<String>();
        while (t != null) {
            String message = t.getMessage();
            String part = message == null || message.isBlank() ? t.getClass().getSimpleName()
                    : (t instanceof ClassNotFoundException || t instanceof NoClassDefFoundError
                    ? t.getClass().getSimpleName() + " " + message : message);
            if (parts.isEmpty() || !parts.getLast().contains(part)) {
                parts.add(part);
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return String.join(": ", parts);
    }

    /** The components of a run and the plugins they came from. */
    public static final class Components implements AutoCloseable {
        private final ComponentCatalog catalog;
        private final PluginManager manager;

        Components(ComponentCatalog catalog, PluginManager manager) {
            this.catalog = catalog;
            this.manager = manager;
        }

        /** Every component found. */
        public ComponentCatalog catalog() {
            return catalog;
        }

        /** Stops and unloads the plugins (closing their class loaders). */
        @Override
        public void close() {
            unload(manager);
        }
    }
}

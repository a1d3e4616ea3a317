package dev.quire.runtime.config;

import dev.quire.api.ComponentKind;
import dev.quire.api.LearningRateSchedule;
import dev.quire.runtime.config.ConfigNode.ConfigMap;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.discovery.ComponentEntry;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a pipeline file strictly (see {@code runtime/README.md} for the schema): every key known,
 * every value of the right type, every component id found, every options record valid, every file
 * it names present. Components are discovered in the middle of parsing, because the file may name a
 * plugins directory and the options of a component depend on its provider.
 */
public final class PipelineParser {

    /** The keys allowed at the top level of a pipeline file. */
    public static final List<String> TOP_LEVEL_KEYS = List.of("seed", "output", "plugins", "data", "tokenizer", "model",
            "regularizers", "optimizer", "schedule", "stages");

    static final List<String> DATA_KEYS = List.of("corpus", "builtin", "chars", "validationFraction");
    static final String NO_DECAY = "noDecay";

    /** Ids used when the file leaves a component out. */
    static final String DEFAULT_TOKENIZER = "char";
    static final String DEFAULT_ATTENTION = "standard";
    static final String DEFAULT_POSITIONAL = "learned";
    static final String DEFAULT_OPTIMIZER = "adamw";
    static final String DEFAULT_SCHEDULE = "constant";
    static final long DEFAULT_SEED = 1337;

    /**
     * A stage's option that is a component: a {@link ComponentChoice} component of the stage's options record,
     * bound from its key as a component block of {@code kind} ({@code id}, or {@code {id: X, ...options}}),
     * exactly like a top-level component, or {@code defaultId} with its defaults when the file leaves it out.
     */
    record StageComponent(ComponentKind kind, String defaultId) {
    }

    /**
     * The stage options that are components, by the name of their record component (whatever the stage): the
     * {@code align} stage's {@code method}. A stage whose options record has a {@link ComponentChoice}
     * component by another name cannot be configured (the file is refused, naming it).
     */
    static final Map<String, StageComponent> STAGE_COMPONENTS = Map.of(
            "method", new StageComponent(ComponentKind.ALIGNMENT, AlignOptions.DEFAULT_METHOD));

    private final Path file;
    private final Path baseDir;

    private PipelineParser(Path file) {
        this.file = file;
        Path parent = file.toAbsolutePath().normalize().getParent();
        this.baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    /**
     * Command-line settings that replace the file's.
     *
     * @param plugins plugins directory (relative to the working directory), replacing {@code plugins:}
     * @param output  output directory (relative to the working directory), replacing {@code output:}
     */
    public record Overrides(Optional<Path> plugins, Optional<Path> output) {
        /** No overrides. */
        public static final Overrides NONE = new Overrides(Optional.empty(), Optional.empty());
    }

    /**
     * Parses a pipeline document.
     *
     * @param document  the composed YAML
     * @param overrides command-line settings
     * @param discover  discovers the components given the plugins directory (if any); what it returns
     *                  is handed back in the result (the caller closes it)
     * @param <C>       what discovery returns
     * @throws ConfigException on any problem with the file
     */
    public static <C extends AutoCloseable> Parsed<C> parse(YamlDocument document, Overrides overrides,
                                                             Function<Optional<Path>, C> discover,
                                                             Function<C, ComponentCatalog> catalogOf) {
        return new PipelineParser(document.file()).run(document, overrides, discover, catalogOf);
    }

    /**
     * A parsed pipeline and the discovered components it refers to.
     *
     * @param config     the configuration
     * @param components what discovery returned
     */
    public record Parsed<C extends AutoCloseable>(PipelineConfig config, C components) {
    }

    private <C extends AutoCloseable> Parsed<C> run(YamlDocument document, Overrides overrides,
                                                     Function<Optional<Path>, C> discover,
                                                     Function<C, ComponentCatalog> catalogOf) {
        ConfigMap root = document.root().mapping(
                "a mapping of pipeline settings (" + String.join(", ", TOP_LEVEL_KEYS) + ")");
        root.checkKeys(TOP_LEVEL_KEYS, "at the top level");
        long seed = root.get("seed").map(ConfigNode::asLong).orElse(DEFAULT_SEED);
        Path output = overrides.output().map(p -> p.toAbsolutePath().normalize())
                .orElseGet(() -> root.get("output").map(n -> n.asPath(baseDir))
                        .orElseGet(() -> baseDir.resolve("runs").resolve(stem(file))));
        if (Files.exists(output) && !Files.isDirectory(output)) {
            ConfigNode at = root.get("output").orElse(root.node());
            throw at.error("output " + output + " exists and is not a directory");
        }
        Optional<Path> plugins = overrides.plugins().map(p -> p.toAbsolutePath().normalize());
        if (plugins.isEmpty() && root.get("plugins").isPresent()) {
            ConfigNode node = root.get("plugins").get();
            Path dir = node.asPath(baseDir);
            if (!Files.isDirectory(dir)) {
                throw node.error("plugins directory " + dir + (Files.exists(dir) ? " is not a directory"
                        : " does not exist") + "; give an existing directory of plugin jars, or remove the key");
            }
            plugins = Optional.of(dir);
        }
        C components = discover.apply(plugins);
        try {
            PipelineConfig config = parseRest(root, seed, output, plugins, catalogOf.apply(components));
            return new Parsed<>(config, components);
        } catch (RuntimeException e) {
            try {
                components.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private PipelineConfig parseRest(ConfigMap root, long seed, Path output, Optional<Path> plugins,
                                     ComponentCatalog catalog) {
        // Stages first: whether data is needed depends on them.
        ConfigNode stagesNode = root.require("stages", "the list of stages to run, e.g. [pretrain, evaluate, sample]");
        List<ComponentChoice> stages = parseStages(stagesNode, catalog);

        ComponentChoice tokenizer = component(root, "tokenizer", ComponentKind.TOKENIZER, DEFAULT_TOKENIZER, Set.of(), catalog);

        ModelOptions model = ModelOptions.DEFAULTS;
        ComponentChoice attention;
        ComponentChoice positional;
        Optional<ConfigNode> modelNode = root.get("model");
        if (modelNode.isPresent()) {
            ConfigMap map = modelNode.get().mapping("a mapping of model settings");
            model = OptionsBinder.bind(map, Set.of("attention", "positional"), ModelOptions.class, ModelOptions.DEFAULTS,
                    "the model", baseDir);
            attention = component(map, "attention", ComponentKind.ATTENTION, DEFAULT_ATTENTION, Set.of(), catalog);
            positional = component(map, "positional", ComponentKind.POSITIONAL_ENCODING, DEFAULT_POSITIONAL, Set.of(),
                    catalog);
        } else {
            attention = defaultComponent("model.attention", ComponentKind.ATTENTION, DEFAULT_ATTENTION, root.node(), catalog);
            positional = defaultComponent("model.positional", ComponentKind.POSITIONAL_ENCODING, DEFAULT_POSITIONAL,
                    root.node(), catalog);
        }

        var regularizers = new ArrayList<ComponentChoice>();
        Optional<ConfigNode> regularizersNode = root.get("regularizers");
        if (regularizersNode.isPresent() && !regularizersNode.get().isNull()) {
            for (ConfigNode item : regularizersNode.get().sequence("a list of regularizer blocks ({id: ..., ...})")) {
                regularizers.add(block(item, ComponentKind.REGULARIZER, Set.of(), catalog));
            }
        }

        ComponentChoice optimizer = component(root, "optimizer", ComponentKind.OPTIMIZER, DEFAULT_OPTIMIZER,
                Set.of(NO_DECAY), catalog);
        Optional<List<String>> noDecay = Optional.empty();
        Optional<ConfigNode> optimizerNode = root.get("optimizer");
        if (optimizerNode.isPresent() && optimizerNode.get().isMapping()) {
            var noDecayNode = optimizerNode.get().mapping("a mapping").get(NO_DECAY);
            if (noDecayNode.isPresent()) {
                var patterns = new ArrayList<String>();
                for (ConfigNode item : noDecayNode.get().sequence("a list of parameter-name patterns (bias, ln_*, ...)")) {
                    patterns.add(item.asString());
                }
                noDecay = Optional.of(List.copyOf(patterns));
            }
        }
        ComponentChoice schedule = component(root, "schedule", ComponentKind.SCHEDULE, DEFAULT_SCHEDULE, Set.of(), catalog);

        boolean needsData = stages.stream().anyMatch(s -> s.options() instanceof PretrainOptions
                || s.options() instanceof EvaluateOptions || s.options() instanceof TokenizeOptions);
        DataConfig data = null;
        Optional<ConfigNode> dataNode = root.get("data");
        if (dataNode.isPresent()) {
            data = parseData(dataNode.get());
        } else if (needsData) {
            throw root.node().error("missing key 'data': the stages " + stages.stream().map(ComponentChoice::id).toList()
                    + " need a corpus, e.g. data: {corpus: input.txt} or data: {builtin: demo}");
        }

        crossCheck(root, stages, schedule, catalog);
        return new PipelineConfig(file, seed, output, plugins, data, tokenizer, model, attention, positional,
                regularizers, optimizer, noDecay, schedule, stages);
    }

    private List<ComponentChoice> parseStages(ConfigNode node, ComponentCatalog catalog) {
        List<ConfigNode> items = node.sequence("a list of stages, e.g. [pretrain: {steps: 1000}, evaluate, sample]");
        if (items.isEmpty()) {
            throw node.error("the list of stages is empty; name at least one of: " + idList(catalog, ComponentKind.STAGE));
        }
        var stages = new ArrayList<ComponentChoice>();
        for (ConfigNode item : items) {
            ConfigNode optionsNode = null;
            String id;
            if (item.isScalar() && !item.isNull()) {
                id = item.asString();
            } else if (item.isMapping()) {
                ConfigMap map = item.mapping("a stage");
                if (map.keySet().size() != 1) {
                    throw item.error("a stage is one key, its id, with its options as the value (e.g. '- sample: "
                            + "{tokens: 100}'), found keys " + map.keySet());
                }
                id = map.keySet().iterator().next();
                optionsNode = map.get(id).get();
            } else {
                throw item.error("expected a stage (its id, or 'id: {options}'), found " + item.describe());
            }
            String role = item.path() + "." + id;
            ComponentEntry entry = catalog.find(ComponentKind.STAGE, id).orElseThrow(() -> item.error(
                    "unknown stage '" + id + "'. " + catalog.choices(ComponentKind.STAGE)));
            Map<String, StageComponent> componentOptions = componentOptions(entry, item);
            Record options;
            ConfigMap map = null;
            if (optionsNode == null || optionsNode.isNull()) {
                options = entry.defaultOptions();
            } else {
                map = optionsNode.withPath(role).mapping("a mapping of options for stage '" + id + "'");
                options = bindOptions(map, componentOptions.keySet(), entry, "stage '" + id + "'");
            }
            if (!componentOptions.isEmpty()) {
                // Then each option that is a component, as a block of its kind (see STAGE_COMPONENTS).
                ConfigNode at = map == null ? item : map.node();
                var chosen = new LinkedHashMap<String, ComponentChoice>();
                for (var option : componentOptions.entrySet()) {
                    StageComponent slot = option.getValue();
                    Optional<ConfigNode> given = map == null ? Optional.empty() : map.get(option.getKey());
                    chosen.put(option.getKey(), given.isPresent() && !given.get().isNull()
                            ? block(given.get(), slot.kind(), Set.of(), catalog)
                            : defaultComponent(role + "." + option.getKey(), slot.kind(), slot.defaultId(),
                            given.orElse(at), catalog));
                }
                options = OptionsBinder.replace(at, options, chosen, "stage '" + id + "' (from "
                        + entry.descriptor().origin() + ")");
            }
            stages.add(new ComponentChoice(role, entry.descriptor(), options));
        }
        long pretrains = stages.stream().filter(s -> s.options() instanceof PretrainOptions).count();
        if (pretrains > 1) {
            throw node.error("a pipeline may have at most one pretrain stage, found " + pretrains);
        }
        return stages;
    }

    /** The components of a stage's options record that are components themselves (see {@link #STAGE_COMPONENTS}). */
    private static Map<String, StageComponent> componentOptions(ComponentEntry entry, ConfigNode at) {
        var out = new LinkedHashMap<String, StageComponent>();
        RecordComponent[] components = entry.provider().optionsType().getRecordComponents();
        if (components == null) {
            return out; // not a record: the binder says so
        }
        for (RecordComponent component : components) {
            if (component.getType() != ComponentChoice.class) {
                continue;
            }
            StageComponent slot = STAGE_COMPONENTS.get(component.getName());
            if (slot == null) {
                throw at.error("stage '" + entry.descriptor().id() + "' (from " + entry.descriptor().origin()
                        + ") has an option '" + component.getName() + "' that is a component, which this Quire cannot "
                        + "bind; options that are components: " + STAGE_COMPONENTS.keySet());
            }
            out.put(component.getName(), slot);
        }
        return out;
    }

    private DataConfig parseData(ConfigNode node) {
        if (node.isScalar() && !node.isNull()) {
            Path corpus = existingFile(node);
            return construct(node, () -> new DataConfig(corpus, null, 200_000, 0.1));
        }
        ConfigMap map = node.mapping("a mapping like {corpus: input.txt, validationFraction: 0.1} or {builtin: demo}");
        map.checkKeys(DATA_KEYS, "in data");
        Path corpus = map.get("corpus").map(this::existingFile).orElse(null);
        String builtin = map.get("builtin").map(n -> n.asChoice(DataConfig.BUILTINS)).orElse(null);
        if (corpus != null && builtin != null) {
            throw node.error("give either 'corpus' (a text file) or 'builtin' (" + String.join(", ", DataConfig.BUILTINS)
                    + "), not both");
        }
        if (corpus == null && builtin == null) {
            throw node.error("missing key 'corpus' (a UTF-8 text file) or 'builtin' (one of "
                    + String.join(", ", DataConfig.BUILTINS) + ")");
        }
        if (corpus != null && map.get("chars").isPresent()) {
            throw map.keyNode("chars").error("'chars' sets the size of a built-in corpus; it does not apply to a corpus file");
        }
        int chars = map.get("chars").map(ConfigNode::asInt).orElse(200_000);
        double fraction = map.get("validationFraction").map(ConfigNode::asDouble).orElse(0.1);
        return construct(node, () -> new DataConfig(corpus, builtin, chars, fraction));
    }

    private Path existingFile(ConfigNode node) {
        Path path = node.asPath(baseDir);
        if (!Files.exists(path)) {
            throw node.error("file " + path + " does not exist (relative paths are read from " + baseDir + ")");
        }
        if (!Files.isRegularFile(path)) {
            throw node.error(path + " is not a regular file");
        }
        if (!Files.isReadable(path)) {
            throw node.error("file " + path + " is not readable");
        }
        return path;
    }

    private static <T> T construct(ConfigNode at, java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw at.error(e.getMessage(), e);
        }
    }

    /** A component block under {@code key} of {@code map}, or the default id when the key is absent. */
    private ComponentChoice component(ConfigMap map, String key, ComponentKind kind, String defaultId,
                                      Set<String> reserved, ComponentCatalog catalog) {
        Optional<ConfigNode> node = map.get(key);
        if (node.isEmpty() || node.get().isNull()) {
            String role = map.node().path().isEmpty() ? key : map.node().path() + "." + key;
            return defaultComponent(role, kind, defaultId, node.orElse(map.node()), catalog);
        }
        return block(node.get(), kind, reserved, catalog);
    }

    private ComponentChoice defaultComponent(String role, ComponentKind kind, String id, ConfigNode at,
                                             ComponentCatalog catalog) {
        ComponentEntry entry = catalog.find(kind, id).orElseThrow(() -> at.error("no " + kind.configName()
                + " chosen and the default '" + id + "' is not available; set '" + role + "'. "
                + catalog.choices(kind)));
        return new ComponentChoice(role, entry.descriptor(), entry.defaultOptions());
    }

    /** {@code id} or {@code {id: X, ...options}}. */
    private ComponentChoice block(ConfigNode node, ComponentKind kind, Set<String> reserved, ComponentCatalog catalog) {
        String what = "a " + kind.configName() + " block: an id, or {id: ..., options...}";
        if (node.isScalar() && !node.isNull()) {
            ComponentEntry entry = lookup(node, kind, catalog);
            return new ComponentChoice(node.path(), entry.descriptor(), entry.defaultOptions());
        }
        ConfigMap map = node.mapping(what);
        ConfigNode idNode = map.get("id").orElseThrow(() -> node.error("missing key 'id': which " + kind.configName()
                + " to use. " + catalog.choices(kind)));
        ComponentEntry entry = lookup(idNode, kind, catalog);
        var skip = new HashSet<String>(reserved);
        skip.add("id");
        Record options = bindOptions(map, skip, entry, kind.configName() + " '" + entry.descriptor().id() + "'");
        return new ComponentChoice(node.path(), entry.descriptor(), options);
    }

    private ComponentEntry lookup(ConfigNode idNode, ComponentKind kind, ComponentCatalog catalog) {
        String id = idNode.asString();
        return catalog.find(kind, id).orElseThrow(() -> idNode.error("unknown " + kind.configName() + " '" + id + "'. "
                + catalog.choices(kind)));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Record bindOptions(ConfigMap map, Set<String> reserved, ComponentEntry entry, String what) {
        var provider = entry.provider();
        return OptionsBinder.bind(map, reserved, (Class) provider.optionsType(), provider.defaultOptions(),
                what + " (from " + entry.descriptor().origin() + ")", baseDir);
    }

    private void crossCheck(ConfigMap root, List<ComponentChoice> stages, ComponentChoice schedule,
                            ComponentCatalog catalog) {
        for (ComponentChoice stage : stages) {
            if (stage.options() instanceof PretrainOptions pretrain) {
                LearningRateSchedule created;
                try {
                    created = (LearningRateSchedule) catalog.require(ComponentKind.SCHEDULE, schedule.id())
                            .create(schedule.options());
                    created.validate(pretrain.steps());
                } catch (IllegalArgumentException e) {
                    ConfigNode at = root.get("schedule").orElse(root.node());
                    throw at.error("schedule '" + schedule.id() + "' does not fit the pretrain stage's "
                            + pretrain.steps() + " steps: " + e.getMessage(), e);
                }
            }
        }
    }

    private static String idList(ComponentCatalog catalog, ComponentKind kind) {
        return String.join(", ", catalog.ofKind(kind).stream().map(e -> e.descriptor().id()).toList());
    }
}

package dev.quire.runtime.checkpoint;

import com.google.protobuf.ByteString;
import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.Optimizer;
import dev.quire.api.OptimizerState;
import dev.quire.api.Parameter;
import dev.quire.api.PositionalEncoding;
import dev.quire.api.QuireApi;
import dev.quire.api.Tokenizer;
import dev.quire.api.TokenizerFactory;
import dev.quire.model.Gpt;
import dev.quire.model.GptConfig;
import dev.quire.model.TrainerState;
import dev.quire.runtime.config.ComponentChoice;
import dev.quire.runtime.config.ConfigException;
import dev.quire.runtime.config.ConfigNode;
import dev.quire.runtime.config.Json;
import dev.quire.runtime.config.ModelOptions;
import dev.quire.runtime.config.OptionsBinder;
import dev.quire.runtime.config.YamlDocument;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.discovery.ComponentEntry;
import dev.quire.runtime.checkpoint.proto.ComponentRef;
import dev.quire.runtime.checkpoint.proto.Header;
import dev.quire.runtime.checkpoint.proto.ModelConfig;
import dev.quire.runtime.checkpoint.proto.TokenizerState;
import dev.quire.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Saves a model, its tokenizer, the optimizer and the trainer's position as one checkpoint, and
 * rebuilds them from one: the glue between the model module's types and the checkpoint format.
 *
 * <p>Tensor names: {@code model/<parameter name>} for weights (nanoGPT's names), and
 * {@code optimizer/<buffer key>} for optimizer buffers ({@link OptimizerState} keys).
 */
public final class ModelCheckpoints {

    /** Prefix of weight tensors. */
    public static final String MODEL_PREFIX = "model/";
    /** Prefix of optimizer buffers. */
    public static final String OPTIMIZER_PREFIX = "optimizer/";

    private ModelCheckpoints() {
    }

    /**
     * Everything a checkpoint records.
     *
     * @param model        the model
     * @param modelOptions the {@code model:} section it was built from
     * @param tokenizer    its tokenizer
     * @param components   every component of the run (provenance; attention and positional rebuild the model)
     * @param optimizer    the optimizer, or null (then no optimizer state is saved)
     * @param trainer      the trainer's step and random state, or null
     * @param totalSteps   the steps the run is configured for
     * @param bestLoss     best validation loss so far, NaN if none
     * @param bestStep     its step, -1 if none
     * @param metadata     free-form notes
     */
    public record Snapshot(Gpt model, ModelOptions modelOptions, Tokenizer tokenizer, List<ComponentChoice> components,
                           Optimizer optimizer, TrainerState trainer, long totalSteps, double bestLoss, long bestStep,
                           Map<String, String> metadata) {
    }

    /** Writes {@code snapshot} to {@code file} atomically. */
    public static void save(Path file, Snapshot snapshot) {
        GptConfig config = snapshot.model().config();
        var header = Header.newBuilder()
                .setApiVersion(QuireApi.VERSION)
                .setCreatedUnixMillis(System.currentTimeMillis())
                .setModel(ModelConfig.newBuilder()
                        .setVocabSize(config.vocabSize())
                        .setLayers(config.layers())
                        .setHeads(config.heads())
                        .setWidth(config.width())
                        .setContext(config.contextLength())
                        .setBias(config.bias())
                        .setTiedHead(config.tiedHead())
                        .setGelu(config.gelu().name().toLowerCase(Locale.ROOT))
                        .setOptionsJson(Json.write(snapshot.modelOptions())))
                .setTokenizer(TokenizerState.newBuilder()
                        .setFactoryId(snapshot.tokenizer().factoryId())
                        .setState(ByteString.copyFrom(snapshot.tokenizer().serialize()))
                        .setVocabSize(snapshot.tokenizer().vocabSize()))
                .setTotalSteps(snapshot.totalSteps())
                .setBestValidationLoss(snapshot.bestLoss())
                .setBestValidationStep(snapshot.bestStep())
                .putAllMetadata(snapshot.metadata());
        for (ComponentChoice choice : snapshot.components()) {
            header.addComponents(ComponentRef.newBuilder()
                    .setKind(choice.kind().configName())
                    .setId(choice.id())
                    .setVersion(choice.descriptor().version())
                    .setOrigin(choice.descriptor().origin())
                    .setOptionsJson(choice.optionsJson())
                    .setRole(choice.role()));
        }
        if (snapshot.trainer() != null) {
            header.setStep(snapshot.trainer().step());
            header.setRngState(ByteString.copyFrom(longsToBytes(snapshot.trainer().rngState())));
            List<Map<String, Double>> regularizers = snapshot.trainer().regularizers();
            for (int i = 0; i < regularizers.size(); i++) {
                int index = i;
                regularizers.get(i).forEach((name, value) -> header.putRegularizerState(index + "." + name, value));
            }
        }
        var tensors = new ArrayList<StoredTensor>();
        for (Parameter p : snapshot.model().parameters()) {
            tensors.add(new StoredTensor(MODEL_PREFIX + p.name(), p.value().shape(), p.value().data()));
        }
        if (snapshot.optimizer() != null) {
            OptimizerState state = snapshot.optimizer().state();
            header.setOptimizerId(state.optimizerId());
            header.putAllOptimizerScalars(state.scalars());
            state.buffers().forEach((key, values) ->
                    tensors.add(new StoredTensor(OPTIMIZER_PREFIX + key, new int[] {values.length}, values)));
        }
        Checkpoints.write(file, header.build(), tensors);
    }

    /** The trainer state stored in a checkpoint, or empty if it has none. */
    public static Optional<TrainerState> trainerState(Checkpoint checkpoint) {
        return trainerState(Path.of("(unnamed)"), checkpoint);
    }

    /** The trainer state stored in checkpoint {@code file}, or empty if it has none. */
    public static Optional<TrainerState> trainerState(Path file, Checkpoint checkpoint) {
        Header header = checkpoint.header();
        if (header.getRngState().isEmpty()) {
            return Optional.empty();
        }
        if (header.getRngState().size() != 4 * Long.BYTES) {
            throw new CheckpointException("checkpoint " + file + " records a random-generator state of " + header.getRngState().size()
                    + " bytes; the trainer's generator has " + (4 * Long.BYTES));
        }
        long[] rng = bytesToLongs(header.getRngState().toByteArray());
        if ((rng[0] | rng[1] | rng[2] | rng[3]) == 0) {
            throw new CheckpointException("checkpoint " + file + " records an all-zero random-generator state");
        }
        if (header.getStep() < 0 || header.getStep() > header.getTotalSteps()) {
            throw new CheckpointException("checkpoint " + file + " records step " + header.getStep() + " of " + header.getTotalSteps()
                    + " steps");
        }
        return Optional.of(new TrainerState(header.getStep(), rng, regularizerStates(file, header)));
    }

    /** The header's "<index>.<name>" regularizer entries as one map per index, up to the largest. */
    private static List<Map<String, Double>> regularizerStates(Path file, Header header) {
        var byIndex = new java.util.TreeMap<Integer, Map<String, Double>>();
        header.getRegularizerStateMap().forEach((key, value) -> {
            int dot = key.indexOf('.');
            int index;
            try {
                index = dot > 0 ? Integer.parseInt(key.substring(0, dot)) : -1;
            } catch (NumberFormatException e) {
                index = -1;
            }
            if (index < 0 || index >= MAX_REGULARIZERS || dot == key.length() - 1) {
                throw new CheckpointException("checkpoint " + file + " has regularizer state '" + key
                        + "'; expected '<index>.<name>' with an index from 0 to " + (MAX_REGULARIZERS - 1));
            }
            byIndex.computeIfAbsent(index, i -> new java.util.TreeMap<>()).put(key.substring(dot + 1), value);
        });
        var states = new ArrayList<Map<String, Double>>();
        byIndex.forEach((index, state) -> {
            while (states.size() < index) {
                states.add(Map.of());
            }
            states.add(state);
        });
        return states;
    }

    /** More regularizers than any pipeline has: a larger index in a checkpoint is damage. */
    private static final int MAX_REGULARIZERS = 1000;

    /** The optimizer state stored in a checkpoint, or empty if it has none. */
    public static Optional<OptimizerState> optimizerState(Checkpoint checkpoint) {
        Header header = checkpoint.header();
        if (header.getOptimizerId().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new OptimizerState(header.getOptimizerId(), checkpoint.arrays(OPTIMIZER_PREFIX),
                header.getOptimizerScalarsMap()));
    }

    /**
     * Loads the checkpoint's optimizer state, if it has one, into {@code optimizer} (which checks
     * every buffer and scalar before changing anything).
     *
     * @throws CheckpointException if the optimizer refuses the state
     */
    public static void loadOptimizer(Path file, Checkpoint checkpoint, Optimizer optimizer) {
        Optional<OptimizerState> state = optimizerState(checkpoint);
        if (state.isEmpty()) {
            return;
        }
        try {
            optimizer.loadState(state.get());
        } catch (RuntimeException e) {
            throw new CheckpointException("checkpoint " + file + " has optimizer state that optimizer '"
                    + state.get().optimizerId() + "' refuses: " + e.getMessage(), e);
        }
    }

    /** The model options recorded in a checkpoint. */
    public static ModelOptions modelOptions(Path file, Checkpoint checkpoint) {
        ModelConfig model = checkpoint.header().getModel();
        ModelOptions options;
        try {
            options = new ModelOptions(model.getLayers(), model.getHeads(), model.getWidth(), model.getContext(),
                    model.getBias(), model.getTiedHead(), Tensor.Gelu.valueOf(model.getGelu().toUpperCase(Locale.ROOT)), 1e-5f);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + file + " records an invalid model: " + e.getMessage(), e);
        }
        if (!model.getOptionsJson().isEmpty()) {
            ModelOptions fromJson;
            try {
                var root = YamlDocument.parse(file, model.getOptionsJson()).root();
                fromJson = OptionsBinder.bind(root.mapping("the model options"), Set.of(), ModelOptions.class,
                        ModelOptions.DEFAULTS, "the checkpoint's model", file.toAbsolutePath().getParent());
            } catch (ConfigException e) {
                throw new CheckpointException("checkpoint " + file + " records model options this Quire cannot read: "
                        + e.problem(), e);
            } catch (RuntimeException e) {
                throw new CheckpointException("checkpoint " + file + " records model options this Quire cannot read: "
                        + e.getMessage(), e);
            }
            // The fields both record must agree (the JSON may hold options added after the ModelConfig message).
            if (fromJson.layers() != options.layers() || fromJson.heads() != options.heads()
                    || fromJson.width() != options.width() || fromJson.context() != options.context()
                    || fromJson.bias() != options.bias() || fromJson.tiedHead() != options.tiedHead()
                    || fromJson.gelu() != options.gelu()) {
                throw new CheckpointException("checkpoint " + file + " records two different models: " + fromJson
                        + " in its options and " + options + " in its configuration");
            }
            options = fromJson;
        }
        return options;
    }

    /**
     * A model and tokenizer rebuilt from a checkpoint.
     *
     * @param model        the model with the checkpoint's weights
     * @param modelOptions its options
     * @param tokenizer    the tokenizer
     * @param components   the components the checkpoint records, re-bound where found in this run
     */
    public record Restored(Gpt model, ModelOptions modelOptions, Tokenizer tokenizer, List<ComponentChoice> components) {
    }

    /**
     * Rebuilds the tokenizer and the model (attention and positional encoding from the components the
     * checkpoint records, found in {@code catalog}) with the checkpoint's weights.
     *
     * @throws CheckpointException if a component is missing in this run or the weights do not fit
     */
    public static Restored restore(Path file, Checkpoint checkpoint, ComponentCatalog catalog) {
        Header header = checkpoint.header();
        Map<String, ComponentChoice> byRole = new LinkedHashMap<>();
        for (ComponentRef ref : header.getComponentsList()) {
            ComponentKind kind = ComponentKind.byConfigName(ref.getKind()).orElse(null);
            if (kind == null) {
                continue;
            }
            Optional<ComponentEntry> entry = catalog.find(kind, ref.getId());
            if (entry.isEmpty()) {
                continue; // only needed if it is one of the model's parts; checked below
            }
            byRole.put(ref.getRole(), new ComponentChoice(ref.getRole(), entry.get().descriptor(),
                    options(file, ref, entry.get())));
        }
        ModelOptions modelOptions = modelOptions(file, checkpoint);
        int vocab = header.getModel().getVocabSize();
        GptConfig config;
        try {
            config = modelOptions.toGptConfig(vocab);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + file + " records an invalid model: " + e.getMessage(), e);
        }
        checkModelSize(file, checkpoint, config);
        Tokenizer tokenizer = tokenizer(file, header, catalog, byRole.get("tokenizer"));
        if (tokenizer.vocabSize() > vocab) {
            throw new CheckpointException("checkpoint " + file + " has a tokenizer of " + tokenizer.vocabSize()
                    + " tokens for a model of " + vocab);
        }
        ComponentChoice attention = part(file, header, byRole, "model.attention", ComponentKind.ATTENTION, catalog);
        ComponentChoice positional = part(file, header, byRole, "model.positional", ComponentKind.POSITIONAL_ENCODING, catalog);
        Gpt model;
        try {
            model = new Gpt(config,
                    (Attention) catalog.require(ComponentKind.ATTENTION, attention.id()).create(attention.options()),
                    (PositionalEncoding) catalog.require(ComponentKind.POSITIONAL_ENCODING, positional.id())
                            .create(positional.options()),
                    List.of(), 0);
        } catch (RuntimeException e) {
            throw new CheckpointException("checkpoint " + file + " records a model that cannot be built: "
                    + e.getMessage(), e);
        }
        loadWeights(file, checkpoint, model);
        return new Restored(model, modelOptions, tokenizer, List.copyOf(byRole.values()));
    }

    /**
     * Refuses a configuration that claims a bigger model than the checkpoint holds weights for, before
     * the model is built (a hostile header could otherwise make the model's constructor allocate
     * gigabytes): the token embedding ({@code vocab x width}) and the attention projections of every
     * layer ({@code 4 x width^2}) are parameters whatever the components, so together they are a lower
     * bound of the weights the file must contain; the context is bounded likewise.
     */
    static void checkModelSize(Path file, Checkpoint checkpoint, GptConfig config) {
        long stored = 0;
        for (var tensor : checkpoint.header().getTensorsList()) {
            if (tensor.getName().startsWith(MODEL_PREFIX)) {
                stored += tensor.getElementCount();
            }
        }
        long needed;
        long contextTable;
        try {
            needed = Math.addExact(Math.multiplyExact((long) config.vocabSize(), config.width()),
                    Math.multiplyExact(Math.multiplyExact(4L * config.layers(), config.width()), config.width()));
            contextTable = Math.multiplyExact((long) config.contextLength(), config.width());
        } catch (ArithmeticException e) {
            needed = Long.MAX_VALUE;
            contextTable = Long.MAX_VALUE;
        }
        if (needed > stored || contextTable > Math.max(stored, 1L << 22)) {
            throw new CheckpointException("checkpoint " + file + " records a model (vocabulary " + config.vocabSize()
                    + ", " + config.layers() + " layers, width " + config.width() + ", context " + config.contextLength()
                    + ") larger than the " + stored + " weights it holds");
        }
    }

    /**
     * Copies the checkpoint's {@code model/} tensors into {@code model} after checking that their names
     * and shapes are exactly the model's parameters: nothing is copied unless everything matches.
     *
     * @throws CheckpointException naming the first missing, unexpected or mis-shaped tensor
     */
    public static void loadWeights(Path file, Checkpoint checkpoint, Gpt model) {
        var expected = new LinkedHashMap<String, int[]>();
        for (Parameter p : model.parameters()) {
            expected.put(p.name(), p.value().shape());
        }
        for (var entry : expected.entrySet()) {
            StoredTensor tensor = checkpoint.tensors().get(MODEL_PREFIX + entry.getKey());
            if (tensor == null) {
                throw new CheckpointException("checkpoint " + file + " has no tensor " + MODEL_PREFIX + entry.getKey()
                        + " " + java.util.Arrays.toString(entry.getValue()) + " for its model");
            }
            if (!java.util.Arrays.equals(tensor.shape(), entry.getValue())) {
                throw new CheckpointException("checkpoint " + file + " has tensor " + tensor.name() + " of shape "
                        + java.util.Arrays.toString(tensor.shape()) + " but its model needs "
                        + java.util.Arrays.toString(entry.getValue()));
            }
        }
        for (String name : checkpoint.tensors().keySet()) {
            if (name.startsWith(MODEL_PREFIX)) {
                if (!expected.containsKey(name.substring(MODEL_PREFIX.length()))) {
                    throw new CheckpointException("checkpoint " + file + " has tensor " + name
                            + ", which is not a parameter of its model");
                }
            } else if (!name.startsWith(OPTIMIZER_PREFIX)) {
                throw new CheckpointException("checkpoint " + file + " has tensor " + name + ", neither " + MODEL_PREFIX
                        + "* nor " + OPTIMIZER_PREFIX + "*");
            }
        }
        try {
            model.loadStateDict(checkpoint.arrays(MODEL_PREFIX));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + file + " does not fit its own model configuration: "
                    + e.getMessage(), e);
        }
    }

    private static ComponentChoice part(Path file, Header header, Map<String, ComponentChoice> byRole, String role,
                                        ComponentKind kind, ComponentCatalog catalog) {
        ComponentChoice choice = byRole.get(role);
        if (choice != null) {
            return choice;
        }
        for (ComponentRef ref : header.getComponentsList()) {
            if (ref.getRole().equals(role)) {
                throw new CheckpointException("checkpoint " + file + " was made with " + kind.configName() + " '"
                        + ref.getId() + "' (" + ref.getOrigin() + "), which is not available here. "
                        + catalog.choices(kind) + " Pass --plugins DIR if it came from a plugin.");
            }
        }
        throw new CheckpointException("checkpoint " + file + " does not record which " + kind.configName()
                + " its model uses (no component with role " + role + ")");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Record options(Path file, ComponentRef ref, ComponentEntry entry) {
        if (ref.getOptionsJson().isEmpty()) {
            return entry.defaultOptions();
        }
        try {
            ConfigNode root = YamlDocument.parse(file, ref.getOptionsJson()).root();
            return OptionsBinder.bind(root.mapping("options"), Set.of(), (Class) entry.provider().optionsType(),
                    entry.defaultOptions(), ref.getKind() + " '" + ref.getId() + "'", file.toAbsolutePath().getParent());
        } catch (ConfigException e) {
            throw new CheckpointException("checkpoint " + file + " records options for " + ref.getKind() + " '"
                    + ref.getId() + "' that its provider here (" + entry.descriptor().origin() + ", version "
                    + entry.descriptor().version() + ") does not accept: " + e.problem(), e);
        } catch (RuntimeException e) {
            throw new CheckpointException("checkpoint " + file + " records options for " + ref.getKind() + " '"
                    + ref.getId() + "' that cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The tokenizer stored in a checkpoint, loaded by its factory component found in {@code catalog}.
     *
     * @throws CheckpointException if the factory is not available or cannot load the state
     */
    public static Tokenizer tokenizer(Path file, Checkpoint checkpoint, ComponentCatalog catalog) {
        ComponentChoice recorded = null;
        for (ComponentRef ref : checkpoint.header().getComponentsList()) {
            if (ref.getRole().equals("tokenizer")) {
                var entry = catalog.find(ComponentKind.TOKENIZER, ref.getId());
                if (entry.isPresent()) {
                    recorded = new ComponentChoice(ref.getRole(), entry.get().descriptor(), options(file, ref, entry.get()));
                }
            }
        }
        return tokenizer(file, checkpoint.header(), catalog, recorded);
    }

    private static Tokenizer tokenizer(Path file, Header header, ComponentCatalog catalog, ComponentChoice recorded) {
        String factoryId = header.getTokenizer().getFactoryId();
        if (factoryId.isEmpty()) {
            throw new CheckpointException("checkpoint " + file + " has no tokenizer");
        }
        ComponentEntry entry = catalog.find(ComponentKind.TOKENIZER, factoryId).orElseThrow(() -> new CheckpointException(
                "checkpoint " + file + " needs tokenizer '" + factoryId + "', which is not available here. "
                        + catalog.choices(ComponentKind.TOKENIZER)));
        Record options = recorded != null && recorded.id().equals(factoryId) ? recorded.options() : entry.defaultOptions();
        try {
            var factory = (TokenizerFactory) entry.create(options);
            return factory.load(header.getTokenizer().getState().toByteArray());
        } catch (RuntimeException e) {
            throw new CheckpointException("checkpoint " + file + " has a tokenizer state that tokenizer '" + factoryId
                    + "' cannot load: " + e.getMessage(), e);
        }
    }

    static byte[] longsToBytes(long[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buffer.putLong(v);
        }
        return buffer.array();
    }

    static long[] bytesToLongs(byte[] bytes) {
        if (bytes.length % Long.BYTES != 0) {
            throw new CheckpointException("random-generator state of " + bytes.length + " bytes is not whole 64-bit words");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long[] values = new long[bytes.length / Long.BYTES];
        for (int i = 0; i < values.length; i++) {
            values[i] = buffer.getLong();
        }
        return values;
    }
}

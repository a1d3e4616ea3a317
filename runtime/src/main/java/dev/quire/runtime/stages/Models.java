package dev.quire.runtime.stages;

import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import dev.quire.api.PositionalEncoding;
import dev.quire.api.Regularizer;
import dev.quire.model.Gpt;
import dev.quire.runtime.QuireUserException;
import dev.quire.runtime.checkpoint.Checkpoint;
import dev.quire.runtime.checkpoint.Checkpoints;
import dev.quire.runtime.checkpoint.ModelCheckpoints;
import dev.quire.runtime.config.ComponentChoice;
import dev.quire.runtime.config.PipelineConfig;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.discovery.ComponentEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds models and optimizer groups from a pipeline's configuration; loads them from checkpoints. */
public final class Models {

    private Models() {
    }

    /** A fresh model of the pipeline's shape for a vocabulary of {@code vocabSize}, initialized from the run's seed. */
    public static Gpt build(PipelineConfig config, ComponentCatalog catalog, int vocabSize) {
        var regularizers = new ArrayList<Regularizer>();
        for (ComponentChoice choice : config.regularizers()) {
            regularizers.add((Regularizer) create(catalog, choice));
        }
        return new Gpt(config.model().toGptConfig(vocabSize), (Attention) create(catalog, config.attention()),
                (PositionalEncoding) create(catalog, config.positional()), regularizers, config.seed());
    }

    /** Creates a chosen component. */
    public static Object create(ComponentCatalog catalog, ComponentChoice choice) {
        return catalog.require(choice.kind(), choice.id()).create(choice.options());
    }

    /**
     * Parameter groups as in nanoGPT's {@code configure_optimizers}: the optimizer's own weight decay
     * for most tensors, none (override {@code weightDecay = 0}) for those the pipeline's {@code noDecay}
     * rule exempts (by default every tensor of rank below 2: biases and layer-norm scales). Optimizers
     * without a {@code weightDecay} option get a single group.
     */
    public static List<ParameterGroup> groups(Gpt model, PipelineConfig config, ComponentEntry optimizer) {
        boolean hasWeightDecay = Arrays.stream(optimizer.provider().optionsType().getRecordComponents())
                .anyMatch(c -> c.getName().equals("weightDecay"));
        if (!hasWeightDecay) {
            return List.of(ParameterGroup.of("all", model.parameters()));
        }
        var decay = new ArrayList<Parameter>();
        var noDecay = new ArrayList<Parameter>();
        for (Parameter p : model.parameters()) {
            (config.noDecayRule(p.name(), p.value().rank()) ? noDecay : decay).add(p);
        }
        var groups = new ArrayList<ParameterGroup>();
        if (!decay.isEmpty()) {
            groups.add(ParameterGroup.of("decay", decay));
        }
        if (!noDecay.isEmpty()) {
            groups.add(new ParameterGroup("no_decay", noDecay, Map.of("weightDecay", 0.0)));
        }
        return groups;
    }

    /**
     * The model in a checkpoint of the output directory, for stages that run without an earlier
     * {@code pretrain} in the same run.
     *
     * @param which {@code latest} or {@code best}
     * @throws QuireUserException if there is no such checkpoint
     */
    public static ModelBundle fromCheckpoint(Path output, String which, ComponentCatalog catalog) {
        Path file = RunFiles.named(output, which);
        if (!Files.isRegularFile(file)) {
            throw new QuireUserException("no model to use: no earlier stage of this run trained one, and " + file
                    + " does not exist. Add a pretrain stage before this one.");
        }
        Checkpoint checkpoint = Checkpoints.read(file);
        var restored = ModelCheckpoints.restore(file, checkpoint, catalog);
        return new ModelBundle(restored.model(), restored.tokenizer(), restored.modelOptions(), restored.components(),
                checkpoint.header().getStep());
    }
}

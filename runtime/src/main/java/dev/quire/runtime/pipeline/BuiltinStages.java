package dev.quire.runtime.pipeline;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.Stage;
import dev.quire.runtime.config.EvaluateOptions;
import dev.quire.runtime.config.PretrainOptions;
import dev.quire.runtime.config.SampleOptions;
import dev.quire.runtime.config.TokenizeOptions;
import dev.quire.runtime.discovery.ComponentEntry;
import dev.quire.runtime.discovery.Discovery;
import dev.quire.runtime.stages.EvaluateStage;
import dev.quire.runtime.stages.PretrainStage;
import dev.quire.runtime.stages.SampleStage;
import dev.quire.runtime.stages.TokenizeStage;
import java.util.List;

/**
 * The runtime's own stages as components of kind {@link ComponentKind#STAGE}: {@code tokenize},
 * {@code pretrain}, {@code evaluate}, {@code sample}, {@code finetune}, {@code reward}, {@code align}. Listed by {@code quire plugins} like any other
 * component and chosen in the {@code stages:} list of a pipeline file; created through Guice during a run.
 */
public final class BuiltinStages {

    /** The version of the built-in stages. */
    public static final String VERSION = "0.1.0";

    private BuiltinStages() {
    }

    /** The built-in stage components, creating their stages through {@code factory}. */
    public static List<ComponentEntry> entries(StageFactory factory) {
        List<ComponentProvider<Stage, ?>> providers = List.of(
                new Provider<>("tokenize", "trains the tokenizer on the corpus, saves it, and hands it to pretrain",
                        TokenizeOptions.class, TokenizeOptions.DEFAULTS, TokenizeStage.class, factory),
                new Provider<>("pretrain", "trains the model (and, without a tokenize stage, the tokenizer) on the corpus, with validation and checkpoints",
                        PretrainOptions.class, PretrainOptions.DEFAULTS, PretrainStage.class, factory),
                new Provider<>("finetune", "fine-tunes the model on prompt/completion JSON lines (loss on completions only), with freezing and LoRA", dev.quire.runtime.config.FinetuneOptions.class, dev.quire.runtime.config.FinetuneOptions.DEFAULTS, dev.quire.runtime.stages.FinetuneStage.class, factory),
                new Provider<>("reward", "trains a reward model (scalar head at the last token) on rankings with the Bradley-Terry loss over all pairs", dev.quire.runtime.config.RewardOptions.class, dev.quire.runtime.config.RewardOptions.DEFAULTS, dev.quire.runtime.stages.RewardStage.class, factory),
                new Provider<>("align", "aligns the policy with a method component (dpo, ppo, grpo) against a frozen reference", dev.quire.runtime.config.AlignOptions.class, dev.quire.runtime.config.AlignOptions.DEFAULTS, dev.quire.runtime.stages.AlignStage.class, factory),
                new Provider<>("evaluate", "validation loss and bits per character over the whole validation split",
                        EvaluateOptions.class, EvaluateOptions.DEFAULTS, EvaluateStage.class, factory),
                new Provider<>("sample", "generates text from a prompt (temperature, top-k, top-p, key/value cache)",
                        SampleOptions.class, SampleOptions.DEFAULTS, SampleStage.class, factory));
        String origin = "module " + moduleName();
        return providers.stream().map(p -> Discovery.entry(p, origin, BuiltinStages.class.getClassLoader())).toList();
    }

    private static String moduleName() {
        Module module = BuiltinStages.class.getModule();
        return module.isNamed() ? module.getName() : "dev.quire.runtime";
    }

    private record Provider<O extends Record>(String id, String description, Class<O> optionsType, O defaultOptions,
                                              Class<? extends Stage> stageClass, StageFactory factory)
            implements ComponentProvider<Stage, O> {

        @Override
        public ComponentKind kind() {
            return ComponentKind.STAGE;
        }

        @Override
        public String version() {
            return VERSION;
        }

        @Override
        public Stage create(O options) {
            return factory.create(stageClass, optionsType, options);
        }
    }
}

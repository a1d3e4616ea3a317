package dev.quire.api;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of component a pipeline is assembled from. Each kind fixes the Java type its providers
 * create and the key under which a pipeline file chooses one.
 */
public enum ComponentKind {
    /** Splits text into token ids and back; creates a {@link TokenizerFactory}. */
    TOKENIZER("tokenizer", TokenizerFactory.class),
    /** Scaled dot-product attention; creates an {@link Attention}. */
    ATTENTION("attention", Attention.class),
    /** Position information added to token embeddings; creates a {@link PositionalEncoding}. */
    POSITIONAL_ENCODING("positional", PositionalEncoding.class),
    /** Updates parameters from their gradients; creates an {@link OptimizerFactory}. */
    OPTIMIZER("optimizer", OptimizerFactory.class),
    /** The learning rate as a function of the step; creates a {@link LearningRateSchedule}. */
    SCHEDULE("schedule", LearningRateSchedule.class),
    /** Dropout, weight decay, clipping, early stopping and the like; creates a {@link Regularizer}. */
    REGULARIZER("regularizer", Regularizer.class),
    /** Preference optimization (DPO, PPO, GRPO); creates an {@link AlignmentMethod}. */
    ALIGNMENT("alignment", AlignmentMethod.class),
    /** One step of a pipeline run (pretrain, evaluate, sample, ...); creates a {@link Stage}. */
    STAGE("stage", Stage.class);

    private final String configName;
    private final Class<?> componentType;

    ComponentKind(String configName, Class<?> componentType) {
        this.configName = configName;
        this.componentType = componentType;
    }

    /** The lower-case name of this kind as written in pipeline files and listings, e.g. {@code "attention"}. */
    public String configName() {
        return configName;
    }

    /** The interface every component of this kind implements. */
    public Class<?> componentType() {
        return componentType;
    }

    /** The kind whose {@link #configName()} is {@code name}, if any. */
    public static Optional<ComponentKind> byConfigName(String name) {
        return Arrays.stream(values()).filter(k -> k.configName.equals(name)).findFirst();
    }
}

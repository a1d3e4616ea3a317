package dev.quire.runtime.pipeline;

import com.google.inject.Injector;
import dev.quire.api.Stage;
import jakarta.inject.Inject;

/**
 * Creates the runtime's built-in stages with Guice: each stage class has an {@code @Inject}
 * constructor taking its options record (bound in a child injector for that one stage) and whatever
 * else of the run it needs (configuration, components, console).
 */
public final class StageFactory {

    private volatile Injector injector;

    /** A factory not yet attached to a run (it cannot create stages until {@link RunModule} injects it). */
    public StageFactory() {
    }

    @Inject
    void attach(Injector injector) {
        this.injector = injector;
    }

    /**
     * Creates a stage.
     *
     * @throws IllegalStateException outside a run (e.g. while only listing components)
     */
    <O> Stage create(Class<? extends Stage> stageClass, Class<O> optionsType, O options) {
        Injector run = injector;
        if (run == null) {
            throw new IllegalStateException("stage " + stageClass.getSimpleName() + " can only be created during a run");
        }
        // The stage's options exist only for this stage: bound in a child injector with the stage itself.
        return run.createChildInjector(binder -> {
            binder.bind(optionsType).toInstance(options);
            binder.bind(stageClass);
        }).getInstance(stageClass);
    }
}

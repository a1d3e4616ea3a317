package dev.quire.runtime.pipeline;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import dev.quire.api.ComponentRegistry;
import dev.quire.api.MetricsSink;
import dev.quire.api.StageContext;
import dev.quire.runtime.config.PipelineConfig;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.discovery.ComponentEntry;
import dev.quire.runtime.discovery.ComponentKey;

/**
 * The Guice bindings of one run: the parsed configuration and command-line settings, the console
 * and metrics sink, every component found as a {@code MapBinder} from (kind, id) to its entry,
 * the {@link ComponentRegistry} over that map, and the {@link StageContext}.
 */
final class RunModule extends AbstractModule {

    private final PipelineConfig config;
    private final RunSettings settings;
    private final Console console;
    private final MetricsSink metrics;
    private final ComponentCatalog catalog;
    private final StageFactory stages;

    RunModule(PipelineConfig config, RunSettings settings, Console console, MetricsSink metrics,
              ComponentCatalog catalog, StageFactory stages) {
        this.config = config;
        this.settings = settings;
        this.console = console;
        this.metrics = metrics;
        this.catalog = catalog;
        this.stages = stages;
    }

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        bind(PipelineConfig.class).toInstance(config);
        bind(RunSettings.class).toInstance(settings);
        bind(Console.class).toInstance(console);
        bind(MetricsSink.class).toInstance(metrics);
        bind(ComponentCatalog.class).toInstance(catalog);
        var components = MapBinder.newMapBinder(binder(), ComponentKey.class, ComponentEntry.class);
        for (ComponentEntry entry : catalog.entries().values()) {
            components.addBinding(entry.key()).toInstance(entry);
        }
        bind(ComponentRegistry.class).to(GuiceComponentRegistry.class).in(Singleton.class);
        bind(GuiceComponentRegistry.class);
        bind(RunContext.class).in(Singleton.class);
        bind(StageContext.class).to(RunContext.class);
        requestInjection(stages);
    }

    /** The progress sink of the current stage (a progress bar labelled with its id). */
    @com.google.inject.Provides
    dev.quire.api.ProgressListener progress(RunContext context) {
        return context.progress();
    }
}

package dev.quire.runtime.pipeline;

import dev.quire.api.ComponentRegistry;
import dev.quire.api.MetricsSink;
import dev.quire.api.ProgressListener;
import dev.quire.api.StageContext;
import dev.quire.runtime.config.PipelineConfig;
import dev.quire.runtime.console.Console;
import dev.quire.runtime.console.ProgressBar;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link StageContext} of one run: the output directory, the metrics file (each record tagged
 * with the stage that wrote it), a progress bar per stage, and the blackboard stages share.
 */
public final class RunContext implements StageContext {

    private final PipelineConfig config;
    private final Console console;
    private final MetricsSink metrics;
    private final ComponentRegistry components;
    private final Map<Class<?>, Object> blackboard = new HashMap<>();
    private String stage = "";
    private ProgressBar bar;

    @Inject
    RunContext(PipelineConfig config, Console console, MetricsSink metrics, ComponentRegistry components) {
        this.config = config;
        this.console = console;
        this.metrics = metrics;
        this.components = components;
    }

    /** Marks the start of a stage: metrics are tagged with its id and it gets a fresh progress bar. */
    void beginStage(String id) {
        endStage();
        stage = id;
    }

    /** Ends the current stage's progress bar. */
    void endStage() {
        if (bar != null) {
            bar.finish();
            bar = null;
        }
    }

    @Override
    public Path outputDirectory() {
        return config.output();
    }

    @Override
    public long seed() {
        return config.seed();
    }

    @Override
    public MetricsSink metrics() {
        return record -> {
            var tagged = new LinkedHashMap<String, Object>();
            tagged.put("stage", stage);
            tagged.putAll(record);
            metrics.record(tagged);
        };
    }

    @Override
    public ProgressListener progress() {
        return (done, total, message) -> {
            if (bar == null) {
                bar = console.progress(stage);
            }
            bar.update(done, total, message);
            if (total >= 0 && done >= total) {
                bar = null;
            }
        };
    }

    @Override
    public void say(String line) {
        console.say(line);
    }

    @Override
    public ComponentRegistry components() {
        return components;
    }

    @Override
    public <T> Optional<T> get(Class<T> type) {
        return Optional.ofNullable(type.cast(blackboard.get(type)));
    }

    @Override
    public <T> void put(Class<T> type, T value) {
        blackboard.put(type, type.cast(value));
    }
}

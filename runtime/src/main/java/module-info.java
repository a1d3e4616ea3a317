/**
 * The Quire runtime: everything that turns components into a run. It reads pipeline files strictly
 * (snakeyaml-engine nodes, so that every error names its file, line, key and the choices that exist),
 * finds components through {@link java.util.ServiceLoader} in the module layer and in PF4J plugin
 * jars, wires each run with one Guice injector, runs the stages ({@code tokenize}, {@code pretrain}, {@code evaluate},
 * {@code sample}, {@code finetune}, {@code reward}, {@code align}, and any a plugin adds), writes metrics as JSON lines and checkpoints as Protocol
 * Buffers, and offers all of it as the {@code quire} command line
 * ({@code dev.quire.runtime.cli.Main}).
 *
 * <p>Built-in components come from the modules on the module path that provide
 * {@code dev.quire.api.ComponentProvider} (resolved by service binding, so the runtime need not
 * require them); plugins are jars in a plugins directory, each in its own class loader.
 */
module dev.quire.runtime {
    requires transitive dev.quire.api;
    requires transitive dev.quire.model;
    requires transitive dev.quire.rlhf;
    requires dev.quire.json; // metrics lines and records (config.Json adds records and enums)
    requires com.google.guice;
    requires jakarta.inject;
    requires org.pf4j;
    requires transitive com.google.protobuf; // checkpoint headers are protobuf messages
    requires info.picocli;
    requires org.snakeyaml.engine;
    requires java.desktop; // the loss chart: Java2D and javax.imageio, headless

    exports dev.quire.runtime;
    exports dev.quire.runtime.ablation;
    exports dev.quire.runtime.bench;
    exports dev.quire.runtime.checkpoint;
    exports dev.quire.runtime.checkpoint.proto;
    exports dev.quire.runtime.config;
    exports dev.quire.runtime.console;
    exports dev.quire.runtime.demo;
    exports dev.quire.runtime.discovery;
    exports dev.quire.runtime.pipeline;
    exports dev.quire.runtime.stages;

    // Guice creates the run's objects and stages reflectively; picocli fills command fields.
    opens dev.quire.runtime.pipeline to com.google.guice;
    opens dev.quire.runtime.stages to com.google.guice;
    opens dev.quire.runtime.cli to info.picocli;

    uses dev.quire.api.ComponentProvider;
}

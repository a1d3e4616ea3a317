/**
 * Quire's benchmarks against other libraries: this module's one job is to measure Quire's components
 * side by side with the libraries they are compared with, in the same JVM on the same input, and print
 * the figures and ratios that {@code docs/benchmarks.md} reports.
 *
 * <p>{@link dev.quire.benchmarks.TokenizerVersusJtokkit} encodes with Quire's byte-level BPE
 * ({@code r50k_base}, {@code cl100k_base}, {@code o200k_base}) and with jtokkit 1.1.0, one thread, and
 * prints MB/s of both and the ratio; it also times BPE training for the Hugging Face anchor scripts.
 * The compared libraries are dependencies of this module only, never of the runtime; nothing depends
 * on this module.
 *
 * <p>{@link dev.quire.benchmarks.kernels} holds the JMH benchmarks of the numeric kernels (matrix
 * products, layer norm, GELU, softmax + cross-entropy, AdamW); they run on the class path through
 * {@link dev.quire.benchmarks.kernels.KernelBenchmarks}, never as part of a build.
 */
module dev.quire.benchmarks {
    requires dev.quire.tokenizer.bpe;
    requires dev.quire.tokenizer.wordpiece;
    requires jtokkit; // automatic module: jtokkit 1.1.0 has no module-info and no Automatic-Module-Name
    requires dev.quire.tensor;
    requires dev.quire.optim.adam;
    requires jmh.core; // automatic module (jmh-core 1.37 names none; the name comes from the jar)

    exports dev.quire.benchmarks;
    exports dev.quire.benchmarks.kernels;
}

package dev.quire.runtime.config;

/**
 * Options of the {@code evaluate} stage: the validation loss and bits per character of the current
 * model over the validation split, read in consecutive windows of the model's context length.
 *
 * @param batchSize  windows per forward pass
 * @param maxBatches stop after this many batches; 0 reads the whole validation split
 * @param checkpoint which checkpoint of the output directory to evaluate when no earlier stage of
 *                   this run left a model: {@code latest} or {@code best}
 */
public record EvaluateOptions(int batchSize, int maxBatches, String checkpoint) {

    /** 16 windows per batch, the whole split, the latest checkpoint. */
    public static final EvaluateOptions DEFAULTS = new EvaluateOptions(16, 0, "latest");

    public EvaluateOptions {
        OptionChecks.atLeastOne("batchSize", batchSize);
        if (maxBatches < 0) {
            throw new IllegalArgumentException("maxBatches must be >= 0 (0 = the whole split), got " + maxBatches);
        }
        if (!"latest".equals(checkpoint) && !"best".equals(checkpoint)) {
            throw new IllegalArgumentException("checkpoint must be 'latest' or 'best', got '" + checkpoint + "'");
        }
    }
}

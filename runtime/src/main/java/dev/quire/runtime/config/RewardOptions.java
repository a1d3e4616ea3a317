package dev.quire.runtime.config;

import java.nio.file.Path;

/**
 * Options of the {@code reward} stage: a reward model (the transformer with a scalar head read at the last
 * token) trained on rankings with the pairwise Bradley–Terry loss over all C(K, 2) pairs of each ranking
 * (see {@code docs/pipeline.md} and, for the file formats, {@code docs/alignment-data.md}).
 *
 * @param data               a JSON-lines file of rankings and/or pairs (required)
 * @param checkpoint         the transformer to start from: empty for a copy of the model an earlier stage of this
 *                           run left (else the output directory's {@code checkpoint-latest.pb}); {@code latest}
 *                           or {@code best} for the output directory's checkpoints; anything else is a checkpoint
 *                           file, relative to the pipeline file's directory
 * @param validationFraction share of the rankings held out for accuracy and margin, in [0, 1); 0 = none
 * @param steps              optimizer steps
 * @param batchSize          rankings per step (all K completions of a ranking go into one forward pass)
 * @param learningRate       the base learning rate (the schedule scales it; the optimizer's other options are
 *                           the pipeline's {@code optimizer})
 * @param schedule           id of the learning-rate schedule: the pipeline's {@code schedule} options if it has
 *                           this id, else the schedule's defaults
 * @param evalInterval       measure the held-out rankings every this many steps (and at the end)
 */
public record RewardOptions(Path data, String checkpoint, double validationFraction, int steps, int batchSize,
                            double learningRate, String schedule, int evalInterval) {

    /** 200 steps of 8 rankings at 1e-4, constant rate, a tenth held out. */
    public static final RewardOptions DEFAULTS = new RewardOptions(null, "", 0.1, 200, 8, 1e-4, "constant", 50);

    public RewardOptions {
        if (checkpoint == null) {
            checkpoint = "";
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in [0, 1) (0 = hold nothing out), got "
                    + validationFraction);
        }
        OptionChecks.atLeastOne("steps", steps);
        OptionChecks.atLeastOne("batchSize", batchSize);
        OptionChecks.positive("learningRate", learningRate);
        OptionChecks.scheduleNamed(schedule);
        OptionChecks.atLeastOne("evalInterval", evalInterval);
    }
}

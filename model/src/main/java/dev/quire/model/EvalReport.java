package dev.quire.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An estimate of the loss on both splits, each the mean over {@link TrainingConfig#evalIterations()}
 * batches, with dropout off and without gradients.
 *
 * @param step           steps done when it was taken
 * @param trainLoss      mean cross-entropy on the training split, in nats per token
 * @param validationLoss mean cross-entropy on the validation split, in nats per token
 */
public record EvalReport(long step, double trainLoss, double validationLoss) {

    /** The validation loss in bits per token: bits per character for the character tokenizer. */
    public double validationBitsPerCharacter() {
        return validationLoss / Math.log(2);
    }

    /** The metrics record: {@code step, train_loss, val_loss, val_bpc}. */
    public Map<String, Object> toMetrics() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("step", step);
        record.put("train_loss", trainLoss);
        record.put("val_loss", validationLoss);
        record.put("val_bpc", validationBitsPerCharacter());
        return record;
    }
}

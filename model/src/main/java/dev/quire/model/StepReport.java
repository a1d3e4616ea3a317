package dev.quire.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training step did.
 *
 * @param step            steps done, this one included (1 after the first step)
 * @param loss            training loss of this step's batch (without regularizer penalties)
 * @param learningRate    the rate this step used
 * @param gradNorm        global L2 norm of all gradients before clipping
 * @param tokensPerSecond tokens of this step's batch over its wall time
 * @param elapsedMillis   wall time since {@link Trainer#run()} started
 */
public record StepReport(long step, double loss, double learningRate, double gradNorm, double tokensPerSecond,
                         long elapsedMillis) {

    /** The metrics record: {@code step, loss, lr, grad_norm, tokens_per_sec, elapsed_ms}. */
    public Map<String, Object> toMetrics() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("step", step);
        record.put("loss", loss);
        record.put("lr", learningRate);
        record.put("grad_norm", gradNorm);
        record.put("tokens_per_sec", tokensPerSecond);
        record.put("elapsed_ms", elapsedMillis);
        return record;
    }
}

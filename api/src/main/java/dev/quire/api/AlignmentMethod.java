package dev.quire.api;

import java.util.Map;

/**
 * A preference-optimization method (DPO, PPO, GRPO): the component of kind
 * {@link ComponentKind#ALIGNMENT}. Each call performs the method's full update for one batch
 * (for PPO, sampling and several epochs) and reports its metrics.
 */
@Experimental
public interface AlignmentMethod {

    /**
     * @return metrics of this update by name (for DPO {@code rewards/chosen}, {@code rewards/margins}, ...)
     */
    Map<String, Double> update(AlignmentContext context, AlignmentBatch batch);
}

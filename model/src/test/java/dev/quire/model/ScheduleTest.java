package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quire.api.ComponentKind;
import dev.quire.api.LearningRateSchedule;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    /** nanoGPT's get_lr, transcribed: the reference the schedule is held against. */
    private static double nanoGptLr(long it, double learningRate, long warmup, long decay, double minLr) {
        if (it < warmup) {
            return learningRate * (it + 1) / (warmup + 1);
        }
        if (it > decay) {
            return minLr;
        }
        double ratio = (double) (it - warmup) / (decay - warmup);
        return minLr + 0.5 * (1.0 + Math.cos(Math.PI * ratio)) * (learningRate - minLr);
    }

    @Test
    void cosineIsNanoGptsGetLr() {
        LearningRateSchedule cosine = Fixtures.create(ComponentKind.SCHEDULE, "cosine", LearningRateSchedule.class,
                Map.of("warmupSteps", 100L, "decaySteps", 2000L, "minLearningRate", 1e-4));
        for (long step : new long[] {0, 1, 50, 99, 100, 101, 500, 1000, 1999, 2000, 2001, 5000}) {
            assertThat(cosine.learningRate(step, 2000, 1e-3)).as("step %d", step)
                    .isCloseTo(nanoGptLr(step, 1e-3, 100, 2000, 1e-4), within(1e-15));
        }
        assertThat(cosine.learningRate(0, 2000, 1e-3)).isCloseTo(1e-3 / 101, within(1e-18));
        assertThat(cosine.learningRate(100, 2000, 1e-3)).isCloseTo(1e-3, within(1e-18));
        assertThat(cosine.learningRate(2000, 2000, 1e-3)).isCloseTo(1e-4, within(1e-18));
    }

    @Test
    void decayStepsZeroMeansTheWholeRun() {
        var schedule = new CosineSchedule(new CosineScheduleOptions(10, 0, 0.0));
        assertThat(schedule.learningRate(500, 500, 1.0)).isCloseTo(0.0, within(1e-15));
        assertThat(schedule.learningRate(255, 500, 1.0)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void constantIsTheBaseRate() {
        LearningRateSchedule constant = Fixtures.create(ComponentKind.SCHEDULE, "constant", LearningRateSchedule.class);
        assertThat(constant.learningRate(0, 10, 3e-4)).isEqualTo(3e-4);
        assertThat(constant.learningRate(9, 10, 3e-4)).isEqualTo(3e-4);
    }

    @Test
    void badOptionsAndRunsTooShortForTheWarmUpAreRejected() {
        assertThatThrownBy(() -> new CosineScheduleOptions(-1, 0, 0)).hasMessageContaining("warmupSteps");
        assertThatThrownBy(() -> new CosineScheduleOptions(100, 50, 0)).hasMessageContaining("decaySteps");
        assertThatThrownBy(() -> new CosineScheduleOptions(0, 0, -1)).hasMessageContaining("minLearningRate");
        assertThatThrownBy(() -> new CosineSchedule(new CosineScheduleOptions(100, 0, 0)).validate(50))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("warmupSteps (100)")
                .hasMessageContaining("50 steps");
    }
}

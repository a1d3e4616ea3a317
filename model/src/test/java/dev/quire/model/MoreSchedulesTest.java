package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quire.api.ComponentKind;
import dev.quire.api.LearningRateSchedule;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code linear} and {@code step} schedules, found through their providers as the runtime finds them. */
class MoreSchedulesTest {

    /** The recipe of {@code reference/README.md}: warm-up 100, lr 1e-3, floor 1e-4, decay over 2000 steps. */
    @Test
    void linearWarmsUpAsNanoGptThenFallsInAStraightLine() {
        LearningRateSchedule linear = Fixtures.create(ComponentKind.SCHEDULE, "linear", LearningRateSchedule.class,
                Map.of("warmupSteps", 100L, "decaySteps", 2000L, "minLearningRate", 1e-4));
        assertThat(linear.learningRate(0, 2000, 1e-3)).isCloseTo(1e-3 * 1 / 101, within(1e-18));
        assertThat(linear.learningRate(50, 2000, 1e-3)).isCloseTo(1e-3 * 51 / 101, within(1e-18));
        assertThat(linear.learningRate(100, 2000, 1e-3)).isCloseTo(1e-3, within(1e-18));
        assertThat(linear.learningRate(1050, 2000, 1e-3)).isCloseTo(5.5e-4, within(1e-15));
        assertThat(linear.learningRate(1000, 2000, 1e-3)).isCloseTo(1e-3 - 900.0 / 1900 * 9e-4, within(1e-15));
        assertThat(linear.learningRate(2000, 2000, 1e-3)).isEqualTo(1e-4);
        assertThat(linear.learningRate(3000, 2000, 1e-3)).isEqualTo(1e-4);
        // decaySteps 0: the run's length.
        var wholeRun = new LinearSchedule(new LinearScheduleOptions(0, 0, 0));
        assertThat(wholeRun.learningRate(250, 500, 1.0)).isCloseTo(0.5, within(1e-15));
    }

    @Test
    void stepDecaysByGammaEveryStepSizeSteps() {
        LearningRateSchedule step = Fixtures.create(ComponentKind.SCHEDULE, "step", LearningRateSchedule.class,
                Map.of("stepSize", 500L, "gamma", 0.5, "warmupSteps", 10L));
        assertThat(step.learningRate(0, 2000, 1e-3)).isCloseTo(1e-3 / 11, within(1e-18));
        assertThat(step.learningRate(10, 2000, 1e-3)).isEqualTo(1e-3);
        assertThat(step.learningRate(499, 2000, 1e-3)).isEqualTo(1e-3);
        assertThat(step.learningRate(500, 2000, 1e-3)).isCloseTo(5e-4, within(1e-18));
        assertThat(step.learningRate(1999, 2000, 1e-3)).isCloseTo(1.25e-4, within(1e-18));
    }

    @Test
    void badOptionsAndWarmUpsLongerThanTheRunAreRejected() {
        assertThatThrownBy(() -> new LinearScheduleOptions(-1, 0, 0)).hasMessageContaining("warmupSteps");
        assertThatThrownBy(() -> new LinearScheduleOptions(10, 5, 0)).hasMessageContaining("decaySteps");
        assertThatThrownBy(() -> new LinearScheduleOptions(0, 0, -1)).hasMessageContaining("minLearningRate");
        assertThatThrownBy(() -> new StepScheduleOptions(0, 0.5, 0)).hasMessageContaining("stepSize")
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new StepScheduleOptions(1, 1.5, 0)).hasMessageContaining("gamma")
                .hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> new LinearSchedule(new LinearScheduleOptions(100, 0, 0)).validate(50))
                .hasMessageContaining("warmupSteps (100)").hasMessageContaining("50 steps");
        assertThatThrownBy(() -> new StepSchedule(new StepScheduleOptions(10, 0.5, 100)).validate(50))
                .hasMessageContaining("warmupSteps (100)").hasMessageContaining("50 steps");
        new LinearSchedule(new LinearScheduleOptions(50, 0, 0)).validate(50);
    }
}

package dev.quire.optim.adam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.quire.api.Optimizer;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import dev.quire.api.testing.OptimizerFixture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every Adam and AdamW case of the PyTorch reference, every step, within 1e-5 absolute + 1e-5 relative. */
class AdamReferenceTest {

    private static OptimizerFixture fixture;

    @BeforeAll
    static void loadFixture() {
        fixture = OptimizerFixture.load();
    }

    static Stream<String> adamCases() {
        var f = OptimizerFixture.load();
        return Stream.concat(f.cases("Adam").stream(), f.cases("AdamW").stream());
    }

    @Test
    void fixtureHasTheFiveAdamCases() {
        assertEquals(List.of("adam", "adam_amsgrad", "adam_l2"), fixture.cases("Adam"));
        assertEquals(List.of("adamw", "adamw_amsgrad"), fixture.cases("AdamW"));
    }

    @ParameterizedTest
    @MethodSource("adamCases")
    void matchesPyTorchAtEveryStep(String caseName) {
        List<Parameter> params = fixture.freshParameters();
        Optimizer adam = optimizerOf(fixture.hyperParameters(caseName), OptimizerFixture.oneGroup(params));
        fixture.assertMatchesEveryStep(caseName, adam, params);
    }

    /** The case's numbers given as group overrides over other top-level values: the same result. */
    @ParameterizedTest
    @MethodSource("adamCases")
    void groupOverridesGiveTheSameNumbers(String caseName) {
        Map<String, Object> hp = fixture.hyperParameters(caseName);
        @SuppressWarnings("unchecked")
        var betas = (List<Double>) hp.get("betas");
        Map<String, Double> overrides = Map.of("lr", (Double) hp.get("lr"), "beta1", betas.get(0), "beta2", betas.get(1),
                "eps", (Double) hp.get("eps"), "weightDecay", (Double) hp.getOrDefault("weight_decay", 0.0));
        List<Parameter> params = fixture.freshParameters();
        var groups = List.of(new ParameterGroup("weights", List.of(params.get(0)), overrides),
                new ParameterGroup("biases", List.of(params.get(1)), overrides));
        // Top-level numbers that differ from every case; only the flags come from the case.
        var top = new HashMap<>(hp);
        top.put("lr", 0.5);
        top.put("betas", List.of(0.5, 0.5));
        top.put("eps", 0.1);
        top.put("weight_decay", 0.3);
        fixture.assertMatchesEveryStep(caseName, optimizerOf(top, groups), params);
    }

    /** Maps PyTorch's keyword arguments to options; an argument this test does not know fails it. */
    static Optimizer optimizerOf(Map<String, Object> hp, List<ParameterGroup> groups) {
        var known = new ArrayList<>(List.of("optimizer", "lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"));
        for (String key : hp.keySet()) {
            if (!known.contains(key)) {
                fail("fixture case uses Adam argument '" + key + "' that this test does not map");
            }
        }
        boolean adamW = "AdamW".equals(hp.get("optimizer"));
        AdamWOptions d = AdamWOptions.DEFAULTS;
        double lr = number(hp, "lr", d.lr());
        @SuppressWarnings("unchecked")
        var betas = (List<Double>) hp.getOrDefault("betas", List.of(d.beta1(), d.beta2()));
        double eps = number(hp, "eps", d.eps());
        double weightDecay = number(hp, "weight_decay", adamW ? d.weightDecay() : 0.0);
        boolean amsgrad = (Boolean) hp.getOrDefault("amsgrad", false);
        boolean maximize = (Boolean) hp.getOrDefault("maximize", false);
        return adamW
                ? new Adam(groups, new AdamWOptions(lr, betas.get(0), betas.get(1), eps, weightDecay, amsgrad, maximize))
                : new Adam(groups, new AdamOptions(lr, betas.get(0), betas.get(1), eps, weightDecay, amsgrad, maximize));
    }

    private static double number(Map<String, Object> hp, String key, double fallback) {
        Object v = hp.get(key);
        return v == null ? fallback : (Double) v;
    }
}

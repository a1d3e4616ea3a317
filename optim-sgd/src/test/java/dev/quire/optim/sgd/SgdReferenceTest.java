package dev.quire.optim.sgd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import dev.quire.api.testing.OptimizerFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every SGD case of the PyTorch reference, every step, within 1e-5 absolute + 1e-5 relative. */
class SgdReferenceTest {

    private static OptimizerFixture fixture;

    @BeforeAll
    static void loadFixture() {
        fixture = OptimizerFixture.load();
    }

    static List<String> sgdCases() {
        return OptimizerFixture.load().cases("SGD");
    }

    @Test
    void fixtureHasTheFourSgdCases() {
        assertEquals(List.of("sgd", "sgd_momentum", "sgd_momentum_dampening", "sgd_nesterov_wd"), fixture.cases("SGD"));
    }

    @ParameterizedTest
    @MethodSource("sgdCases")
    void matchesPyTorchAtEveryStep(String caseName) {
        SgdOptions options = optionsOf(fixture.hyperParameters(caseName));
        List<Parameter> params = fixture.freshParameters();
        fixture.assertMatchesEveryStep(caseName, new Sgd(OptimizerFixture.oneGroup(params), options), params);
    }

    /** The same case with defaults at the top and the case's values as group overrides: same numbers. */
    @ParameterizedTest
    @MethodSource("sgdCases")
    void groupOverridesGiveTheSameNumbers(String caseName) {
        SgdOptions options = optionsOf(fixture.hyperParameters(caseName));
        // Flags cannot be overridden per group, so they stay at the top; the numbers come from the group.
        var top = new SgdOptions(0.5, options.nesterov() ? 0.3 : 0.0, 0.0, options.nesterov(), 0.0, false);
        Map<String, Double> overrides = Map.of("lr", options.lr(), "momentum", options.momentum(),
                "dampening", options.dampening(), "weightDecay", options.weightDecay());
        List<Parameter> params = fixture.freshParameters();
        // Two groups, one parameter each, to also exercise more than one group.
        var sgd = new Sgd(List.of(new ParameterGroup("weights", List.of(params.get(0)), overrides),
                new ParameterGroup("biases", List.of(params.get(1)), overrides)), top);
        fixture.assertMatchesEveryStep(caseName, sgd, params);
    }

    /** Maps PyTorch's keyword arguments to SgdOptions; an argument this test does not know fails it. */
    static SgdOptions optionsOf(Map<String, Object> hp) {
        var known = new ArrayList<>(List.of("optimizer", "lr", "momentum", "dampening", "nesterov", "weight_decay", "maximize"));
        for (String key : hp.keySet()) {
            if (!known.contains(key)) {
                fail("fixture case uses SGD argument '" + key + "' that this test does not map");
            }
        }
        SgdOptions d = SgdOptions.DEFAULTS;
        return new SgdOptions(
                number(hp, "lr", d.lr()),
                number(hp, "momentum", d.momentum()),
                number(hp, "dampening", d.dampening()),
                (Boolean) hp.getOrDefault("nesterov", d.nesterov()),
                number(hp, "weight_decay", d.weightDecay()),
                (Boolean) hp.getOrDefault("maximize", d.maximize()));
    }

    private static double number(Map<String, Object> hp, String key, double fallback) {
        Object v = hp.get(key);
        return v == null ? fallback : (Double) v;
    }
}

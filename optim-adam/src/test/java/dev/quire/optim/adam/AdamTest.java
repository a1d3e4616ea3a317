package dev.quire.optim.adam;

import static dev.quire.api.testing.TestParameters.group;
import static dev.quire.api.testing.TestParameters.param;
import static dev.quire.api.testing.TestParameters.setGrad;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.OptimizerState;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import dev.quire.api.testing.OptimizerFixture;
import dev.quire.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AdamTest {

    // ---- the update on small hand-checked numbers ---------------------------------------------

    /** After bias correction the first Adam step is lr * g / (|g| + eps): about lr against the gradient's sign. */
    @Test
    void firstStepMovesByAboutLr() {
        Parameter p = param("p", 1f, 1f);
        var adam = new Adam(group(p), new AdamOptions(0.1, 0.9, 0.999, 1e-8, 0, false, false));
        setGrad(p, 2f, -0.5f);
        adam.step();
        assertEquals(0.9f, p.value().data()[0], 1e-6f);
        assertEquals(1.1f, p.value().data()[1], 1e-6f);
        assertEquals(1.0, adam.state().scalars().get("p.step"));
    }

    /** With a zero gradient, AdamW only shrinks the parameter by 1 - lr * wd; Adam's L2 term moves it like a gradient. */
    @Test
    void adamWDecaysTheParameterWhileAdamAddsTheDecayToTheGradient() {
        Parameter w = param("w", 2f);
        var adamW = new Adam(group(w), new AdamWOptions(0.1, 0.9, 0.999, 1e-8, 0.5, false, false));
        setGrad(w, 0f);
        adamW.step();
        assertEquals(1.9f, w.value().data()[0], 1e-7f);

        Parameter a = param("a", 2f);
        var adam = new Adam(group(a), new AdamOptions(0.1, 0.9, 0.999, 1e-8, 0.5, false, false));
        setGrad(a, 0f);
        adam.step();  // the gradient becomes 0.5 * 2 = 1, so the first step is about -lr
        assertEquals(1.9f, a.value().data()[0], 1e-6f);
        assertEquals("adamw", adamW.id());
        assertEquals("adam", adam.id());
    }

    @Test
    void maximizeAscends() {
        Parameter p = param("p", 1f);
        var adam = new Adam(group(p), new AdamOptions(0.1, 0.9, 0.999, 1e-8, 0, false, true));
        setGrad(p, 2f);
        adam.step();
        assertEquals(1.1f, p.value().data()[0], 1e-6f);
    }

    @Test
    void parametersWithoutGradientAreSkippedAndTheirStepCountStays() {
        Parameter p = param("p", 1f);
        Parameter frozen = param("frozen", 3f);
        var adam = new Adam(group(p, frozen), AdamWOptions.DEFAULTS);
        setGrad(p, 1f);
        adam.step();
        adam.step();
        assertArrayEquals(new float[] {3f}, frozen.value().data());
        OptimizerState state = adam.state();
        assertEquals(2.0, state.scalars().get("p.step"));
        assertNull(state.scalars().get("frozen.step"));
        assertNull(state.buffers().get("frozen.exp_avg"));
    }

    @Test
    void amsgradKeepsTheMaximumSecondMoment() {
        Parameter p = param("p", 0f);
        var adam = new Adam(group(p), new AdamOptions(0.1, 0.9, 0.5, 1e-8, 0, true, false));
        setGrad(p, 2f);
        adam.step();                       // v = 0.5 * 4 = 2
        setGrad(p, 0f);
        adam.step();                       // v = 1, max stays 2
        OptimizerState s = adam.state();
        assertArrayEquals(new float[] {1f}, s.buffers().get("p.exp_avg_sq"));
        assertArrayEquals(new float[] {2f}, s.buffers().get("p.max_exp_avg_sq"));
    }

    // ---- learning rate and groups ---------------------------------------------------------------

    @Test
    void groupLearningRateFollowsTheBaseRateProportionally() {
        Parameter a = param("a", 0f);
        Parameter b = param("b", 0f);
        var adam = new Adam(List.of(ParameterGroup.of("base", List.of(a)), new ParameterGroup("own", List.of(b), Map.of("lr", 0.01))),
                new AdamOptions(0.1, 0.9, 0.999, 1e-8, 0, false, false));
        adam.setLearningRate(0.05);  // halve the base before the first step: both groups halve
        setGrad(a, 1f);
        setGrad(b, 1f);
        adam.step();
        assertEquals(-0.05f, a.value().data()[0], 1e-7f);
        assertEquals(-0.005f, b.value().data()[0], 1e-8f);
    }

    @Test
    void unknownOverrideIsRefusedNamingKeyAndChoices() {
        var g = new ParameterGroup("head", List.of(param("p", 0f)), Map.of("momentum", 0.9));
        var e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(g), AdamWOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("'momentum'") && e.getMessage().contains("'head'")
                && e.getMessage().contains("lr, beta1, beta2, eps, weightDecay"), e.getMessage());
    }

    @Test
    void flagOverrideIsRefused() {
        var g = new ParameterGroup("head", List.of(param("p", 0f)), Map.of("amsgrad", 1.0));
        var e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(g), AdamOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("'amsgrad'") && e.getMessage().contains("whole optimizer"), e.getMessage());
    }

    @Test
    void invalidOverrideValueIsRefusedNamingTheGroup() {
        var g = new ParameterGroup("head", List.of(param("p", 0f)), Map.of("beta2", 1.0));
        var e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(g), AdamOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("'head'") && e.getMessage().contains("'beta2'") && e.getMessage().contains("[0, 1)"),
                e.getMessage());
    }

    @Test
    void theSameTensorUnderTwoNamesIsRefused() {
        Tensor t = Tensor.parameter(new float[1], 1);
        var e = assertThrows(IllegalArgumentException.class, () -> new Adam(
                List.of(ParameterGroup.of("g", List.of(new Parameter("a", t), new Parameter("b", t)))), AdamOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("'b'"), e.getMessage());
    }

    // ---- options validation ---------------------------------------------------------------------

    @Test
    void optionsAreCheckedAsPyTorchDoes() {
        assertMessage(() -> new AdamOptions(-1e-3, 0.9, 0.999, 1e-8, 0, false, false), "adam option 'lr'", ">= 0");
        assertMessage(() -> new AdamOptions(1e-3, 1.0, 0.999, 1e-8, 0, false, false), "'beta1'", "[0, 1)");
        assertMessage(() -> new AdamOptions(1e-3, 0.9, -0.1, 1e-8, 0, false, false), "'beta2'", "[0, 1)");
        assertMessage(() -> new AdamOptions(1e-3, 0.9, 0.999, 0, 0, false, false), "'eps'", "> 0");
        assertMessage(() -> new AdamWOptions(1e-3, 0.9, 0.999, 1e-8, -0.01, false, false), "adamw option 'weightDecay'", ">= 0");
        assertMessage(() -> new AdamWOptions(1e-3, Double.NaN, 0.999, 1e-8, 0, false, false), "'beta1'");
    }

    private static void assertMessage(Runnable r, String... parts) {
        var e = assertThrows(IllegalArgumentException.class, r::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), e.getMessage() + " should contain " + part);
        }
    }

    // ---- state ----------------------------------------------------------------------------------

    /** Save after 7 steps, load into a fresh optimizer over fresh tensors, continue: bit-identical to 20 steps. */
    @Test
    void saveAndLoadContinuesBitForBitForAdamWWithAmsgrad() {
        saveAndLoadContinuesBitForBit(groups -> new Adam(groups, new AdamWOptions(0.01, 0.9, 0.95, 1e-6, 0.05, true, false)));
    }

    @Test
    void saveAndLoadContinuesBitForBitForAdam() {
        saveAndLoadContinuesBitForBit(groups -> new Adam(groups, new AdamOptions(0.01, 0.9, 0.999, 1e-8, 0.1, false, false)));
    }

    private static void saveAndLoadContinuesBitForBit(Function<List<ParameterGroup>, Adam> make) {
        var run = OptimizerFixture.load().saveAndResume(make, 7, 0.004);
        assertEquals(0.004, run.learningRateAfterLoad());
        List<Parameter> straight = run.uninterrupted();
        List<Parameter> resumed = run.resumed();
        for (int i = 0; i < straight.size(); i++) {
            assertArrayEquals(straight.get(i).value().data(), resumed.get(i).value().data(), "parameter " + straight.get(i).name());
        }
        assertEquals(20.0, run.resumedOptimizer().state().scalars().get("w.step"));
    }

    private static Adam steppedOnce(AdamOptions options) {
        Parameter p = param("p", 1f, 2f);
        var adam = new Adam(group(p), options);
        setGrad(p, 1f, 1f);
        adam.step();
        return adam;
    }

    @Test
    void stateOfAnotherOptimizerIsRefused() {
        OptimizerState adamState = steppedOnce(AdamOptions.DEFAULTS).state();
        var adamW = new Adam(group(param("p", 1f, 2f)), AdamWOptions.DEFAULTS);
        var e = assertThrows(IllegalArgumentException.class, () -> adamW.loadState(adamState));
        assertTrue(e.getMessage().contains("'adam'") && e.getMessage().contains("'adamw'"), e.getMessage());
    }

    @Test
    void bufferOfTheWrongSizeIsRefusedNamingItAndNothingChanges() {
        OptimizerState saved = steppedOnce(AdamOptions.DEFAULTS).state();
        var buffers = new HashMap<>(saved.buffers());
        buffers.put("p.exp_avg_sq", new float[5]);
        Parameter p = param("p", 1f, 2f);
        var fresh = new Adam(group(p), AdamOptions.DEFAULTS);
        fresh.setLearningRate(0.5);
        var e = assertThrows(IllegalArgumentException.class,
                () -> fresh.loadState(new OptimizerState("adam", buffers, saved.scalars())));
        assertTrue(e.getMessage().contains("'p.exp_avg_sq'") && e.getMessage().contains("5") && e.getMessage().contains("2"),
                e.getMessage());
        assertEquals(0.5, fresh.learningRate());
        assertNull(fresh.state().scalars().get("p.step"));
    }

    @Test
    void missingAmsgradBufferIsRefused() {
        OptimizerState saved = steppedOnce(AdamOptions.DEFAULTS).state();
        var amsgrad = new Adam(group(param("p", 1f, 2f)), new AdamOptions(1e-3, 0.9, 0.999, 1e-8, 0, true, false));
        var e = assertThrows(IllegalArgumentException.class, () -> amsgrad.loadState(saved));
        assertTrue(e.getMessage().contains("'p.max_exp_avg_sq'") && e.getMessage().contains("amsgrad"), e.getMessage());
    }

    @Test
    void stateOfAnotherParameterIsRefused() {
        OptimizerState saved = steppedOnce(AdamOptions.DEFAULTS).state();
        var other = new Adam(group(param("q", 1f, 2f)), AdamOptions.DEFAULTS);
        var e = assertThrows(IllegalArgumentException.class, () -> other.loadState(saved));
        assertTrue(e.getMessage().contains("'p."), e.getMessage());
    }

    // ---- providers ------------------------------------------------------------------------------

    @Test
    void providersDescribeThemselvesAndCreateFactories() {
        check(new AdamProvider(), "adam", AdamOptions.class, AdamOptions.DEFAULTS);
        check(new AdamWProvider(), "adamw", AdamWOptions.class, AdamWOptions.DEFAULTS);
        assertEquals(0.01, AdamWOptions.DEFAULTS.weightDecay());
        assertEquals(0.0, AdamOptions.DEFAULTS.weightDecay());
    }

    private static <O extends Record> void check(ComponentProvider<OptimizerFactory, O> provider, String id, Class<O> type, O defaults) {
        assertEquals(ComponentKind.OPTIMIZER, provider.kind());
        assertEquals(id, provider.id());
        assertEquals("0.1.0", provider.version());
        assertEquals(type, provider.optionsType());
        assertEquals(defaults, provider.defaultOptions());
        assertFalse(provider.description().isBlank());
        assertInstanceOf(ComponentKind.OPTIMIZER.componentType(), provider.createUnchecked(defaults));
        var optimizer = (Adam) provider.create(defaults).create(group(param("p", 0f)));
        assertEquals(id, optimizer.id());
        assertEquals(id, optimizer.state().optimizerId());
    }

    @Test
    void moduleDeclaresTheProviders() {
        var module = AdamProvider.class.getModule();
        if (module.isNamed()) {
            var provides = module.getDescriptor().provides().stream()
                    .filter(p -> p.service().equals(ComponentProvider.class.getName()))
                    .findFirst().orElseThrow();
            assertEquals(List.of(AdamProvider.class.getName(), AdamWProvider.class.getName()), provides.providers());
        }
    }
}

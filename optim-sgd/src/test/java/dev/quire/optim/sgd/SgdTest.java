package dev.quire.optim.sgd;

import static dev.quire.api.testing.TestParameters.param;
import static dev.quire.api.testing.TestParameters.setGrad;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.OptimizerState;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import dev.quire.api.testing.OptimizerFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SgdTest {

    // ---- the update on small hand-checked numbers ---------------------------------------------

    @Test
    void plainStepIsParamMinusLrTimesGrad() {
        Parameter p = param("p", 1f, -2f);
        var sgd = new Sgd(List.of(ParameterGroup.of("g", List.of(p))), new SgdOptions(0.5, 0, 0, false, 0, false));
        setGrad(p, 2f, 4f);
        sgd.step();
        assertArrayEquals(new float[] {0f, -4f}, p.value().data());
    }

    @Test
    void maximizeAscends() {
        Parameter p = param("p", 1f);
        var sgd = new Sgd(List.of(ParameterGroup.of("g", List.of(p))), new SgdOptions(0.5, 0, 0, false, 0, true));
        setGrad(p, 2f);
        sgd.step();
        assertArrayEquals(new float[] {2f}, p.value().data());
    }

    @Test
    void firstMomentumStepCopiesTheGradientWithoutDampening() {
        Parameter p = param("p", 0f);
        var sgd = new Sgd(List.of(ParameterGroup.of("g", List.of(p))), new SgdOptions(1, 0.5, 0.5, false, 0, false));
        setGrad(p, 4f);
        sgd.step();   // buf = 4 (no dampening), p = -4
        assertArrayEquals(new float[] {-4f}, p.value().data());
        sgd.step();   // buf = 0.5*4 + 0.5*4 = 4, p = -8
        assertArrayEquals(new float[] {-8f}, p.value().data());
        assertArrayEquals(new float[] {4f}, sgd.state().buffers().get("p.momentum_buffer"));
    }

    @Test
    void parametersWithoutGradientAreSkippedAndGetNoBuffer() {
        Parameter p = param("p", 1f);
        Parameter frozen = param("frozen", 3f);
        var sgd = new Sgd(List.of(ParameterGroup.of("g", List.of(p, frozen))), new SgdOptions(0.1, 0.9, 0, false, 0.1, false));
        setGrad(p, 1f);
        sgd.step();
        assertArrayEquals(new float[] {3f}, frozen.value().data());
        assertEquals(List.of("p.momentum_buffer"), List.copyOf(sgd.state().buffers().keySet()));
    }

    // ---- learning rate and groups ---------------------------------------------------------------

    @Test
    void groupLearningRateFollowsTheBaseRateProportionally() {
        Parameter a = param("a", 0f);
        Parameter b = param("b", 0f);
        var sgd = new Sgd(List.of(ParameterGroup.of("base", List.of(a)), new ParameterGroup("own", List.of(b), Map.of("lr", 0.2))),
                new SgdOptions(1.0, 0, 0, false, 0, false));
        setGrad(a, 1f);
        setGrad(b, 1f);
        sgd.step();                      // a uses 1.0, b its own 0.2
        assertArrayEquals(new float[] {-1f}, a.value().data());
        assertArrayEquals(new float[] {-0.2f}, b.value().data());
        sgd.setLearningRate(0.5);        // a schedule halves the base: both halve
        assertEquals(0.5, sgd.learningRate());
        sgd.step();
        assertArrayEquals(new float[] {-1.5f}, a.value().data());
        assertArrayEquals(new float[] {-0.3f}, b.value().data());
    }

    @Test
    void unknownOverrideIsRefusedNamingKeyAndChoices() {
        var group = new ParameterGroup("head", List.of(param("p", 0f)), Map.of("beta1", 0.9));
        var e = assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(group), SgdOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("'beta1'"), e.getMessage());
        assertTrue(e.getMessage().contains("'head'"), e.getMessage());
        assertTrue(e.getMessage().contains("lr, momentum, dampening, weightDecay"), e.getMessage());
    }

    @Test
    void flagOverrideIsRefused() {
        var group = new ParameterGroup("head", List.of(param("p", 0f)), Map.of("nesterov", 1.0));
        var e = assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(group), SgdOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("'nesterov'") && e.getMessage().contains("whole optimizer"), e.getMessage());
    }

    @Test
    void invalidOverrideValueIsRefusedNamingTheGroup() {
        var group = new ParameterGroup("head", List.of(param("p", 0f)), Map.of("lr", -1.0));
        var e = assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(group), SgdOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("'head'") && e.getMessage().contains("'lr'"), e.getMessage());
    }

    @Test
    void aParameterInTwoGroupsIsRefused() {
        Parameter p = param("p", 0f);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Sgd(List.of(ParameterGroup.of("a", List.of(p)), ParameterGroup.of("b", List.of(p))), SgdOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("'p'") && e.getMessage().contains("'a'") && e.getMessage().contains("'b'"), e.getMessage());
    }

    // ---- options validation ---------------------------------------------------------------------

    @Test
    void optionsAreCheckedAsPyTorchDoes() {
        assertMessage(() -> new SgdOptions(-0.1, 0, 0, false, 0, false), "'lr'", ">= 0");
        assertMessage(() -> new SgdOptions(0.1, -0.9, 0, false, 0, false), "'momentum'", ">= 0");
        assertMessage(() -> new SgdOptions(0.1, 0, 0, false, -1, false), "'weightDecay'", ">= 0");
        assertMessage(() -> new SgdOptions(Double.NaN, 0, 0, false, 0, false), "'lr'");
        assertMessage(() -> new SgdOptions(0.1, 0, 0, true, 0, false), "'nesterov'", "momentum > 0");
        assertMessage(() -> new SgdOptions(0.1, 0.9, 0.1, true, 0, false), "'nesterov'", "dampening = 0");
    }

    private static void assertMessage(Runnable r, String... parts) {
        var e = assertThrows(IllegalArgumentException.class, r::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), e.getMessage() + " should contain " + part);
        }
    }

    // ---- state ----------------------------------------------------------------------------------

    /** Save after 7 steps, load into a fresh optimizer, continue: bit-identical to 20 uninterrupted steps. */
    @Test
    void saveAndLoadContinuesBitForBit() {
        var options = new SgdOptions(0.1, 0.9, 0, true, 0.01, false);
        var run = OptimizerFixture.load().saveAndResume(groups -> new Sgd(groups, options), 7, 0.05);
        assertEquals(0.05, run.learningRateAfterLoad());
        List<Parameter> straight = run.uninterrupted();
        List<Parameter> resumed = run.resumed();
        for (int i = 0; i < straight.size(); i++) {
            assertArrayEquals(straight.get(i).value().data(), resumed.get(i).value().data(), "parameter " + straight.get(i).name());
        }
    }

    @Test
    void stateIsADeepCopy() {
        Parameter p = param("p", 0f);
        var sgd = new Sgd(List.of(ParameterGroup.of("g", List.of(p))), new SgdOptions(1, 0.9, 0, false, 0, false));
        setGrad(p, 1f);
        sgd.step();
        OptimizerState saved = sgd.state();
        sgd.step();
        assertArrayEquals(new float[] {1f}, saved.buffers().get("p.momentum_buffer"));
    }

    @Test
    void stateOfAnotherOptimizerIsRefused() {
        var sgd = new Sgd(List.of(ParameterGroup.of("g", List.of(param("p", 0f)))), SgdOptions.DEFAULTS);
        var e = assertThrows(IllegalArgumentException.class,
                () -> sgd.loadState(new OptimizerState("adam", Map.of(), Map.of("lr", 0.1))));
        assertTrue(e.getMessage().contains("'adam'") && e.getMessage().contains("'sgd'"), e.getMessage());
    }

    @Test
    void bufferOfTheWrongSizeIsRefusedAndNothingChanges() {
        Parameter p = param("p", 0f, 0f);
        var sgd = new Sgd(List.of(ParameterGroup.of("g", List.of(p))), new SgdOptions(1, 0.9, 0, false, 0, false));
        var e = assertThrows(IllegalArgumentException.class, () -> sgd.loadState(
                new OptimizerState("sgd", Map.of("p.momentum_buffer", new float[3]), Map.of("lr", 0.5))));
        assertTrue(e.getMessage().contains("'p.momentum_buffer'") && e.getMessage().contains("3") && e.getMessage().contains("2"),
                e.getMessage());
        assertEquals(1.0, sgd.learningRate());
    }

    @Test
    void bufferOfAnUnknownParameterIsRefused() {
        var sgd = new Sgd(List.of(ParameterGroup.of("g", List.of(param("p", 0f)))), SgdOptions.DEFAULTS);
        var e = assertThrows(IllegalArgumentException.class, () -> sgd.loadState(
                new OptimizerState("sgd", Map.of("q.momentum_buffer", new float[1]), Map.of())));
        assertTrue(e.getMessage().contains("'q'"), e.getMessage());
    }

    // ---- provider -------------------------------------------------------------------------------

    @Test
    void providerDescribesItselfAndCreatesAFactory() {
        ComponentProvider<OptimizerFactory, SgdOptions> provider = new SgdProvider();
        assertEquals(ComponentKind.OPTIMIZER, provider.kind());
        assertEquals("sgd", provider.id());
        assertEquals("0.1.0", provider.version());
        assertEquals(SgdOptions.class, provider.optionsType());
        assertEquals(SgdOptions.DEFAULTS, provider.defaultOptions());
        assertFalse(provider.description().isBlank());
        Object factory = provider.createUnchecked(SgdOptions.DEFAULTS);
        assertInstanceOf(ComponentKind.OPTIMIZER.componentType(), factory);
        var optimizer = provider.create(SgdOptions.DEFAULTS).create(List.of(ParameterGroup.of("g", List.of(param("p", 0f)))));
        assertInstanceOf(Sgd.class, optimizer);
        assertEquals(1e-3, optimizer.learningRate());
    }

    @Test
    void moduleDeclaresTheProvider() {
        var module = SgdProvider.class.getModule();
        if (module.isNamed()) {
            assertTrue(module.getDescriptor().provides().stream().anyMatch(
                    p -> p.service().equals(ComponentProvider.class.getName()) && p.providers().contains(SgdProvider.class.getName())));
        }
    }
}

package dev.quire.api;

import static dev.quire.api.testing.TestParameters.group;
import static dev.quire.api.testing.TestParameters.param;
import static dev.quire.api.testing.TestParameters.setGrad;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The rules every optimizer built on {@link AbstractOptimizer} shares, checked once here on a toy
 * optimizer: {@code p -= lr * scale * g}, keeping per parameter the buffer {@code sum} (of gradients)
 * and the scalar {@code count} (of steps).
 */
class AbstractOptimizerTest {

    /** The toy's options: two numbers a group may override, one flag it may not. */
    record ToyOptions(double lr, double scale, boolean negate) {
        ToyOptions {
            if (!(scale > 0)) {
                throw new IllegalArgumentException("toy option 'scale' must be > 0, got " + scale);
            }
        }
    }

    /** Options without a learning rate, which the base class refuses. */
    record NoRate(double scale) {
    }

    static final class Toy extends AbstractOptimizer<ToyOptions> {
        /** Every call of update, as "name@lr". */
        final List<String> calls = new ArrayList<>();

        Toy(List<ParameterGroup> groups, ToyOptions options) {
            super("toy", groups, options, Function.identity(), List.of("sum"), List.of("count"));
        }

        @Override
        protected void update(Parameter p, float[] grad, ToyOptions o, double lr) {
            calls.add(p.name() + "@" + lr);
            float[] param = p.value().data();
            ParameterState state = stateOf(p);
            float[] sum = state.buffer("sum");
            state.setScalar("count", state.scalar("count") + 1);
            for (int i = 0; i < param.length; i++) {
                float g = o.negate() ? -grad[i] : grad[i];
                param[i] -= (float) (lr * o.scale()) * g;
                sum[i] += g;
            }
        }

        @Override
        protected void checkScalar(String parameterName, String scalarName, double value) {
            if (value < 1) {
                throw new IllegalArgumentException("toy count " + value + " for '" + parameterName + "'");
            }
        }

        @Override
        protected String stateHint(String key) {
            return key.endsWith(".extra") ? " (hint)" : "";
        }
    }

    private static final ToyOptions DEFAULTS = new ToyOptions(1.0, 1.0, false);

    private static IllegalArgumentException refused(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run);
    }

    // ---- groups and overrides ------------------------------------------------------------------

    @Test
    void unknownOverrideIsRefusedNamingGroupKeyAndTheDoubleOptions() {
        var g = new ParameterGroup("head", List.of(param("p", 0f)), Map.of("momentum", 0.9, "beta1", 0.9));
        var e = refused(() -> new Toy(List.of(g), DEFAULTS));
        // Keys are checked in sorted order: beta1 before momentum.
        assertEquals("parameter group 'head' overrides unknown toy option 'beta1'; a group may override: lr, scale", e.getMessage());
    }

    @Test
    void aFlagCannotBeOverridden() {
        var g = new ParameterGroup("head", List.of(param("p", 0f)), Map.of("negate", 1.0));
        var e = refused(() -> new Toy(List.of(g), DEFAULTS));
        assertEquals("parameter group 'head' cannot override toy option 'negate': it holds for the whole optimizer;"
                + " a group may override: lr, scale", e.getMessage());
    }

    @Test
    void anInvalidOverrideIsRefusedByTheRecordAndNamesTheGroup() {
        var g = new ParameterGroup("head", List.of(param("p", 0f)), Map.of("scale", -1.0));
        var e = refused(() -> new Toy(List.of(g), DEFAULTS));
        assertEquals("parameter group 'head': toy option 'scale' must be > 0, got -1.0", e.getMessage());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
    }

    /** A toy over a group "base" holding {@code a} and a group "own" holding {@code b} with {@code overrides}; both gradients 1. */
    private static Toy twoGroups(Parameter a, Parameter b, Map<String, Double> overrides, ToyOptions options) {
        var toy = new Toy(List.of(ParameterGroup.of("base", List.of(a)), new ParameterGroup("own", List.of(b), overrides)), options);
        setGrad(a, 1f);
        setGrad(b, 1f);
        return toy;
    }

    @Test
    void overridesReachTheUpdateAndOtherOptionsStayTheDefaults() {
        Parameter a = param("a", 0f);
        Parameter b = param("b", 0f);
        var toy = twoGroups(a, b, Map.of("scale", 3.0), new ToyOptions(1.0, 1.0, true));
        toy.step();
        assertArrayEquals(new float[] {1f}, a.value().data());   // negate holds for both groups
        assertArrayEquals(new float[] {3f}, b.value().data());
    }

    @Test
    void aNameInTwoGroupsIsRefused() {
        var e = refused(() -> new Toy(List.of(group(param("p", 0f)).get(0),
                ParameterGroup.of("other", List.of(param("p", 0f)))), DEFAULTS));
        assertEquals("parameter 'p' appears twice (in group 'g' and in group 'other')", e.getMessage());
    }

    @Test
    void aTensorUnderTwoNamesIsRefused() {
        Tensor t = Tensor.parameter(new float[1], 1);
        var e = refused(() -> new Toy(List.of(ParameterGroup.of("g", List.of(new Parameter("a", t), new Parameter("b", t)))), DEFAULTS));
        assertEquals("parameters 'a' and 'b' are the same tensor; each tensor may be optimized once", e.getMessage());
    }

    @Test
    void optionsWithoutALearningRateAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new AbstractOptimizer<NoRate>("x", List.of(), new NoRate(1),
                Function.identity(), List.of(), List.of()) {
            @Override
            protected void update(Parameter p, float[] grad, NoRate settings, double lr) {
            }
        });
        assertTrue(e.getMessage().contains("'lr'"), e.getMessage());
    }

    @Test
    void groupsAreKeptAsGivenAndCannotChange() {
        var groups = new ArrayList<>(group(param("p", 0f)));
        var toy = new Toy(groups, DEFAULTS);
        groups.clear();
        assertEquals(1, toy.groups().size());
        assertThrows(UnsupportedOperationException.class, () -> toy.groups().clear());
        assertEquals("toy", toy.id());
    }

    // ---- learning rate ---------------------------------------------------------------------------

    @Test
    void aGroupsOwnRateIsUsedAsWrittenThenMovesWithTheBaseRate() {
        var toy = twoGroups(param("a", 0f), param("b", 0f), Map.of("lr", 0.2), new ToyOptions(0.5, 1.0, false));
        assertEquals(0.5, toy.learningRate());
        toy.step();
        toy.setLearningRate(0.25);  // half the configured rate: the group's own rate halves too
        toy.step();
        toy.setLearningRate(0.5);   // back at the configured rate: the group's rate as written
        toy.step();
        assertEquals(List.of("a@0.5", "b@0.2", "a@0.25", "b@0.1", "a@0.5", "b@0.2"), toy.calls);
    }

    @Test
    void withAConfiguredRateOfZeroAGroupsOwnRateIsUsedAsWritten() {
        Parameter b = param("b", 0f);
        var toy = new Toy(List.of(new ParameterGroup("own", List.of(b), Map.of("lr", 0.2))), new ToyOptions(0, 1.0, false));
        setGrad(b, 1f);
        toy.setLearningRate(0.7);
        toy.step();
        assertEquals(List.of("b@0.2"), toy.calls);
    }

    @Test
    void anInvalidLearningRateIsRefusedAndTheRateStays() {
        var toy = new Toy(group(param("p", 0f)), DEFAULTS);
        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            var e = refused(() -> toy.setLearningRate(bad));
            assertEquals("learning rate must be a finite number >= 0, got " + bad, e.getMessage());
        }
        assertEquals(1.0, toy.learningRate());
    }

    // ---- step ------------------------------------------------------------------------------------

    @Test
    void parametersWithoutAGradientAreSkippedAndGetNoState() {
        Parameter p = param("p", 1f);
        Parameter frozen = param("frozen", 3f);
        var toy = new Toy(group(frozen, p), DEFAULTS);
        setGrad(p, 1f);
        toy.step();
        assertEquals(List.of("p@1.0"), toy.calls);
        assertArrayEquals(new float[] {3f}, frozen.value().data());
        assertTrue(toy.hasState(p));
        assertFalse(toy.hasState(frozen));
        assertEquals(List.of("p.sum"), List.copyOf(toy.state().buffers().keySet()));
    }

    @Test
    void zeroGradClearsEveryGradient() {
        Parameter p = param("p", 1f);
        var toy = new Toy(group(p), DEFAULTS);
        setGrad(p, 2f);
        toy.zeroGrad();
        toy.step();
        assertArrayEquals(new float[] {1f}, p.value().data());
    }

    @Test
    void aStateKnowsOnlyTheNamesItWasGiven() {
        Parameter p = param("p", 1f);
        var toy = new Toy(group(p), DEFAULTS);
        var e = refused(() -> toy.stateOf(p).buffer("momentum"));
        assertEquals("no buffer 'momentum'; the optimizer keeps: sum", e.getMessage());
        refused(() -> toy.stateOf(p).scalar("step"));
        refused(() -> toy.stateOf(p).setScalar("step", 1));
    }

    // ---- state -----------------------------------------------------------------------------------

    /** A toy that has taken one step over {@code params}, each with the gradient 1, 2, ... */
    private static Toy stepped(Parameter... params) {
        var toy = new Toy(group(params), DEFAULTS);
        for (Parameter p : params) {
            float[] grad = p.value().gradForAccumulation();
            for (int i = 0; i < grad.length; i++) {
                grad[i] = i + 1;
            }
        }
        toy.step();
        return toy;
    }

    @Test
    void stateListsBuffersThenScalarsPerParameterInParameterOrderThenTheRate() {
        var toy = stepped(param("b", 0f, 0f), param("a", 0f));
        toy.setLearningRate(0.5);
        OptimizerState s = toy.state();
        assertEquals("toy", s.optimizerId());
        assertEquals(List.of("b.sum", "a.sum"), List.copyOf(s.buffers().keySet()));
        assertEquals(List.of("b.count", "a.count", "lr"), List.copyOf(s.scalars().keySet()));
        assertArrayEquals(new float[] {1f, 2f}, s.buffers().get("b.sum"));
        assertEquals(1.0, s.scalars().get("a.count"));
        assertEquals(0.5, s.scalars().get("lr"));
    }

    @Test
    void stateIsADeepCopyAndLoadCopiesToo() {
        Parameter p = param("p", 0f);
        var toy = stepped(p);
        OptimizerState saved = toy.state();
        toy.step();
        assertArrayEquals(new float[] {1f}, saved.buffers().get("p.sum"));

        var fresh = new Toy(group(param("p", 0f)), DEFAULTS);
        fresh.loadState(saved);
        assertEquals(saved.buffers().keySet(), fresh.state().buffers().keySet());
        assertEquals(saved.scalars(), fresh.state().scalars());
        assertArrayEquals(new float[] {1f}, fresh.state().buffers().get("p.sum"));
        saved.buffers().get("p.sum")[0] = 42f;  // the record hands out its own array; the optimizer kept a copy
        assertArrayEquals(new float[] {1f}, fresh.state().buffers().get("p.sum"));
    }

    @Test
    void loadReplacesAllStateAndAnAbsentRateLeavesTheRate() {
        Parameter a = param("a", 0f);
        Parameter b = param("b", 0f);
        var toy = stepped(a, b);
        toy.setLearningRate(0.3);
        toy.loadState(new OptimizerState("toy", Map.of("a.sum", new float[] {5f}), Map.of("a.count", 2.0)));
        assertEquals(0.3, toy.learningRate());
        assertTrue(toy.hasState(a));
        assertFalse(toy.hasState(b));
        assertEquals(2.0, toy.stateOf(a).scalar("count"));
    }

    @Test
    void stateOfAnotherOptimizerIsRefused() {
        var toy = new Toy(group(param("p", 0f)), DEFAULTS);
        var e = refused(() -> toy.loadState(new OptimizerState("adam", Map.of(), Map.of("lr", 0.1))));
        assertEquals("cannot load state saved by optimizer 'adam' into optimizer 'toy'", e.getMessage());
    }

    /** Every refusal below must leave the optimizer exactly as it was. */
    private static void assertRefusedAndUnchanged(Map<String, float[]> buffers, Map<String, Double> scalars, String message) {
        Parameter p = param("p", 0f, 0f);
        var toy = stepped(p);
        toy.setLearningRate(0.5);
        OptimizerState before = toy.state();
        var e = refused(() -> toy.loadState(new OptimizerState("toy", buffers, scalars)));
        assertEquals(message, e.getMessage());
        OptimizerState after = toy.state();
        assertEquals(before.scalars(), after.scalars());
        assertEquals(before.buffers().keySet(), after.buffers().keySet());
        assertArrayEquals(before.buffers().get("p.sum"), after.buffers().get("p.sum"));
    }

    private static Map<String, Double> scalars(Object... keysAndValues) {
        var map = new LinkedHashMap<String, Double>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], (Double) keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void aBufferOfTheWrongSizeIsRefused() {
        assertRefusedAndUnchanged(Map.of("p.sum", new float[3]), scalars("p.count", 1.0, "lr", 0.1),
                "toy state buffer 'p.sum' has 3 values but parameter 'p' has 2");
    }

    @Test
    void aMissingBufferOrScalarIsRefused() {
        assertRefusedAndUnchanged(Map.of(), scalars("p.count", 1.0), "toy state lacks buffer 'p.sum'");
        assertRefusedAndUnchanged(Map.of("p.sum", new float[2]), scalars(), "toy state lacks scalar 'p.count'");
    }

    @Test
    void aScalarTheOptimizerRefusesIsRefused() {
        assertRefusedAndUnchanged(Map.of("p.sum", new float[2]), scalars("p.count", 0.0), "toy count 0.0 for 'p'");
    }

    @Test
    void stateOfAParameterThisOptimizerDoesNotHoldIsRefused() {
        assertRefusedAndUnchanged(Map.of("q.sum", new float[2]), scalars(),
                "toy state has buffer 'q.sum' for parameter 'q', which this optimizer does not hold");
        assertRefusedAndUnchanged(Map.of(), scalars("q.count", 1.0),
                "toy state has scalar 'q.count' for parameter 'q', which this optimizer does not hold");
    }

    @Test
    void aKeyTheOptimizerDoesNotKeepIsRefusedWithTheSubclassHint() {
        assertRefusedAndUnchanged(Map.of("p.sum", new float[2], "p.extra", new float[2]), scalars("p.count", 1.0),
                "toy state has unknown buffer 'p.extra' (hint); toy keeps <parameter>.sum, <parameter>.count"
                        + " for each of its parameters that has state, and the scalar lr");
        assertRefusedAndUnchanged(Map.of(), scalars("epoch", 3.0),
                "toy state has unknown scalar 'epoch'; toy keeps <parameter>.sum, <parameter>.count"
                        + " for each of its parameters that has state, and the scalar lr");
    }

    @Test
    void anInvalidSavedRateIsRefused() {
        assertRefusedAndUnchanged(Map.of(), scalars("lr", -1.0), "learning rate must be a finite number >= 0, got -1.0");
    }

    @Test
    void theSavedRateComesBack() {
        var toy = new Toy(group(param("p", 0f)), DEFAULTS);
        toy.loadState(new OptimizerState("toy", Map.of(), Map.of("lr", 0.125)));
        assertEquals(0.125, toy.learningRate());
        assertNull(toy.state().buffers().get("p.sum"));
        assertSame(toy.groups(), toy.groups());
    }
}

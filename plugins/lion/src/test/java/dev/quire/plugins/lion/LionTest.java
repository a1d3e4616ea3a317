package dev.quire.plugins.lion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quire.api.ComponentKind;
import dev.quire.api.OptimizerState;
import dev.quire.api.Parameter;
import dev.quire.api.ParameterGroup;
import dev.quire.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LionTest {

    private static Parameter param(String name, float... values) {
        return new Parameter(name, Tensor.parameter(values.clone(), values.length));
    }

    private static void setGrad(Parameter p, float... grad) {
        System.arraycopy(grad, 0, p.value().gradForAccumulation(), 0, grad.length);
    }

    private static List<ParameterGroup> group(Parameter... params) {
        return List.of(ParameterGroup.of("g", List.of(params)));
    }

    /**
     * Two steps worked out by hand, lr 0.1, betas (0.9, 0.99), weight decay 0.5 (so p shrinks by 0.95):
     * <pre>
     * step 1: g = [0.5, 0.2, -0.1], m = 0
     *   sign(0.1 g) = [1, 1, -1];  p = 0.95 p - 0.1 sign = [0.85, -1.05, 0.575];  m = 0.01 g = [0.005, 0.002, -0.001]
     * step 2: g = [-0.2, 0, 0]
     *   0.9 m + 0.1 g = [-0.0155, 0.0018, -0.0009], sign [-1, 1, -1]
     *   p = [0.8075 + 0.1, -0.9975 - 0.1, 0.54625 + 0.1] = [0.9075, -1.0975, 0.64625]
     *   m = 0.99 m + 0.01 g = [0.00295, 0.00198, -0.00099]
     * </pre>
     */
    @Test
    void twoStepsByHand() {
        Parameter p = param("p", 1f, -1f, 0.5f);
        var lion = new Lion(group(p), new LionOptions(0.1, 0.9, 0.99, 0.5));
        setGrad(p, 0.5f, 0.2f, -0.1f);
        lion.step();
        assertClose(new float[] {0.85f, -1.05f, 0.575f}, p.value().data(), 1e-6f);
        assertClose(new float[] {0.005f, 0.002f, -0.001f}, lion.state().buffers().get("p.exp_avg"), 1e-8f);
        lion.zeroGrad();
        setGrad(p, -0.2f, 0f, 0f);
        lion.step();
        assertClose(new float[] {0.9075f, -1.0975f, 0.64625f}, p.value().data(), 1e-6f);
        assertClose(new float[] {0.00295f, 0.00198f, -0.00099f}, lion.state().buffers().get("p.exp_avg"), 1e-8f);
    }

    @Test
    void aZeroGradientWithZeroMomentumOnlyDecays() {
        Parameter p = param("p", 2f);
        var lion = new Lion(group(p), new LionOptions(0.1, 0.9, 0.99, 0.5));
        setGrad(p, 0f);
        lion.step();  // sign(0) = 0
        assertArrayEquals(new float[] {1.9f}, p.value().data());
    }

    @Test
    void parametersWithoutGradientAreSkipped() {
        Parameter p = param("p", 1f);
        Parameter frozen = param("frozen", 1f);
        var lion = new Lion(group(p, frozen), LionOptions.DEFAULTS);
        setGrad(p, 1f);
        lion.step();
        assertArrayEquals(new float[] {1f}, frozen.value().data());
        assertEquals(List.of("p.exp_avg"), List.copyOf(lion.state().buffers().keySet()));
    }

    private static void assertClose(float[] expected, float[] actual, float tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, "index " + i);
        }
    }

    // ---- state ----------------------------------------------------------------------------------

    /** Save after 5 of 12 steps, load into a fresh optimizer over fresh tensors, continue: bit-identical. */
    @Test
    void saveAndLoadContinuesBitForBit() {
        var options = new LionOptions(0.01, 0.9, 0.99, 0.1);
        float[][] grads = new float[12][6];
        var rng = new SplittableRandom(42);
        for (float[] g : grads) {
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) rng.nextDouble(-1, 1);
            }
        }
        float[] init = {0.5f, -0.25f, 1f, 0f, -2f, 0.125f};

        Parameter straight = param("w", init);
        var uninterrupted = new Lion(group(straight), options);
        for (int step = 0; step < grads.length; step++) {
            setGrad(straight, grads[step]);
            uninterrupted.step();
        }

        Parameter first = param("w", init);
        var before = new Lion(group(first), options);
        for (int step = 0; step < 5; step++) {
            setGrad(first, grads[step]);
            before.step();
        }
        OptimizerState saved = before.state();

        Parameter resumed = param("w", first.value().data());
        var after = new Lion(group(resumed), options);
        after.loadState(saved);
        for (int step = 5; step < grads.length; step++) {
            setGrad(resumed, grads[step]);
            after.step();
        }
        assertArrayEquals(straight.value().data(), resumed.value().data());
    }

    @Test
    void stateOfAnotherOptimizerIsRefused() {
        var lion = new Lion(group(param("p", 0f)), LionOptions.DEFAULTS);
        var e = assertThrows(IllegalArgumentException.class,
                () -> lion.loadState(new OptimizerState("adamw", Map.of(), Map.of("lr", 1e-3))));
        assertTrue(e.getMessage().contains("'adamw'") && e.getMessage().contains("'lion'"), e.getMessage());
    }

    @Test
    void bufferOfTheWrongSizeIsRefused() {
        var lion = new Lion(group(param("p", 0f, 0f)), LionOptions.DEFAULTS);
        var e = assertThrows(IllegalArgumentException.class,
                () -> lion.loadState(new OptimizerState("lion", Map.of("p.exp_avg", new float[3]), Map.of())));
        assertTrue(e.getMessage().contains("'p.exp_avg'") && e.getMessage().contains("3") && e.getMessage().contains("2"),
                e.getMessage());
    }

    // ---- options, groups, provider --------------------------------------------------------------

    @Test
    void optionsAreChecked() {
        var e = assertThrows(IllegalArgumentException.class, () -> new LionOptions(-1, 0.9, 0.99, 0));
        assertTrue(e.getMessage().contains("'lr'") && e.getMessage().contains(">= 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LionOptions(1e-4, 1.5, 0.99, 0));
        assertTrue(e.getMessage().contains("'beta1'") && e.getMessage().contains("[0, 1]"), e.getMessage());
    }

    @Test
    void unknownGroupOverrideIsRefusedNamingKeyAndChoices() {
        var g = new ParameterGroup("head", List.of(param("p", 0f)), Map.of("eps", 1e-8));
        var e = assertThrows(IllegalArgumentException.class, () -> new Lion(List.of(g), LionOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("'eps'") && e.getMessage().contains("lr, beta1, beta2, weightDecay"), e.getMessage());
    }

    @Test
    void providerDescribesItself() {
        var provider = new LionProvider();
        assertEquals(ComponentKind.OPTIMIZER, provider.kind());
        assertEquals("lion", provider.id());
        assertEquals("1.0.0", provider.version());
        assertEquals(LionOptions.class, provider.optionsType());
        assertEquals(new LionOptions(1e-4, 0.9, 0.99, 0.0), provider.defaultOptions());
        var optimizer = provider.create(LionOptions.DEFAULTS).create(group(param("p", 0f)));
        assertEquals(1e-4, optimizer.learningRate());
    }

    /** PF4J finds the provider only through this file (plugin classes live in an unnamed module). */
    @Test
    void servicesFileNamesTheProvider() throws IOException {
        try (InputStream in = LionProvider.class.getClassLoader()
                .getResourceAsStream("META-INF/services/dev.quire.api.ComponentProvider")) {
            assertTrue(in != null, "META-INF/services/dev.quire.api.ComponentProvider is missing");
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            assertEquals(List.of(LionProvider.class.getName()), lines);
        }
    }
}

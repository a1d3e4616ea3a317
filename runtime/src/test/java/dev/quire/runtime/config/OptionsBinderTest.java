package dev.quire.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptionsBinderTest {

    enum Mode { FAST_PATH, SLOW }

    record Inner(int depth, String label) {
        Inner {
            if (depth < 0) {
                throw new IllegalArgumentException("depth must be >= 0, got " + depth);
            }
        }
    }

    record Options(boolean flag, int count, long big, float ratio, double rate, String name, Mode mode,
                   List<String> tags, List<Double> weights, Inner inner, double[] pair, Path file) {
    }

    static final Options DEFAULTS = new Options(false, 1, 2L, 0.5f, 0.25, "x", Mode.SLOW, List.of("a"), List.of(),
            new Inner(1, "in"), new double[] {1, 2}, null);

    private static Options bind(String yaml) {
        var root = YamlDocument.parse(Path.of("t.yaml"), yaml).root();
        return OptionsBinder.bind(root.mapping("a mapping"), Set.of("id"), Options.class, DEFAULTS, "test 'x'",
                Path.of("/base"));
    }

    @Test
    void missingKeysTakeDefaults() {
        Options options = bind("{id: x, count: 7}");
        assertThat(options.count()).isEqualTo(7);
        assertThat(options.name()).isEqualTo("x");
        assertThat(options.inner()).isEqualTo(new Inner(1, "in"));
    }

    @Test
    void bindsEveryType() {
        Options options = bind("""
                flag: true
                count: 3
                big: 10000000000
                ratio: 0.75
                rate: 1.0e-3
                name: hello
                mode: Fast-Path
                tags: [p, q]
                weights: [1, 2.5]
                inner: {depth: 4}
                pair: [0.9, 0.99]
                file: data/x.txt
                """);
        assertThat(options.flag()).isTrue();
        assertThat(options.count()).isEqualTo(3);
        assertThat(options.big()).isEqualTo(10_000_000_000L);
        assertThat(options.ratio()).isEqualTo(0.75f);
        assertThat(options.rate()).isEqualTo(1e-3);
        assertThat(options.mode()).isEqualTo(Mode.FAST_PATH);
        assertThat(options.tags()).containsExactly("p", "q");
        assertThat(options.weights()).containsExactly(1.0, 2.5);
        assertThat(options.inner()).isEqualTo(new Inner(4, "in"));
        assertThat(options.pair()).containsExactly(0.9, 0.99);
        assertThat(options.file()).isEqualTo(Path.of("/base/data/x.txt"));
    }

    @Test
    void wholeFloatsAreIntegers() {
        assertThat(bind("count: 2000.0").count()).isEqualTo(2000);
        assertThat(bind("count: 1e3").count()).isEqualTo(1000);
    }

    @Test
    void strictTypes() {
        assertThatThrownBy(() -> bind("flag: yes")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("flag: expected true or false, found the text \"yes\"");
        assertThatThrownBy(() -> bind("count: 3000000000")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("count: expected an integer from -2147483648 to 2147483647, found 3000000000");
        assertThatThrownBy(() -> bind("rate: .nan")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("expected a finite number");
        assertThatThrownBy(() -> bind("tags: p")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tags: expected a list, found the text \"p\"");
        assertThatThrownBy(() -> bind("count: ~")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("expected an integer, found nothing (null)");
        assertThatThrownBy(() -> bind("mode: medium")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("mode: expected one of fast_path, slow");
    }

    @Test
    void nestedRecordErrorsNameTheNestedKey() {
        assertThatThrownBy(() -> bind("inner: {depth: 1, colour: red}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("t.yaml: line 1, column 19: inner.colour: unknown key 'colour'")
                .hasMessageContaining("depth, label");
        assertThatThrownBy(() -> bind("inner: {depth: -1}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("inner: invalid options for test 'x': depth must be >= 0, got -1");
    }

    @Test
    void duplicateKeysAreRefused() {
        assertThatThrownBy(() -> bind("count: 1\ncount: 2")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("duplicate key 'count' (first given at line 1)");
    }

    @Test
    void jsonRoundTrip() {
        Options options = bind("{mode: fast_path, tags: [a, b], rate: 1.0e-7, inner: {depth: 3, label: \"q\\\"uote\"}}");
        String json = Json.write(options);
        assertThat(json).contains("\"mode\":\"fast_path\"", "\"rate\":1.0E-7");
        Options again = bind(json);
        assertThat(again.mode()).isEqualTo(options.mode());
        assertThat(again.rate()).isEqualTo(options.rate());
        assertThat(again.inner()).isEqualTo(options.inner());
        assertThat(again.tags()).isEqualTo(options.tags());
    }

    @Test
    void modelOptionsValidateTheShape() {
        assertThatThrownBy(() -> new ModelOptions(2, 3, 64, 16, false, true, Tensor.Gelu.EXACT, 1e-5f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of heads");
    }

    @Test
    void noDecayPatterns() {
        assertThat(PipelineConfig.matches("bias", "transformer.h.0.attn.c_attn.bias")).isTrue();
        assertThat(PipelineConfig.matches("ln_*", "transformer.h.0.ln_1.weight")).isTrue();
        assertThat(PipelineConfig.matches("*.wpe.*", "transformer.wpe.weight")).isTrue();
        assertThat(PipelineConfig.matches("wpe", "transformer.wte.weight")).isFalse();
    }
}

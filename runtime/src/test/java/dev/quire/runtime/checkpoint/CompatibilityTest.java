package dev.quire.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.api.ComponentKind;
import dev.quire.api.OptimizerFactory;
import dev.quire.runtime.discovery.ComponentCatalog;
import dev.quire.runtime.discovery.Discovery;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint written by format version 1 ({@code src/test/resources/checkpoints/v1-tiny.pb}, made by
 * {@link #writeTheResource} with {@code -Dquire.writeCompat=<path>}) must load in every later Quire,
 * with the same weights, token ids, optimizer and trainer state. Never regenerate it to make this test
 * pass: a format change adds a migration in {@code Checkpoints.migrate} instead.
 */
class CompatibilityTest {

    static final String RESOURCE = "/checkpoints/v1-tiny.pb";

    static Discovery.Components components;
    static ComponentCatalog catalog;

    @TempDir
    Path dir;

    @BeforeAll
    static void discover() {
        components = Discovery.discover(java.util.Optional.empty(), List.of());
        catalog = components.catalog();
        FuzzTest.catalog = catalog;
    }

    @AfterAll
    static void close() {
        components.close();
    }

    private Path resource() throws IOException {
        try (InputStream in = CompatibilityTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as(RESOURCE + " on the test class path").isNotNull();
            Path file = dir.resolve("v1-tiny.pb");
            Files.copy(in, file);
            return file;
        }
    }

    @Test
    void versionOneCheckpointLoads() throws IOException {
        Path file = resource();
        Checkpoint checkpoint = Checkpoints.read(file);
        assertThat(checkpoint.header().getFormatVersion()).isEqualTo(1);
        assertThat(checkpoint.header().getStep()).isEqualTo(1);
        assertThat(checkpoint.header().getTotalSteps()).isEqualTo(10);
        assertThat(checkpoint.header().getMetadataMap()).containsEntry("kind", "latest");
        var restored = ModelCheckpoints.restore(file, checkpoint, catalog);
        assertThat(restored.tokenizer().encode("a hijk.\n")).containsExactly(3, 1, 10, 11, 12, 13, 2, 0);
        assertThat(restored.tokenizer().vocabSize()).isEqualTo(14);
        var state = restored.model().stateDict();
        assertThat(state.keySet()).contains("transformer.wte.weight", "transformer.h.0.attn.c_attn.weight");
        assertThat(state.get("transformer.wte.weight").shape()).containsExactly(14, 8);
        for (int i = 0; i < WTE_BITS.length; i++) {
            assertThat(Float.floatToRawIntBits(state.get("transformer.wte.weight").data()[i])).as("wte[%d]", i)
                    .isEqualTo(WTE_BITS[i]);
        }
        assertThat(Float.floatToRawIntBits(state.get("transformer.h.0.attn.c_attn.bias").data()[5]))
                .isEqualTo(C_ATTN_BIAS_5_BITS);
        var trainer = ModelCheckpoints.trainerState(file, checkpoint).orElseThrow();
        assertThat(trainer.step()).isEqualTo(1);
        var entry = catalog.require(ComponentKind.OPTIMIZER, "adamw");
        var optimizer = ((OptimizerFactory) entry.create(entry.defaultOptions())).create(restored.model().optimizerGroups());
        ModelCheckpoints.loadOptimizer(file, checkpoint, optimizer);
        assertThat(optimizer.state().scalars()).containsEntry("transformer.wte.weight.step", 1.0);
    }

    // Values of the resource, recorded when it was written.
    static final int[] WTE_BITS = {0x3c9744af, 0xbc6f0876, 0xbc941478, 0xbbd4fbc2, 0xbd15198a, 0xbc40c05d};
    static final int C_ATTN_BIAS_5_BITS = 0x3a82dd08;

    @Test
    @EnabledIfSystemProperty(named = "quire.writeCompat", matches = ".+")
    void writeTheResource() throws IOException {
        Path file = Path.of(System.getProperty("quire.writeCompat"));
        FuzzTest.saveTinyModel(file);
        var restored = ModelCheckpoints.restore(file, Checkpoints.read(file), catalog);
        var state = restored.model().stateDict();
        System.out.println("ids " + java.util.Arrays.toString(restored.tokenizer().encode("a hijk.\n")));
        var bits = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            bits.append(String.format("0x%08x, ", Float.floatToRawIntBits(state.get("transformer.wte.weight").data()[i])));
        }
        System.out.println("wte " + bits);
        System.out.printf("bias5 0x%08x%n", Float.floatToRawIntBits(state.get("transformer.h.0.attn.c_attn.bias").data()[5]));
    }
}

package dev.quire.attention.flash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.api.Attention;
import dev.quire.api.ComponentKind;
import dev.quire.api.ComponentProvider;
import dev.quire.api.OptimizerFactory;
import dev.quire.api.PositionalEncoding;
import dev.quire.api.Regularizer;
import dev.quire.model.CharTokenizer;
import dev.quire.model.CosineSchedule;
import dev.quire.model.CosineScheduleOptions;
import dev.quire.model.DataSplit;
import dev.quire.model.Gpt;
import dev.quire.model.GptConfig;
import dev.quire.model.StepReport;
import dev.quire.model.Trainer;
import dev.quire.model.TrainerListener;
import dev.quire.model.TrainingConfig;
import dev.quire.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ablation the two attentions exist for: the same tiny GPT, seed and data trained 200 steps with
 * {@code attention: standard} and with {@code attention: flash} give the same loss at every step, to
 * float32 rounding (within 1e-4), so swapping them measures speed and memory, never numbers. Components
 * are found through {@link ServiceLoader}, the way the runtime finds them.
 */
class FlashAblationTest {

    static {
        // Surefire puts the test-scoped modules (model, optim-adam, standard) on the module path, where this
        // module neither reads them nor declares that it uses ComponentProvider: add both edges before any
        // code touches the model's classes.
        Module self = FlashAblationTest.class.getModule();
        if (self.isNamed()) {
            try {
                Module model = Class.forName("dev.quire.model.Gpt").getModule();
                if (!self.canRead(model)) {
                    self.addReads(model);
                }
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("quire-model is not on the test path", e);
            }
            self.addUses(ComponentProvider.class);
        }
    }

    private static final int STEPS = 200;

    /** 2 layers, 4 heads of width 16 (width 64), context 32, biases, tied head, exact GELU. */
    private static GptConfig config(int vocabulary) {
        return new GptConfig(vocabulary, 32, 2, 4, 64, true, true, Tensor.Gelu.EXACT, 1e-5f);
    }

    /** 200 steps of 8 sequences of 32 characters, nanoGPT's learning rate 1e-3, clipping at 1, one evaluation at the end. */
    private static final TrainingConfig TRAINING = new TrainingConfig(STEPS, 8, 32, 1e-3, STEPS, 2, 0f, 1.0, 1337);

    @ParameterizedTest(name = "attention dropout {0}")
    @ValueSource(doubles = {0.0, 0.1})
    void standardAndFlashTrainTheSameModelToTheSameLossAtEveryStep(double attentionDropout) {
        String text = corpus();
        CharTokenizer tokenizer = CharTokenizer.train(text);
        DataSplit data = DataSplit.of(tokenizer.encode(text), 0.9);

        Attention standard = create(ComponentKind.ATTENTION, "standard", Attention.class);
        Attention flash = create(ComponentKind.ATTENTION, "flash", Attention.class);
        assertThat(flash).isInstanceOf(FlashAttention.class);
        assertThat(standard).isNotInstanceOf(FlashAttention.class);

        long t0 = System.nanoTime();
        List<Double> standardLosses = train(standard, tokenizer.vocabSize(), data, attentionDropout);
        long t1 = System.nanoTime();
        List<Double> flashLosses = train(flash, tokenizer.vocabSize(), data, attentionDropout);
        long t2 = System.nanoTime();

        assertThat(standardLosses).hasSize(STEPS);
        assertThat(flashLosses).hasSize(STEPS);
        double worst = 0;
        int worstStep = 0;
        for (int i = 0; i < STEPS; i++) {
            double difference = Math.abs(standardLosses.get(i) - flashLosses.get(i));
            if (!(difference <= worst)) {
                worst = difference;
                worstStep = i + 1;
            }
        }
        System.out.printf("ablation: %d steps, loss %.4f -> %.4f (standard) / %.4f (flash); largest difference %.3g at step %d;"
                        + " standard %.1f s, flash %.1f s%n", STEPS, standardLosses.getFirst(), standardLosses.getLast(),
                flashLosses.getLast(), worst, worstStep, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        for (int i = 0; i < STEPS; i++) {
            assertThat(flashLosses.get(i)).as("flash's loss at step %d (standard's: %s)", i + 1, standardLosses.get(i))
                    .isCloseTo(standardLosses.get(i), org.assertj.core.data.Offset.offset(1e-4));
        }
        assertThat(standardLosses.getLast()).as("the model learns").isLessThan(standardLosses.getFirst() - 1.0);
    }

    /**
     * Every step's training loss of a fresh model (seed 7) trained with AdamW and a cosine schedule, with
     * the attention probabilities dropped at {@code attentionDropout} (both implementations draw the same
     * mask, so dropout does not make them differ).
     */
    private static List<Double> train(Attention attention, int vocabulary, DataSplit data, double attentionDropout) {
        PositionalEncoding learned = create(ComponentKind.POSITIONAL_ENCODING, "learned", PositionalEncoding.class);
        Regularizer dropout = new Regularizer() {
            @Override
            public double attentionDropout() {
                return attentionDropout;
            }
        };
        Gpt model = new Gpt(config(vocabulary), attention, learned, List.of(dropout), 7);
        var optimizer = create(ComponentKind.OPTIMIZER, "adamw", OptimizerFactory.class).create(model.optimizerGroups());
        Trainer trainer = new Trainer(model, optimizer, new CosineSchedule(new CosineScheduleOptions(20, 0, 1e-4)),
                TRAINING, data);
        List<Double> losses = new ArrayList<>();
        trainer.addListener(new TrainerListener() {
            @Override
            public void afterStep(Trainer t, StepReport report) {
                losses.add(report.loss());
            }
        });
        trainer.run();
        return losses;
    }

    /** The component of that kind and id, with its default options, as the runtime's discovery finds it. */
    private static <T> T create(ComponentKind kind, String id, Class<T> type) {
        List<String> found = new ArrayList<>();
        for (ComponentProvider<?, ?> provider : ServiceLoader.load(ComponentProvider.class)) {
            found.add(provider.kind().configName() + ":" + provider.id());
            if (provider.kind() == kind && provider.id().equals(id)) {
                return type.cast(provider.createUnchecked(provider.defaultOptions()));
            }
        }
        throw new IllegalStateException("no provider " + kind.configName() + ":" + id + " among " + found);
    }

    /**
     * The first 20 kB of Tiny Shakespeare ({@code ../shared/data}, as surefire's {@code quire.shared} names
     * it), or, where that is absent, 20 kB of generated words.
     */
    private static String corpus() {
        Path file = Path.of(System.getProperty("quire.shared", "../../shared"), "data", "tinyshakespeare.txt");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                return new String(in.readNBytes(20_000), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file, e);
            }
        }
        String[] words = {"the", "king", "shall", "speak", "and", "we", "hear", "thee", "my", "lord", "of", "rome",
                "what", "is", "love", "to", "night", "good", "sir", "no"};
        var random = new java.util.SplittableRandom(5);
        StringBuilder text = new StringBuilder();
        while (text.length() < 20_000) {
            text.append(words[random.nextInt(words.length)]).append(random.nextInt(9) == 0 ? ".\n" : " ");
        }
        return text.toString();
    }
}

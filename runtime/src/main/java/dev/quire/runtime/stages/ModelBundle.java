package dev.quire.runtime.stages;

import dev.quire.api.Tokenizer;
import dev.quire.model.Gpt;
import dev.quire.runtime.config.ComponentChoice;
import dev.quire.runtime.config.ModelOptions;
import java.util.List;

/**
 * A trained model as stages pass it on through the {@link dev.quire.api.StageContext}: the model,
 * its tokenizer, its shape, the components it was made with, and the training step it reached.
 *
 * @param model        the model
 * @param tokenizer    its tokenizer
 * @param options      the model section it was built from
 * @param components   components of the run that made it
 * @param step         optimizer steps it was trained for
 */
public record ModelBundle(Gpt model, Tokenizer tokenizer, ModelOptions options, List<ComponentChoice> components,
                          long step) {
}

/**
 * The built-in regularizers. Each has an options record (validated by its canonical constructor, with
 * messages naming the key and the allowed range), a provider, and the {@link dev.quire.api.Regularizer}
 * itself:
 * <ul>
 *   <li>{@code dropout} ({@link dev.quire.regularizers.Dropout}): inverted dropout on the embeddings and on
 *       the attention and MLP residual branches, off outside training, drawn from the step's random source
 *       (deterministic under the run's seed), and on the attention probabilities through
 *       {@link dev.quire.api.Regularizer#attentionDropout()}, which the model hands to the attention
 *       component as an {@link dev.quire.api.AttentionDropout}.</li>
 *   <li>{@code l2} ({@link dev.quire.regularizers.L2Penalty}): weight decay as an L2 term of the loss,
 *       {@code coefficient/2 · Σ w²} over the parameters its name rules select (by default not biases,
 *       norms or embeddings), which is {@code torch.optim}'s coupled {@code weight_decay}. Decoupled weight
 *       decay (AdamW) is the optimizer's own {@code weightDecay} option, with the pipeline's
 *       {@code noDecay} rule making the parameter groups.</li>
 *   <li>{@code label-smoothing} ({@link dev.quire.regularizers.LabelSmoothing}): the smoothing of the
 *       cross-entropy, as PyTorch's {@code label_smoothing}.</li>
 *   <li>{@code clip-grad-norm} and {@code clip-grad-value} ({@link dev.quire.regularizers.GradClipping}):
 *       PyTorch's {@code clip_grad_norm_} over all gradients and {@code clip_grad_value_}.</li>
 *   <li>{@code early-stopping} ({@link dev.quire.regularizers.EarlyStopping}): stops when the validation
 *       loss has not improved by {@code minDelta} for {@code patience} evaluations, and asks the trainer to
 *       restore the best weights.</li>
 * </ul>
 *
 * <p><b>Stability.</b> Options records and providers are stable (they may gain options with defaults,
 * never lose one).
 */
package dev.quire.regularizers;

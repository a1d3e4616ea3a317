/**
 * Adam and AdamW exactly as {@code torch.optim.Adam} and {@code torch.optim.AdamW}: the options
 * records {@link dev.quire.optim.adam.AdamOptions} and {@link dev.quire.optim.adam.AdamWOptions},
 * the providers {@link dev.quire.optim.adam.AdamProvider} (id {@code adam}) and
 * {@link dev.quire.optim.adam.AdamWProvider} (id {@code adamw}), and the optimizer
 * {@link dev.quire.optim.adam.Adam}, which is both (AdamW is Adam with decoupled weight decay).
 *
 * <p><b>Stability.</b> The options records and the providers are stable (they may gain options
 * with defaults, never lose one). {@code Adam}'s public constructors are stable too; everything
 * else here is package-private.
 */
package dev.quire.optim.adam;

/**
 * SGD exactly as {@code torch.optim.SGD}: {@link dev.quire.optim.sgd.SgdOptions} (the options a
 * pipeline file sets), {@link dev.quire.optim.sgd.SgdProvider} (id {@code sgd}) and the optimizer
 * {@link dev.quire.optim.sgd.Sgd}.
 *
 * <p><b>Stability.</b> The options record and the provider are stable (they may gain options with
 * defaults, never lose one). {@code Sgd}'s public constructor is stable too; everything else here is
 * package-private.
 */
package dev.quire.optim.sgd;

/**
 * The built-in regularizers, components of kind {@code regularizer}: this module's one job is to
 * implement {@link dev.quire.api.Regularizer}'s hooks for the usual means against over-fitting and
 * instability, each selectable in a pipeline file's {@code regularizers:} list:
 * {@code dropout}, {@code l2}, {@code label-smoothing}, {@code clip-grad-norm}, {@code clip-grad-value}
 * and {@code early-stopping}.
 *
 * <p>It depends on the API alone, like a third-party plugin would; the package is exported so that the
 * runtime can bind the options records from a pipeline file and so that code may use the regularizers
 * directly.
 */
module dev.quire.regularizers {
    requires transitive dev.quire.api;  // transitive: the exported classes implement its interfaces

    exports dev.quire.regularizers;

    provides dev.quire.api.ComponentProvider with
            dev.quire.regularizers.DropoutProvider,
            dev.quire.regularizers.L2Provider,
            dev.quire.regularizers.LabelSmoothingProvider,
            dev.quire.regularizers.ClipGradNormProvider,
            dev.quire.regularizers.ClipGradValueProvider,
            dev.quire.regularizers.EarlyStoppingProvider;
}

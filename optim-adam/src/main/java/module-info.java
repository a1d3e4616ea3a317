/**
 * Adam and AdamW, the optimizers with ids {@code adam} and {@code adamw}: this module's one job is to
 * update parameters with exactly the semantics of PyTorch's {@code torch.optim.Adam} (L2 weight decay
 * added to the gradient) and {@code torch.optim.AdamW} (decoupled weight decay), both with the AMSGrad
 * option, including parameter groups and a state that saves and loads bit for bit.
 *
 * <p>Found by the runtime through {@link dev.quire.api.ComponentProvider}; the package is exported so
 * that the runtime can build {@link dev.quire.optim.adam.AdamOptions} and
 * {@link dev.quire.optim.adam.AdamWOptions} from a pipeline file and so that code may use
 * {@link dev.quire.optim.adam.Adam} directly.
 */
module dev.quire.optim.adam {
    requires transitive dev.quire.api;  // transitive: the exported classes implement its interfaces

    exports dev.quire.optim.adam;

    provides dev.quire.api.ComponentProvider with
            dev.quire.optim.adam.AdamProvider,
            dev.quire.optim.adam.AdamWProvider;
}

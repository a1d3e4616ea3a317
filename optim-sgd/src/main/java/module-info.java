/**
 * Stochastic gradient descent, the optimizer with id {@code sgd}: its one job is to update parameters
 * with exactly the semantics of PyTorch's {@code torch.optim.SGD} (momentum, dampening, Nesterov
 * momentum, L2 weight decay, maximize), including parameter groups and a state that saves and loads
 * bit for bit.
 *
 * <p>Found by the runtime through {@link dev.quire.api.ComponentProvider}; the package is exported so
 * that the runtime can build {@link dev.quire.optim.sgd.SgdOptions} from a pipeline file and so that
 * code may use {@link dev.quire.optim.sgd.Sgd} directly.
 */
module dev.quire.optim.sgd {
    requires transitive dev.quire.api;  // transitive: the exported classes implement its interfaces

    exports dev.quire.optim.sgd;

    provides dev.quire.api.ComponentProvider with dev.quire.optim.sgd.SgdProvider;
}

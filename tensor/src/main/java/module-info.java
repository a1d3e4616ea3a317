/**
 * Quire's tensor engine: float32 tensors with reverse-mode autograd, Vector API matrix kernels,
 * a deterministic parallel executor and safetensors read/write. Depends on the JDK and
 * {@code dev.quire.json} (for safetensors headers; itself JDK only).
 */
module dev.quire.tensor {
    requires jdk.incubator.vector;
    requires dev.quire.json;

    exports dev.quire.tensor;
}

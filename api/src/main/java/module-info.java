/**
 * The stable service-provider interface of Quire: one interface per component kind (tokenizer,
 * attention, positional encoding, optimizer, learning-rate schedule, regularizer, alignment method,
 * pipeline stage) and the {@link dev.quire.api.ComponentProvider} contract through which every
 * component, built in or shipped in a plugin jar, is found.
 *
 * <p>A third party compiles a plugin against this module alone. It depends on {@code dev.quire.tensor}
 * (re-exported, since tensors appear in its signatures) and on nothing else.
 */
module dev.quire.api {
    requires transitive dev.quire.tensor;

    exports dev.quire.api;

    uses dev.quire.api.ComponentProvider;
}

package dev.quire.api;

import java.util.List;

/** Anything that owns trainable parameters: a layer, a positional encoding, a model. */
public interface ParameterSource {
    /**
     * The parameters, in a fixed order that is the same on every call and every run.
     * Names are relative to this source; owners prefix them with their own path.
     */
    List<Parameter> parameters();
}

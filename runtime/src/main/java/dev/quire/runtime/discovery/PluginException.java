package dev.quire.runtime.discovery;

import dev.quire.runtime.QuireUserException;

/**
 * A plugin directory or plugin jar that cannot be used, or components that clash: a missing
 * directory, a jar without a valid PF4J manifest, a plugin built for another API version, two
 * components with the same kind and id. The message names the files involved.
 */
public final class PluginException extends QuireUserException {

    private static final long serialVersionUID = 1L;

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}

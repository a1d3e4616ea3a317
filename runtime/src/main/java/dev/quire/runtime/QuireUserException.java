package dev.quire.runtime;

/**
 * A problem with what the user gave Quire (a pipeline file, a plugin jar, a checkpoint, a command
 * line option), as opposed to a failure of Quire itself. The command line reports its message alone,
 * without a stack trace, and exits with status 2.
 *
 * <p>Messages are complete sentences that name the file (and where possible the line and the key)
 * and say what would be accepted.
 */
public class QuireUserException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public QuireUserException(String message) {
        super(message);
    }

    public QuireUserException(String message, Throwable cause) {
        super(message, cause);
    }
}

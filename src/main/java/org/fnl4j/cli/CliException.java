package org.fnl4j.cli;

/** A failure the user can act on (missing file, unwritable directory, unfinished feature): exit code 1. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}

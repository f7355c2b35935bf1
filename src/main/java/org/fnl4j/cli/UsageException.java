package org.fnl4j.cli;

/** A command-line mistake (unknown flag, bad value, missing argument): exit code 2, no stack trace. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}

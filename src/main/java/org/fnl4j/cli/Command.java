package org.fnl4j.cli;

import java.io.PrintStream;

/** One {@code fnl} subcommand. */
interface Command {
    /** @return the subcommand name, e.g. "train". */
    String name();

    /** @return a one-line summary for {@code fnl --help}. */
    String summary();

    /** @return the declared flags (fresh instance; parsing fills it). */
    Opts options();

    /** @return paragraphs shown by {@code fnl NAME --help} after the summary (may be empty). */
    default String details() {
        return "";
    }

    /**
     * Runs the command.
     *
     * @param out the final, machine-readable result (stdout)
     * @param err progress and human-readable messages (stderr)
     * @return the exit code
     */
    int run(Opts opts, PrintStream out, PrintStream err) throws Exception;
}

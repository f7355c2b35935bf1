package org.fnl4j.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model or checkpoint file that fnl4j cannot read: wrong magic, a newer format version, a bad
 * checksum, truncation, or a structure that contradicts itself (a length larger than the rest of the
 * file, a shape that does not fit). The message names the file and says what was wrong and what was
 * expected. It is an {@link IOException} so that callers handling I/O failures handle it too.
 */
public class ModelFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;

    /**
     * @param file the file (or other source) that was being read, for the message
     * @param problem what was wrong and what was expected
     */
    public ModelFormatException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public ModelFormatException(Path file, String problem) {
        this(String.valueOf(file), problem);
    }

    public ModelFormatException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** @return the file or source name the error is about. */
    public String file() {
        return file;
    }
}

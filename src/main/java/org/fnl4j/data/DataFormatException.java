package org.fnl4j.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that fnl4j cannot use: wrong magic number, unsupported element type, wrong or
 * inconsistent dimensions, truncated or trailing data, a corrupt gzip stream, a label outside the
 * class range, an empty file, or text that is not valid UTF-8. It is the only exception type the
 * data loaders throw for bad input (other {@link IOException}s come from the file system itself,
 * e.g. a missing file). The message starts with the file name and says what was found and what
 * was expected, e.g. {@code train-images-idx3-ubyte.gz: magic 0x00000801 is not an IDX image file
 * (expected 0x00000803)}. Checked, like {@code org.fnl4j.io.ModelFormatException}, so that callers
 * that already handle I/O failures handle this too.
 */
public class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;

    /**
     * @param file    the file being read (its name is used in the message)
     * @param problem what was wrong and what was expected
     */
    public DataFormatException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DataFormatException(Path file, String problem) {
        this(String.valueOf(file.getFileName()), problem);
    }

    public DataFormatException(Path file, String problem, Throwable cause) {
        super(file.getFileName() + ": " + problem, cause);
        this.file = String.valueOf(file.getFileName());
    }

    /** @return the name of the file the error is about. */
    public String file() {
        return file;
    }
}

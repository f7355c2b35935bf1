package org.fnl4j.onnx;

import org.fnl4j.io.ModelFormatException;

/**
 * An ONNX file that fnl4j cannot read or import: truncated or corrupted protobuf (a length past the
 * end of its message, an unknown wire type), a tensor whose data disagrees with its dims, an
 * operator outside the supported set, or a graph that is not one of fnl4j's architectures. The
 * message names the file and says what was found and what was expected. Like
 * {@link ModelFormatException}, which it extends, it is an {@link java.io.IOException}.
 */
public class OnnxFormatException extends ModelFormatException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file the file (or other source) being read, for the message
     * @param problem what was wrong and what was expected
     */
    public OnnxFormatException(String file, String problem) {
        super(file, problem);
    }
}

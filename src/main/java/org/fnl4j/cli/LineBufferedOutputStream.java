package org.fnl4j.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A stream on a file descriptor that hands complete lines to the operating system, each batch of
 * them in one write, and a partial line only on {@link #flush()} (a progress bar redrawing its line
 * with a carriage return flushes). The JVM's own System.out and System.err write every piece of a
 * formatted line separately; when ./fnl routes stderr through a filter, a line of stdout could then
 * land in the middle of a line of stderr.
 */
final class LineBufferedOutputStream extends OutputStream {
    private final FileOutputStream out;
    private byte[] buf = new byte[8192];
    private int len;

    LineBufferedOutputStream(FileDescriptor fd) {
        this.out = new FileOutputStream(fd);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        append(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int n) throws IOException {
        append(b, off, n);
    }

    private void append(byte[] b, int off, int n) throws IOException {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        System.arraycopy(b, off, buf, len, n);
        len += n;
        int lastNewline = -1;
        for (int i = len - 1; i >= len - n; i--) {
            if (buf[i] == '\n') {
                lastNewline = i;
                break;
            }
        }
        if (lastNewline >= 0) {
            out.write(buf, 0, lastNewline + 1);
            System.arraycopy(buf, lastNewline + 1, buf, 0, len - lastNewline - 1);
            len -= lastNewline + 1;
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (len > 0) {
            out.write(buf, 0, len);
            len = 0;
        }
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        flush();
        out.close();
    }
}

package org.fnl4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reading helpers shared by the loaders: gzip detection by content (magic 1f 8b, not by file
 * name), exact-length reads that report truncation, and translation of the JDK's gzip errors into
 * {@link DataFormatException}s naming the file.
 */
final class DataFiles {
    private DataFiles() {}

    /** An open data file: its stream (decompressed if gzip) and whether it was compressed. */
    static final class Source implements AutoCloseable {
        final Path path;
        final InputStream in;
        final boolean gzip;
        /** On-disk size; for raw files this is the exact content length. */
        final long fileSize;

        private Source(Path path, InputStream in, boolean gzip, long fileSize) {
            this.path = path;
            this.in = in;
            this.gzip = gzip;
            this.fileSize = fileSize;
        }

        /**
         * Reads exactly {@code n} bytes; a short read means the file (or its gzip content) ended
         * early, reported as truncation of {@code what}. Memory grows with the bytes actually read,
         * never with {@code n} alone, so a forged size cannot cause an OutOfMemoryError.
         */
        byte[] readExactly(int n, String what) throws IOException {
            byte[] b;
            try {
                b = in.readNBytes(n);
            } catch (ZipException | EOFException e) {
                throw new DataFormatException(path, "corrupt or truncated gzip stream while reading " + what + " ("
                        + e.getMessage() + ")", e);
            }
            if (b.length != n) {
                throw new DataFormatException(path, "truncated: " + what + " needs " + n + " bytes but only "
                        + b.length + " remain" + (gzip ? " in the decompressed stream" : ""));
            }
            return b;
        }

        /** Fails when any byte follows the expected content. */
        void expectEnd(String what) throws IOException {
            int extra;
            try {
                extra = in.read();
            } catch (ZipException | EOFException e) {
                throw new DataFormatException(path, "corrupt gzip stream after " + what + " (" + e.getMessage() + ")", e);
            }
            if (extra != -1) {
                throw new DataFormatException(path, "unexpected data after " + what
                        + "; the header's dimensions do not match the file length");
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    static Source open(Path path) throws IOException {
        long size = Files.size(path);
        InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        try {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                InputStream gz;
                try {
                    gz = new GZIPInputStream(raw, 1 << 16);
                } catch (ZipException | EOFException e) {
                    throw new DataFormatException(path, "corrupt gzip header (" + e.getMessage() + ")", e);
                }
                return new Source(path, new BufferedInputStream(gz, 1 << 16), true, size);
            }
            return new Source(path, raw, false, size);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    static int bigEndianInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    /** @return {@code path} if it exists, else {@code path + ".gz"} if that exists, else null. */
    static Path rawOrGz(Path dir, String name) {
        Path p = dir.resolve(name);
        if (Files.isRegularFile(p)) {
            return p;
        }
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }
}

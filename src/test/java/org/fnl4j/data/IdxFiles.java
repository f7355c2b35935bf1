package org.fnl4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX and CIFAR files in memory for the loader tests. */
final class IdxFiles {
    private IdxFiles() {}

    static byte[] header(int magic, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length);
        b.putInt(magic);
        for (int d : dims) b.putInt(d);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** n images of r×c with pixel k of image i = (i·31 + k·7) mod 256. */
    static byte[] images(int n, int r, int c) {
        byte[] px = new byte[n * r * c];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < r * c; k++) px[i * r * c + k] = (byte) ((i * 31 + k * 7) % 256);
        }
        return concat(header(Idx.IMAGES_MAGIC, n, r, c), px);
    }

    /** n labels, label i = i mod classes. */
    static byte[] labels(int n, int classes) {
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) l[i] = (byte) (i % classes);
        return concat(header(Idx.LABELS_MAGIC, n), l);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    /** CIFAR records: label bytes then 3072 pixels, pixel k of record i = (i + k) mod 256. */
    static byte[] cifar(int n, int labelBytes, int... labelsPerByte) {
        int rec = labelBytes + 3072;
        byte[] out = new byte[n * rec];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < labelBytes; j++) out[i * rec + j] = (byte) ((i * labelsPerByte[j] + j) % labelsPerByte[j]);
            for (int k = 0; k < 3072; k++) out[i * rec + labelBytes + k] = (byte) ((i + k) % 256);
        }
        return out;
    }
}

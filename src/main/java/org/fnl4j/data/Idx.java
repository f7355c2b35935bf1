package org.fnl4j.data;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reader for the IDX format of MNIST and Fashion-MNIST, gzip-compressed or raw (detected from the
 * content). A file is a big-endian header — magic {@code 00 00 08 n} (unsigned bytes, n
 * dimensions), then n 32-bit sizes — followed by the product of the sizes in bytes. Image files
 * have n = 3 (count, rows, cols; magic 0x00000803), label files n = 1 (magic 0x00000801).
 *
 * <p>Everything is validated before use: the magic and element type, positive dimensions, the
 * data length against the header (truncated or trailing data is an error), the image and label
 * counts against each other, and every label against the class count. Raw files are checked
 * against their size on disk before anything is allocated, and compressed content is read
 * incrementally, so a forged dimension cannot cause an OutOfMemoryError. Every failure is a
 * {@link DataFormatException} naming the file.
 */
public final class Idx {
    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private Idx() {}

    /** Images read from an IDX file: {@code count} images of rows×cols bytes, row-major. */
    public record Images(byte[] pixels, int count, int rows, int cols) {}

    /**
     * Reads the first {@code limit} images (all when {@code limit <= 0} or larger than the file).
     * When everything is read, data after the last image is an error.
     */
    public static Images readImages(Path file, int limit) throws IOException {
        try (DataFiles.Source src = DataFiles.open(file)) {
            int[] dims = header(src, IMAGES_MAGIC, "image", 3);
            int count = dims[0], rows = dims[1], cols = dims[2];
            if (rows <= 0 || cols <= 0) {
                throw new DataFormatException(file, "image size " + rows + "x" + cols + " has a dimension <= 0");
            }
            long item = (long) rows * cols;
            checkLength(src, 16, count, item, "images of " + rows + "x" + cols);
            int n = limit > 0 ? Math.min(limit, count) : count;
            byte[] pixels = src.readExactly((int) (n * item), n + " images of " + rows + "x" + cols + " bytes");
            if (n == count) {
                src.expectEnd(count + " images");
            }
            return new Images(pixels, n, rows, cols);
        }
    }

    /**
     * Reads the first {@code limit} labels (all when {@code limit <= 0}), each checked to lie in
     * [0, numClasses).
     */
    public static int[] readLabels(Path file, int limit, int numClasses) throws IOException {
        try (DataFiles.Source src = DataFiles.open(file)) {
            int count = header(src, LABELS_MAGIC, "label", 1)[0];
            checkLength(src, 8, count, 1, "labels");
            int n = limit > 0 ? Math.min(limit, count) : count;
            byte[] b = src.readExactly(n, n + " labels");
            if (n == count) {
                src.expectEnd(count + " labels");
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = b[i] & 0xFF;
                if (labels[i] >= numClasses) {
                    throw new DataFormatException(file, "label " + labels[i] + " at index " + i + " is outside [0, "
                            + numClasses + ")");
                }
            }
            return labels;
        }
    }

    /**
     * Loads images and labels into an {@link ImageDataset} of shape (1, rows, cols), values
     * pixel/255.
     *
     * @param limit use only the first {@code limit} examples (≤ 0: all)
     */
    public static ImageDataset load(Path images, Path labels, int numClasses, int limit) throws IOException {
        if (numClasses <= 0 || numClasses > 256) {
            throw new IllegalArgumentException("Idx.load: numClasses must be in [1, 256], got " + numClasses);
        }
        Images im = readImages(images, limit);
        int[] lab = readLabels(labels, limit, numClasses);
        if (lab.length != im.count()) {
            throw new DataFormatException(labels, lab.length + " labels" + (limit > 0 ? " (limit " + limit + ")" : "")
                    + " but " + images.getFileName() + " has " + im.count() + " images; expected one label per image");
        }
        return new ImageDataset(images.getFileName().toString(), im.pixels(), lab, new int[] {1, im.rows(), im.cols()},
                numClasses);
    }

    /**
     * Loads split {@code prefix} ("train" or "t10k") from a directory in the MNIST layout:
     * {@code <prefix>-images-idx3-ubyte[.gz]} and {@code <prefix>-labels-idx1-ubyte[.gz]}.
     */
    public static ImageDataset load(Path dir, String prefix, int numClasses, int limit) throws IOException {
        return load(find(dir, prefix + "-images-idx3-ubyte"), find(dir, prefix + "-labels-idx1-ubyte"), numClasses, limit);
    }

    private static Path find(Path dir, String name) throws IOException {
        Path p = DataFiles.rawOrGz(dir, name);
        if (p == null) {
            throw new NoSuchFileException(dir.resolve(name) + "[.gz]", null,
                    "no IDX file " + name + " or " + name + ".gz in " + dir);
        }
        return p;
    }

    private static int[] header(DataFiles.Source src, int expectedMagic, String kind, int ndims) throws IOException {
        if (!src.gzip && src.fileSize < 4L + 4L * ndims) {
            throw new DataFormatException(src.path, "file of " + src.fileSize + " bytes is too short for an IDX " + kind
                    + " header (" + (4 + 4 * ndims) + " bytes)");
        }
        int magic = DataFiles.bigEndianInt(src.readExactly(4, "the IDX magic number"), 0);
        if (magic != expectedMagic) {
            String why = (magic >>> 16) != 0 ? "is not an IDX file"
                    : ((magic >>> 8) & 0xFF) != 0x08 ? "is an IDX file of element type 0x"
                            + Integer.toHexString((magic >>> 8) & 0xFF) + ", not unsigned bytes"
                    : "is not an IDX " + kind + " file";
            throw new DataFormatException(src.path, String.format("magic 0x%08x %s (expected 0x%08x)", magic, why,
                    expectedMagic));
        }
        byte[] h = src.readExactly(4 * ndims, "the " + ndims + " dimensions of the IDX " + kind + " header");
        int[] dims = new int[ndims];
        for (int d = 0; d < ndims; d++) {
            dims[d] = DataFiles.bigEndianInt(h, 4 * d);
            if (dims[d] < 0) {
                throw new DataFormatException(src.path, "dimension " + d + " is " + Integer.toUnsignedString(dims[d])
                        + ", larger than fnl4j supports (2^31 - 1)");
            }
        }
        if (dims[0] == 0) {
            throw new DataFormatException(src.path, "holds no " + kind + "s (count 0); expected at least one");
        }
        return dims;
    }

    private static void checkLength(DataFiles.Source src, long headerBytes, int count, long item, String what)
            throws DataFormatException {
        long body = count * item;
        if (body > Integer.MAX_VALUE - 16) {
            throw new DataFormatException(src.path, "header declares " + count + " " + what + " = " + body
                    + " bytes, more than one Java array holds");
        }
        if (!src.gzip && headerBytes + body != src.fileSize) {
            throw new DataFormatException(src.path, (headerBytes + body > src.fileSize ? "truncated: " : "")
                    + "header declares " + count + " " + what + " (" + (headerBytes + body) + " bytes with the header)"
                    + " but the file has " + src.fileSize + " bytes");
        }
    }
}

package org.fnl4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reader for the CIFAR-10 and CIFAR-100 binary formats. A file is a sequence of fixed-length
 * records: the label byte(s) — CIFAR-10 one (class 0–9), CIFAR-100 two (coarse 0–19, fine 0–99) —
 * then 3072 pixel bytes: the 32×32 red plane, green plane, blue plane, i.e. already (C, H, W).
 *
 * <p>Validated: the file is non-empty and its length a whole number of records (else it is
 * truncated), every label is in range. Sizes come from the file system before anything is read,
 * so memory is bounded by the real data. Failures are {@link DataFormatException}s naming the file.
 */
public final class Cifar {
    private static final int PIXELS = 3 * 32 * 32;

    /** Which CIFAR variant a file holds, and which label to use. */
    public enum Variant {
        /** CIFAR-10: 1 label byte, 10 classes. */
        CIFAR10(1, 0, 10),
        /** CIFAR-100 with its 20 coarse superclasses (first label byte). */
        CIFAR100_COARSE(2, 0, 20),
        /** CIFAR-100 with its 100 fine classes (second label byte). */
        CIFAR100_FINE(2, 1, 100);

        final int labelBytes;
        final int labelIndex;
        final int classes;

        Variant(int labelBytes, int labelIndex, int classes) {
            this.labelBytes = labelBytes;
            this.labelIndex = labelIndex;
            this.classes = classes;
        }

        /** @return bytes per record: label byte(s) + 3072 pixels. */
        public int recordBytes() {
            return labelBytes + PIXELS;
        }

        public int numClasses() {
            return classes;
        }
    }

    private Cifar() {}

    /**
     * Reads the records of {@code files}, in order, into one dataset of shape (3, 32, 32).
     *
     * @param limit use only the first {@code limit} examples over all files (≤ 0: all)
     */
    public static ImageDataset read(List<Path> files, Variant variant, int limit) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("Cifar.read: no files given");
        }
        int rec = variant.recordBytes();
        long total = 0;
        List<Integer> counts = new ArrayList<>();
        for (Path f : files) {
            long size = Files.size(f);
            if (size == 0) {
                throw new DataFormatException(f, "file is empty; expected " + variant + " records of " + rec + " bytes");
            }
            if (size % rec != 0) {
                throw new DataFormatException(f, "length " + size + " is not a whole number of " + rec + "-byte "
                        + variant + " records (" + size / rec + " records and " + size % rec
                        + " bytes left over: truncated, or not a " + variant + " file)");
            }
            counts.add((int) Math.min(Integer.MAX_VALUE, size / rec));
            total += size / rec;
        }
        long n = limit > 0 ? Math.min(limit, total) : total;
        if (n * rec > Integer.MAX_VALUE - 16) {
            throw new DataFormatException(files.get(0), n + " CIFAR images do not fit in one Java array; use a limit");
        }
        byte[] pixels = new byte[(int) (n * PIXELS)];
        int[] labels = new int[(int) n];
        int done = 0;
        for (int fi = 0; fi < files.size() && done < n; fi++) {
            Path f = files.get(fi);
            int take = (int) Math.min(counts.get(fi), n - done);
            try (DataFiles.Source src = DataFiles.open(f)) {
                if (src.gzip) {
                    throw new DataFormatException(f, "is gzip-compressed; CIFAR binary files are read uncompressed"
                            + " (gunzip it first)");
                }
                byte[] b = src.readExactly(take * rec, take + " records");
                for (int r = 0; r < take; r++) {
                    System.arraycopy(b, r * rec + variant.labelBytes, pixels, (done + r) * PIXELS, PIXELS);
                    int label = b[r * rec + variant.labelIndex] & 0xFF;
                    if (label >= variant.classes) {
                        throw new DataFormatException(f, "label " + label + " of record " + r + " is outside [0, "
                                + variant.classes + ") for " + variant);
                    }
                    labels[done + r] = label;
                }
                done += take;
            }
        }
        String name = files.size() == 1 ? files.get(0).getFileName().toString()
                : files.get(0).getFileName() + " + " + (files.size() - 1) + " more";
        return new ImageDataset(name, pixels, labels, new int[] {3, 32, 32}, variant.classes);
    }

    /**
     * Loads CIFAR-10 from its binary distribution directory ({@code cifar-10-batches-bin}, or a
     * directory containing it): training = {@code data_batch_1.bin} … {@code data_batch_5.bin},
     * test = {@code test_batch.bin}.
     */
    public static ImageDataset load10(Path dir, boolean train, int limit) throws IOException {
        Path d = Files.isDirectory(dir.resolve("cifar-10-batches-bin")) ? dir.resolve("cifar-10-batches-bin") : dir;
        List<Path> files = new ArrayList<>();
        if (train) {
            for (int i = 1; i <= 5; i++) {
                files.add(require(d, "data_batch_" + i + ".bin"));
            }
        } else {
            files.add(require(d, "test_batch.bin"));
        }
        return read(files, Variant.CIFAR10, limit);
    }

    /**
     * Loads CIFAR-100 from {@code cifar-100-binary} (or a directory containing it): {@code train.bin}
     * or {@code test.bin}, with fine (100) or coarse (20) labels.
     */
    public static ImageDataset load100(Path dir, boolean train, boolean fine, int limit) throws IOException {
        Path d = Files.isDirectory(dir.resolve("cifar-100-binary")) ? dir.resolve("cifar-100-binary") : dir;
        return read(List.of(require(d, train ? "train.bin" : "test.bin")),
                fine ? Variant.CIFAR100_FINE : Variant.CIFAR100_COARSE, limit);
    }

    private static Path require(Path dir, String name) throws NoSuchFileException {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new NoSuchFileException(p.toString(), null, "CIFAR binary file " + name + " not found in " + dir);
        }
        return p;
    }
}

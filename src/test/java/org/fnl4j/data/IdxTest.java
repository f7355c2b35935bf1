package org.fnl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] data) throws IOException {
        return Files.write(dir.resolve(name), data);
    }

    private DataFormatException bad(String name, byte[] data, boolean images) throws IOException {
        Path p = write(name, data);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> { if (images) Idx.readImages(p, 0); else Idx.readLabels(p, 0, 10); });
        assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
        return e;
    }

    @Test
    void readsRawAndGzipIdentically() throws IOException {
        write("train-images-idx3-ubyte", IdxFiles.images(5, 3, 4));
        write("train-labels-idx1-ubyte", IdxFiles.labels(5, 10));
        ImageDataset raw = Idx.load(dir, "train", 10, 0);
        Files.delete(dir.resolve("train-images-idx3-ubyte"));
        Files.delete(dir.resolve("train-labels-idx1-ubyte"));
        write("train-images-idx3-ubyte.gz", IdxFiles.gzip(IdxFiles.images(5, 3, 4)));
        write("train-labels-idx1-ubyte.gz", IdxFiles.gzip(IdxFiles.labels(5, 10)));
        ImageDataset gz = Idx.load(dir, "train", 10, 0);
        for (ImageDataset ds : new ImageDataset[] {raw, gz}) {
            assertEquals(5, ds.size());
            assertArrayEquals(new int[] {1, 3, 4}, ds.exampleShape());
            float[] x = new float[12];
            ds.copyExample(2, x, 0);
            for (int k = 0; k < 12; k++) assertEquals(((2 * 31 + k * 7) % 256) / 255f, x[k], 0f);
            assertEquals(4, ds.label(4));
        }
    }

    @Test
    void limitReadsOnlyTheFirstExamples() throws IOException {
        Path im = write("i.gz", IdxFiles.gzip(IdxFiles.images(6, 2, 2)));
        Path lb = write("l", IdxFiles.labels(6, 10));
        ImageDataset ds = Idx.load(im, lb, 10, 4);
        assertEquals(4, ds.size());
        assertEquals(3, ds.label(3));
        assertEquals(6, Idx.load(im, lb, 10, 100).size());
    }

    @Test
    void wrongMagicNamesFileAndExpectation() throws IOException {
        DataFormatException e = bad("train-images-idx3-ubyte.gz", IdxFiles.gzip(IdxFiles.labels(3, 10)), true);
        assertEquals("train-images-idx3-ubyte.gz: magic 0x00000801 is not an IDX image file (expected 0x00000803)",
                e.getMessage());
        e = bad("x", IdxFiles.concat(IdxFiles.header(0x00000D03, 1, 1, 1), new byte[4]), true);
        assertEquals("x: magic 0x00000d03 is an IDX file of element type 0xd, not unsigned bytes (expected 0x00000803)",
                e.getMessage());
        e = bad("y", "hello world, not idx".getBytes(), false);
        assertTrue(e.getMessage().contains("is not an IDX file"), e.getMessage());
    }

    @Test
    void truncatedAndTrailingDataAreRejected() throws IOException {
        byte[] good = IdxFiles.images(4, 3, 3);
        DataFormatException e = bad("short", Arrays.copyOf(good, good.length - 1), true);
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        e = bad("short.gz", IdxFiles.gzip(Arrays.copyOf(good, good.length - 5)), true);
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        e = bad("long", IdxFiles.concat(good, new byte[1]), true);
        assertTrue(e.getMessage().contains("file has " + (good.length + 1) + " bytes"), e.getMessage());
        e = bad("long.gz", IdxFiles.gzip(IdxFiles.concat(good, new byte[3])), true);
        assertTrue(e.getMessage().contains("unexpected data after 4 images"), e.getMessage());
        bad("header-only", Arrays.copyOf(good, 10), true);
        byte[] gz = IdxFiles.gzip(good);
        e = bad("cut.gz", Arrays.copyOf(gz, gz.length / 2), true);
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void forgedHugeDimensionsFailWithoutAllocating() throws IOException {
        byte[] forged = IdxFiles.concat(IdxFiles.header(Idx.IMAGES_MAGIC, 2_000_000_000, 28, 28), new byte[100]);
        DataFormatException e = bad("forged", forged, true);
        assertTrue(e.getMessage().contains("more than one Java array holds"), e.getMessage());
        // Fits an array in principle, but the content is not there: raw checks the file size first,
        // gzip reads incrementally and reports truncation.
        byte[] forged2 = IdxFiles.concat(IdxFiles.header(Idx.IMAGES_MAGIC, 2_000_000, 28, 28), new byte[100]);
        e = bad("forged2", forged2, true);
        assertTrue(e.getMessage().contains("truncated: header declares 2000000"), e.getMessage());
        e = bad("forged2.gz", IdxFiles.gzip(forged2), true);
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        e = bad("negative", IdxFiles.concat(IdxFiles.header(Idx.LABELS_MAGIC, -1), new byte[8]), false);
        assertTrue(e.getMessage().contains("larger than fnl4j supports"), e.getMessage());
    }

    @Test
    void labelsOutOfRangeCountMismatchAndEmptyAreRejected() throws IOException {
        byte[] lab = IdxFiles.labels(4, 10);
        lab[8 + 2] = 10;
        DataFormatException e = bad("labels", lab, false);
        assertEquals("labels: label 10 at index 2 is outside [0, 10)", e.getMessage());

        Path im = write("im", IdxFiles.images(5, 2, 2));
        Path lb = write("lb", IdxFiles.labels(4, 10));
        e = assertThrows(DataFormatException.class, () -> Idx.load(im, lb, 10, 0));
        assertEquals("lb: 4 labels but im has 5 images; expected one label per image", e.getMessage());

        e = bad("empty-count", IdxFiles.header(Idx.LABELS_MAGIC, 0), false);
        assertTrue(e.getMessage().contains("holds no labels"), e.getMessage());
        bad("empty-file", new byte[0], false);
        e = bad("zero-rows", IdxFiles.header(Idx.IMAGES_MAGIC, 1, 0, 5), true);
        assertTrue(e.getMessage().contains("0x5 has a dimension <= 0"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> Idx.load(dir, "nope", 10, 0));
    }

    @Test
    void corruptGzipIsADataFormatException() throws IOException {
        byte[] gz = IdxFiles.gzip(IdxFiles.images(4, 3, 3));
        for (int i = 12; i < gz.length - 8; i++) gz[i] ^= 0x5A;
        bad("garbled.gz", gz, true);
        bad("magic-only.gz", new byte[] {0x1f, (byte) 0x8b, 8}, true);
    }

    /** Random mutations and truncations either load or fail with DataFormatException, never anything else. */
    @Test
    void fuzzedFilesLoadOrFailCleanly() throws IOException {
        byte[] images = IdxFiles.images(6, 4, 4);
        byte[] labels = IdxFiles.labels(6, 10);
        Random r = new Random(20261127);
        int loaded = 0;
        for (int trial = 0; trial < 250; trial++) {
            byte[] base = trial % 2 == 0 ? images : labels;
            byte[] b = base.clone();
            int kind = r.nextInt(3);
            if (kind == 0) {
                b = Arrays.copyOf(b, r.nextInt(b.length));
            } else {
                int flips = 1 + r.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    int pos = r.nextInt(Math.min(b.length, kind == 1 ? 16 : b.length));
                    b[pos] = (byte) r.nextInt(256);
                }
            }
            if (r.nextBoolean()) b = IdxFiles.gzip(b);
            if (b.length > 0 && r.nextInt(4) == 0) {
                byte[] c = b.clone();
                c[r.nextInt(c.length)] ^= (byte) (1 + r.nextInt(255));
                b = c;
            }
            Path p = write("fuzz" + trial, b);
            try {
                if (base == images) Idx.readImages(p, r.nextInt(3) == 0 ? 3 : 0);
                else Idx.readLabels(p, 0, 10);
                loaded++;
            } catch (DataFormatException expected) {
                assertTrue(expected.getMessage().startsWith("fuzz" + trial + ": "), expected.getMessage());
            } catch (Throwable t) {
                fail("trial " + trial + ": " + t, t);
            }
        }
        assertTrue(loaded > 0 && loaded < 250, "loaded " + loaded);
    }

    @Test
    void shippedSubsetLoads() throws IOException {
        Path d = Datasets.shippedFashionMnist().orElseThrow();
        ImageDataset train = Datasets.fashionMnist(d, true, 0);
        ImageDataset test = Datasets.fashionMnist(d, false, 0);
        assertEquals(10000, train.size());
        assertEquals(2000, test.size());
        assertArrayEquals(new int[] {1, 28, 28}, train.exampleShape());
        int[] counts = new int[10];
        for (int i = 0; i < test.size(); i++) counts[test.label(i)]++;
        assertArrayEquals(new int[] {200, 203, 214, 190, 219, 195, 197, 200, 194, 188}, counts);
        // The first training image of Fashion-MNIST is an ankle boot (class 9).
        assertEquals(9, train.label(0));
    }
}

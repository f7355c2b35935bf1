package org.fnl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarTest {
    @TempDir
    Path dir;

    @Test
    void readsCifar10AcrossFilesWithLimit() throws IOException {
        Path d = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        for (int f = 1; f <= 5; f++) Files.write(d.resolve("data_batch_" + f + ".bin"), IdxFiles.cifar(3, 1, 10));
        Files.write(d.resolve("test_batch.bin"), IdxFiles.cifar(2, 1, 10));
        ImageDataset train = Cifar.load10(dir, true, 0);
        assertEquals(15, train.size());
        assertArrayEquals(new int[] {3, 32, 32}, train.exampleShape());
        assertEquals(10, train.numClasses());
        // Record 1 of the second file is example 4: label (1·10 + 0) mod 10 = 0, pixels (1 + k) mod 256.
        float[] x = new float[3072];
        train.copyExample(4, x, 0);
        assertEquals(2 / 255f, x[1], 0f);
        assertEquals(((1 + 3071) % 256) / 255f, x[3071], 0f);
        assertEquals(7, Cifar.load10(d, true, 7).size());
        assertEquals(2, Cifar.load10(d, false, 0).size());
    }

    @Test
    void readsCifar100FineAndCoarse() throws IOException {
        Path f = Files.write(dir.resolve("train.bin"), IdxFiles.cifar(4, 2, 20, 100));
        byte[] b = Files.readAllBytes(f);
        b[3074] = 7;  // coarse label of record 1
        b[3075] = 93; // fine label of record 1
        Files.write(f, b);
        assertEquals(7, Cifar.load100(dir, true, false, 0).label(1));
        ImageDataset fine = Cifar.load100(dir, true, true, 0);
        assertEquals(93, fine.label(1));
        assertEquals(100, fine.numClasses());
    }

    @Test
    void truncatedEmptyAndOutOfRangeAreRejected() throws IOException {
        byte[] good = IdxFiles.cifar(3, 1, 10);
        Path t = Files.write(dir.resolve("test_batch.bin"), Arrays.copyOf(good, good.length - 1));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar.read(List.of(t), Cifar.Variant.CIFAR10, 0));
        assertEquals("test_batch.bin: length 9218 is not a whole number of 3073-byte CIFAR10 records (2 records and "
                + "3072 bytes left over: truncated, or not a CIFAR10 file)", e.getMessage());

        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        e = assertThrows(DataFormatException.class, () -> Cifar.read(List.of(empty), Cifar.Variant.CIFAR10, 0));
        assertTrue(e.getMessage().startsWith("empty.bin: file is empty"), e.getMessage());

        byte[] bad = good.clone();
        bad[2 * 3073] = 10;
        Path l = Files.write(dir.resolve("labels.bin"), bad);
        e = assertThrows(DataFormatException.class, () -> Cifar.read(List.of(l), Cifar.Variant.CIFAR10, 0));
        assertEquals("labels.bin: label 10 of record 2 is outside [0, 10) for CIFAR10", e.getMessage());
        // The limit stops before the bad record.
        assertEquals(2, Cifar.read(List.of(l), Cifar.Variant.CIFAR10, 2).size());

        // A CIFAR-10 file read as CIFAR-100 has the wrong record length.
        Path c10 = Files.write(dir.resolve("c10.bin"), good);
        assertThrows(DataFormatException.class, () -> Cifar.read(List.of(c10), Cifar.Variant.CIFAR100_FINE, 0));
        assertThrows(NoSuchFileException.class, () -> Cifar.load10(dir.resolve("missing"), true, 0));
    }
}

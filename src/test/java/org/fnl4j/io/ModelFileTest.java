package org.fnl4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir
    Path dir;

    static Map<String, Tensor> sampleTensors() {
        Rng rng = new Rng(7);
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("layer1.weight", Tensor.randn(rng, 1f, 3, 4));
        t.put("layer1.bias", Tensor.randn(rng, 1f, 4));
        t.put("scalar", Tensor.scalar(Float.NaN));
        t.put("empty", Tensor.zeros(0, 5));
        t.put("ünï", Tensor.of(new float[] {-0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY}, 2, 1, 2));
        return t;
    }

    static Map<String, Object> sampleHeader() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("kind", "model");
        h.put("model", Map.of("type", "mlp", "options", Map.of("hidden", List.of(8L, 8L))));
        return h;
    }

    static byte[] sampleBytes() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ModelFile.writeTo(bos, sampleHeader(), sampleTensors());
        return bos.toByteArray();
    }

    @Test
    void roundTripIsBitExact() throws IOException {
        Path f = dir.resolve("m.fnl");
        ModelFile.write(f, sampleHeader(), sampleTensors());
        ModelFile.Contents c = ModelFile.read(f);
        assertEquals(sampleHeader(), c.header());
        Map<String, Tensor> want = sampleTensors();
        assertEquals(List.copyOf(want.keySet()), List.copyOf(c.tensors().keySet()));
        for (String k : want.keySet()) {
            assertArrayEquals(want.get(k).shape(), c.tensor(k).shape(), k);
            float[] a = want.get(k).toArray();
            float[] b = c.tensor(k).toArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), k + "[" + i + "]");
            }
        }
        assertArrayEquals(sampleBytes(), Files.readAllBytes(f));
    }

    @Test
    void layoutMatchesTheDocumentedFormat() throws IOException {
        byte[] b = sampleBytes();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("FNL4J\0", new String(b, 0, 6, java.nio.charset.StandardCharsets.US_ASCII));
        bb.position(6);
        assertEquals(1, bb.getShort());
        int hl = bb.getInt();
        assertEquals(Json.write(sampleHeader()), new String(b, 12, hl, java.nio.charset.StandardCharsets.UTF_8));
        bb.position(12 + hl);
        assertEquals(5, bb.getInt());
        assertEquals("layer1.weight".length(), bb.getShort());
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        assertEquals((int) crc.getValue(), bb.getInt(b.length - 4));
    }

    @Test
    void badFilesGiveSpecificMessages() throws IOException {
        byte[] good = sampleBytes();
        Path f = dir.resolve("bad.fnl");

        Files.write(f, java.util.Arrays.copyOf(good, good.length - 10));
        assertMessage(f, "checksum mismatch");

        byte[] flipped = good.clone();
        flipped[40] ^= 0x10;
        Files.write(f, flipped);
        assertMessage(f, "corrupted");

        byte[] magic = good.clone();
        magic[0] = 'X';
        Files.write(f, magic);
        assertMessage(f, "wrong magic");

        byte[] newer = good.clone();
        newer[6] = 2;
        Files.write(f, newer);
        assertMessage(f, "newer");

        Files.write(f, new byte[0]);
        assertMessage(f, "wrong magic");

        Files.write(f, "FNL4J\0\1".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertMessage(f, "truncated");

        assertThrows(ModelFormatException.class, () -> ModelFile.read(dir));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ModelFile.read(dir.resolve("missing.fnl")));
    }

    @Test
    void forgedLengthsWithValidChecksumAreRejectedBeforeAllocating() {
        byte[] good;
        try {
            good = sampleBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        int hl = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        int firstDims = 12 + hl + 4 + 2 + "layer1.weight".length() + 1;
        byte[] forged = good.clone();
        ByteBuffer.wrap(forged).order(ByteOrder.LITTLE_ENDIAN).putInt(firstDims, 0x7FFFFFFF).putInt(firstDims + 4, 0x7FFFFFFF);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.parse(reseal(forged), "forged"));
        assertTrue(e.getMessage().contains("forged length"), e.getMessage());

        byte[] count = good.clone();
        ByteBuffer.wrap(count).order(ByteOrder.LITTLE_ENDIAN).putInt(12 + hl, -1);
        e = assertThrows(ModelFormatException.class, () -> ModelFile.parse(reseal(count), "forged"));
        assertTrue(e.getMessage().contains("tensor count"), e.getMessage());

        byte[] header = good.clone();
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putInt(8, Integer.MAX_VALUE);
        e = assertThrows(ModelFormatException.class, () -> ModelFile.parse(reseal(header), "forged"));
        assertTrue(e.getMessage().contains("header length"), e.getMessage());
    }

    /** Recomputes the trailing CRC so a test can probe the structural checks behind the checksum. */
    static byte[] reseal(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length - 4, (int) crc.getValue());
        return b;
    }

    private static void assertMessage(Path f, String expected) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.read(f));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
    }

    @Test
    void failedWriteLeavesOldFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("keep.fnl");
        ModelFile.write(f, sampleHeader(), sampleTensors());
        byte[] before = Files.readAllBytes(f);
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[1000]);
            throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("No space left"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void unwritableDirectoryIsAClearError() throws IOException {
        Path ro = dir.resolve("ro");
        Files.createDirectory(ro);
        assertFalse(Files.exists(ro.resolve("x")));
        IOException e = assertThrows(IOException.class,
                () -> ModelFile.write(dir.resolve("nodir").resolve("m.fnl"), sampleHeader(), sampleTensors()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        if (ro.toFile().setWritable(false) && !Files.isWritable(ro)) { // root ignores permissions
            e = assertThrows(IOException.class, () -> ModelFile.write(ro.resolve("m.fnl"), sampleHeader(), sampleTensors()));
            assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
            ro.toFile().setWritable(true);
        }
    }
}

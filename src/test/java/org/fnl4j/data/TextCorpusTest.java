package org.fnl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {
    @TempDir
    Path dir;

    @Test
    void vocabularyIsSortedAndRoundTrips() {
        TextCorpus c = TextCorpus.of("t", "hello world", 0.0);
        assertEquals(" dehlorw", c.vocabulary());
        assertEquals(8, c.vocabSize());
        assertArrayEquals(new int[] {3, 2, 4, 4, 5}, c.encode("hello"));
        assertEquals("hello world", c.decode(c.encode("hello world")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.encode("hi"));
        assertTrue(e.getMessage().contains("'i' (U+0069) at 1"), e.getMessage());
    }

    @Test
    void splitsByPosition() {
        TextCorpus c = TextCorpus.of("t", "abcdefghij", 0.3);
        assertEquals("abcdefg", c.decode(c.trainIds()));
        assertEquals("hij", c.decode(c.testIds()));
    }

    @Test
    void randomBatchesAreShiftedByOneAndSeeded() {
        TextCorpus c = TextCorpus.of("t", "the quick brown fox jumps over the lazy dog", 0.0);
        int[] ids = c.trainIds();
        Batch a = TextCorpus.randomBatch(ids, 4, 5, new Rng(3));
        Batch b = TextCorpus.randomBatch(ids, 4, 5, new Rng(3));
        assertArrayEquals(ids(a), ids(b));
        assertArrayEquals(new int[] {4, 5}, a.inputs().shape());
        assertEquals(20, a.items());
        String text = c.decode(ids);
        for (int r = 0; r < 4; r++) {
            int[] in = java.util.Arrays.copyOfRange(ids(a), r * 5, r * 5 + 5);
            int[] tg = java.util.Arrays.copyOfRange(a.targets(), r * 5, r * 5 + 5);
            String window = c.decode(in) + c.decode(new int[] {tg[4]});
            assertTrue(text.contains(window), window);
            assertEquals(c.decode(in).substring(1), c.decode(tg).substring(0, 4));
        }
        // A window of the whole text minus one fits exactly; one more does not.
        TextCorpus.randomBatch(ids, 2, ids.length - 1, new Rng(0));
        assertThrows(IllegalArgumentException.class, () -> TextCorpus.randomBatch(ids, 2, ids.length, new Rng(0)));
    }

    @Test
    void sequentialBatchesPredictEveryStreamPositionOnce() {
        int[] ids = new int[103];
        for (int i = 0; i < ids.length; i++) ids[i] = i;
        List<Batch> bs = TextCorpus.sequentialBatches(ids, 4, 7);
        // Streams of 25; 24 targets each: windows of 7, 7, 7, 3.
        assertEquals(4, bs.size());
        assertEquals(3, bs.get(3).inputs().shape(1));
        boolean[] seen = new boolean[100];
        for (Batch b : bs) {
            int[] in = ids(b);
            for (int k = 0; k < in.length; k++) {
                assertEquals(in[k] + 1, b.targets()[k]);
                assertTrue(!seen[b.targets()[k]], "target twice");
                seen[b.targets()[k]] = true;
            }
        }
        int count = 0;
        for (boolean s : seen) count += s ? 1 : 0;
        assertEquals(96, count);
    }

    @Test
    void loadsGzipAndRejectsBadFiles() throws IOException {
        Path gz = Files.write(dir.resolve("t.txt.gz"), IdxFiles.gzip("abc\nabd\n".getBytes(StandardCharsets.UTF_8)));
        TextCorpus c = TextCorpus.load(gz, 0.25);
        assertEquals("\nabcd", c.vocabulary());
        assertEquals(6, c.trainIds().length);
        Path empty = Files.write(dir.resolve("empty.txt"), new byte[0]);
        DataFormatException e = assertThrows(DataFormatException.class, () -> TextCorpus.load(empty, 0.1));
        assertEquals("empty.txt: text file is empty; expected UTF-8 text", e.getMessage());
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'a', (byte) 0xE9, 'b'});
        e = assertThrows(DataFormatException.class, () -> TextCorpus.load(latin1, 0.1));
        assertTrue(e.getMessage().startsWith("latin1.txt: is not valid UTF-8"), e.getMessage());
        byte[] cut = IdxFiles.gzip("some text that is long enough to be cut".getBytes(StandardCharsets.UTF_8));
        Path bad = Files.write(dir.resolve("cut.gz"), java.util.Arrays.copyOf(cut, cut.length - 10));
        assertThrows(DataFormatException.class, () -> TextCorpus.load(bad, 0.1));
    }

    @Test
    void shippedKjvSampleLoads() throws IOException {
        TextCorpus kjv = Datasets.kjv();
        assertEquals(1_013_917, kjv.length());
        assertEquals(62, kjv.vocabSize());
        assertTrue(kjv.decode(java.util.Arrays.copyOf(kjv.trainIds(), 30)).startsWith("In the beginning God created"));
        assertEquals(kjv.length() - (int) Math.floor(kjv.length() * 0.9), kjv.testIds().length);
    }

    /** The input ids of a token batch (stored as floats). */
    private static int[] ids(Batch b) {
        float[] f = b.inputs().toArray();
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) out[i] = (int) f[i];
        return out;
    }
}

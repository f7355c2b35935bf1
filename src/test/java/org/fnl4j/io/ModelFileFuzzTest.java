package org.fnl4j.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.Arrays;
import org.fnl4j.onnx.OnnxFormatException;
import org.fnl4j.onnx.OnnxFormatTestAccess;
import org.fnl4j.onnx.OnnxImport;
import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * Thousands of randomly damaged model files: each must either load or fail with
 * {@link ModelFormatException}, never with another exception, an out-of-memory error or a hang.
 * Half of the mutants get a recomputed checksum so that the structural checks behind the CRC
 * (forged lengths, shapes, names, JSON) are exercised, not only the checksum.
 */
class ModelFileFuzzTest {
    @Test
    void mutatedAndTruncatedFilesLoadOrFailCleanly() throws IOException {
        byte[] good = ModelFileTest.sampleBytes();
        Rng rng = new Rng(2024);
        int loaded = 0;
        int rejected = 0;
        for (int iter = 0; iter < 4000; iter++) {
            byte[] b = mutate(good, rng);
            if (rng.nextInt(2) == 0 && b.length >= 4) {
                ModelFileTest.reseal(b);
            }
            try {
                ModelFile.parse(b, "fuzz#" + iter);
                loaded++;
            } catch (ModelFormatException e) {
                assertTrue(e.getMessage().startsWith("fuzz#" + iter + ": "), e.getMessage());
                rejected++;
            } catch (Throwable t) {
                fail("mutant #" + iter + " threw " + t + " instead of ModelFormatException", t);
            }
        }
        assertTrue(rejected > 2000, "most mutants must be rejected, rejected " + rejected);
        assertTrue(loaded > 0, "mutants in float data with a resealed checksum still load");
    }

    /**
     * The same mutations on ONNX files (a tiny MLP and a narrow ResNet-20 exported by fnl4j): each
     * either imports or fails with {@link OnnxFormatException} naming the source.
     */
    @Test
    void mutatedAndTruncatedOnnxFilesImportOrFailCleanly() throws Exception {
        byte[][] goods = {OnnxFormatTestAccess.tinyMlp(), OnnxFormatTestAccess.narrowResNet()};
        Rng rng = new Rng(2025);
        int loaded = 0;
        int rejected = 0;
        for (int iter = 0; iter < 3000; iter++) {
            byte[] b = mutate(goods[iter % 2], rng);
            try {
                OnnxImport.fromBytes(b, "onnx-fuzz#" + iter);
                loaded++;
            } catch (OnnxFormatException e) {
                assertTrue(e.getMessage().startsWith("onnx-fuzz#" + iter + ": "), e.getMessage());
                rejected++;
            } catch (Throwable t) {
                fail("ONNX mutant #" + iter + " threw " + t + " instead of OnnxFormatException", t);
            }
        }
        assertTrue(rejected > 1000, "most mutants must be rejected, rejected " + rejected);
        assertTrue(loaded > 0, "mutants in float data still import");
    }

    private static byte[] mutate(byte[] good, Rng rng) {
        switch (rng.nextInt(5)) {
            case 0: // truncate
                return Arrays.copyOf(good, rng.nextInt(good.length));
            case 1: { // flip bits
                byte[] b = good.clone();
                int flips = 1 + rng.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
                }
                return b;
            }
            case 2: { // overwrite a 4-byte field with an extreme value, likely a length
                byte[] b = good.clone();
                int at = rng.nextInt(Math.min(b.length - 4, 200));
                int v = switch (rng.nextInt(4)) {
                    case 0 -> -1;
                    case 1 -> Integer.MAX_VALUE;
                    case 2 -> 0;
                    default -> rng.nextInt(1 << 20);
                };
                b[at] = (byte) v;
                b[at + 1] = (byte) (v >>> 8);
                b[at + 2] = (byte) (v >>> 16);
                b[at + 3] = (byte) (v >>> 24);
                return b;
            }
            case 3: { // insert random bytes
                int at = rng.nextInt(good.length);
                int n = 1 + rng.nextInt(16);
                byte[] b = new byte[good.length + n];
                System.arraycopy(good, 0, b, 0, at);
                for (int i = 0; i < n; i++) b[at + i] = (byte) rng.nextInt(256);
                System.arraycopy(good, at, b, at + n, good.length - at);
                return b;
            }
            default: { // delete a range
                int at = rng.nextInt(good.length);
                int n = Math.min(good.length - at, 1 + rng.nextInt(16));
                byte[] b = new byte[good.length - n];
                System.arraycopy(good, 0, b, 0, at);
                System.arraycopy(good, at + n, b, at, good.length - at - n);
                return b;
            }
        }
    }
}

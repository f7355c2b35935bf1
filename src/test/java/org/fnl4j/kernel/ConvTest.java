package org.fnl4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.Test;

/** {@link Conv} and its implementations against the direct-loop oracle {@link ConvReference}. */
class ConvTest {

    /** (N, C, H, W, O, kh, kw, sh, sw, ph, pw, dh, dw, groups). */
    static final int[][] GEOMETRIES = {
        {1, 3, 7, 7, 5, 1, 1, 1, 1, 0, 0, 1, 1, 1},      // 1x1
        {3, 7, 13, 13, 17, 1, 1, 2, 2, 0, 0, 1, 1, 1},   // 1x1 stride 2
        {2, 3, 7, 7, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1},      // 1x1 padded: input gradient crops
        {3, 3, 13, 13, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1},    // 3x3 same
        {1, 17, 13, 13, 7, 3, 3, 2, 2, 0, 0, 1, 1, 1},   // 3x3 stride 2 valid
        {3, 7, 13, 7, 17, 3, 3, 2, 2, 1, 1, 1, 1, 1},    // 3x3 stride 2 pad 1, non-square
        {1, 3, 13, 13, 7, 5, 5, 1, 1, 2, 2, 1, 1, 1},    // 5x5
        {2, 3, 7, 7, 5, 5, 5, 2, 2, 2, 2, 1, 1, 1},      // 5x5 stride 2
        {3, 7, 7, 13, 17, 1, 3, 1, 1, 0, 1, 1, 1, 1},    // 1x3
        {1, 7, 13, 7, 3, 3, 1, 1, 1, 1, 0, 1, 1, 1},     // 3x1
        {3, 3, 13, 7, 7, 3, 3, 2, 1, 1, 2, 1, 1, 1},     // per-axis stride and padding
        {2, 7, 7, 13, 5, 3, 3, 1, 2, 0, 1, 1, 1, 1},     // stride 1x2
        {1, 3, 13, 13, 5, 3, 3, 1, 1, 2, 2, 2, 2, 1},    // dilation 2
        {2, 3, 13, 13, 5, 3, 3, 2, 1, 1, 2, 1, 2, 1},    // per-axis dilation with stride
        {3, 4, 7, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2},      // groups 2
        {2, 6, 13, 13, 4, 3, 3, 2, 2, 1, 1, 1, 1, 2},    // groups 2 strided
        {3, 7, 13, 13, 7, 3, 3, 1, 1, 1, 1, 1, 1, 7},    // depthwise
        {2, 3, 13, 7, 6, 3, 3, 2, 2, 1, 1, 1, 1, 3},     // depthwise, multiplier 2, strided
        {1, 3, 7, 7, 3, 5, 5, 1, 1, 2, 2, 2, 2, 3},      // depthwise dilated (only the centre fits)
        {3, 1, 13, 13, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1},    // one input channel
        {2, 3, 7, 7, 5, 3, 3, 1, 1, 2, 2, 1, 1, 1},      // pad 2 > needed
        {2, 3, 7, 7, 5, 2, 2, 1, 1, 0, 0, 1, 1, 1},      // even kernel
        {2, 17, 13, 13, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1},  // full 4x6 register blocks and tails
        {1, 16, 28, 28, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1},  // the benchmark layer, batch 1
        {1, 16, 28, 28, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1},  // ResNet-20 downsampling layer
    };

    @Test
    void allPassesMatchReferenceOverGeometries() {
        for (int[] g : GEOMETRIES) {
            checkAll(shape(g));
        }
    }

    @Test
    void randomGeometriesMatchReference() {
        Rng rng = new Rng(2024);
        for (int t = 0; t < 40; t++) {
            int groups = 1 + rng.nextInt(3);
            int cg = 1 + rng.nextInt(5), og = 1 + rng.nextInt(6);
            int kh = 1 + rng.nextInt(4), kw = 1 + rng.nextInt(4);
            int dh = 1 + rng.nextInt(2), dw = 1 + rng.nextInt(2);
            int ph = rng.nextInt(3), pw = rng.nextInt(3);
            int h = (kh - 1) * dh + 1 + rng.nextInt(9), w = (kw - 1) * dw + 1 + rng.nextInt(9);
            ConvShape s = new ConvShape(1 + rng.nextInt(3), cg * groups, h, w, og * groups, kh, kw,
                    1 + rng.nextInt(3), 1 + rng.nextInt(3), ph, pw, dh, dw, groups);
            checkAll(s);
        }
    }

    @Test
    void offsetsAreHonouredAndNothingOutsideIsWritten() {
        ConvShape s = new ConvShape(2, 6, 9, 11, 8, 3, 3, 1, 1, 1, 1, 1, 1, 2);
        Rng rng = new Rng(3);
        int pad = 5;
        float[] x = random(s.inputSize() + 2 * pad, rng), w = random(s.weightSize() + 2 * pad, rng);
        float[] b = random(s.outChannels() + 2 * pad, rng), dy = random(s.outputSize() + 2 * pad, rng);
        float[] y = new float[(int) s.outputSize() + 2 * pad];
        java.util.Arrays.fill(y, 42f);
        Conv.forward(s, x, pad, w, pad, b, pad, y, pad);
        float[] yRef = new float[(int) s.outputSize()];
        ConvReference.forward(s, slice(x, pad, s.inputSize()), 0, slice(w, pad, s.weightSize()), 0,
                slice(b, pad, s.outChannels()), 0, yRef, 0);
        assertClose(yRef, slice(y, pad, s.outputSize()), "forward with offsets");
        for (int i = 0; i < pad; i++) {
            assertEquals(42f, y[i]);
            assertEquals(42f, y[y.length - 1 - i]);
        }
        float[] dx = new float[(int) s.inputSize() + 2 * pad];
        java.util.Arrays.fill(dx, 1f);
        Conv.backwardInput(s, dy, pad, w, pad, dx, pad);
        float[] dxRef = new float[(int) s.inputSize()];
        java.util.Arrays.fill(dxRef, 1f);
        ConvReference.backwardInput(s, slice(dy, pad, s.outputSize()), 0, slice(w, pad, s.weightSize()), 0, dxRef, 0);
        assertClose(dxRef, slice(dx, pad, s.inputSize()), "backwardInput with offsets");
        assertEquals(1f, dx[0]);
        assertEquals(1f, dx[dx.length - 1]);
        float[] dw = new float[(int) s.weightSize() + 2 * pad];
        Conv.backwardWeight(s, x, pad, dy, pad, dw, pad);
        float[] dwRef = new float[(int) s.weightSize()];
        ConvReference.backwardWeight(s, slice(x, pad, s.inputSize()), 0, slice(dy, pad, s.outputSize()), 0, dwRef, 0);
        assertClose(dwRef, slice(dw, pad, s.weightSize()), "backwardWeight with offsets");
        assertEquals(0f, dw[0]);
        assertEquals(0f, dw[dw.length - 1]);
    }

    @Test
    void forwardOverwritesAndGradientsAccumulate() {
        ConvShape s = ConvShape.of(2, 5, 9, 9, 6, 3, 1, 1);
        Rng rng = new Rng(4);
        float[] x = random(s.inputSize(), rng), w = random(s.weightSize(), rng), dy = random(s.outputSize(), rng);
        float[] y1 = new float[(int) s.outputSize()], y2 = new float[(int) s.outputSize()];
        java.util.Arrays.fill(y2, Float.NaN);
        Conv.forward(s, x, 0, w, 0, null, 0, y1, 0);
        Conv.forward(s, x, 0, w, 0, null, 0, y2, 0);
        assertArrayEquals(y1, y2, "forward must overwrite (NaN in y must not leak)");

        float[] once = new float[(int) s.inputSize()], twice = new float[(int) s.inputSize()];
        Conv.backwardInput(s, dy, 0, w, 0, once, 0);
        Conv.backwardInput(s, dy, 0, w, 0, twice, 0);
        Conv.backwardInput(s, dy, 0, w, 0, twice, 0);
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], 1e-4f * (1 + Math.abs(once[i])), "dx accumulates");
        }
        float[] dw1 = new float[(int) s.weightSize()], dw2 = new float[(int) s.weightSize()];
        Conv.backwardWeight(s, x, 0, dy, 0, dw1, 0);
        Conv.backwardWeight(s, x, 0, dy, 0, dw2, 0);
        Conv.backwardWeight(s, x, 0, dy, 0, dw2, 0);
        for (int i = 0; i < dw1.length; i++) {
            assertEquals(2 * dw1[i], dw2[i], 1e-4f * (1 + Math.abs(dw1[i])), "dw accumulates");
        }
        float[] db = {1f, 1f, 1f, 1f, 1f, 1f};
        Conv.backwardBias(s, dy, 0, db, 0);
        for (int o = 0; o < 6; o++) {
            double sum = 1;
            for (int n = 0; n < 2; n++) {
                for (int p = 0; p < 81; p++) {
                    sum += dy[(n * 6 + o) * 81 + p];
                }
            }
            assertEquals(sum, db[o], 1e-4, "db accumulates");
        }
    }

    @Test
    void badArgumentsAreReported() {
        ConvShape s = ConvShape.of(1, 2, 5, 5, 3, 3, 1, 1);
        float[] x = new float[50], w = new float[54], y = new float[74];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv.forward(s, x, 0, w, 0, null, 0, y, 0));
        assertTrue(e.getMessage().contains("Conv.forward") && e.getMessage().contains("y"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Conv.backwardWeight(s, x, 1, new float[75], 0, w, 0));
    }

    private static void checkAll(ConvShape s) {
        Rng rng = new Rng(s.hashCode());
        float[] x = random(s.inputSize(), rng), w = random(s.weightSize(), rng), dy = random(s.outputSize(), rng);
        float[] b = random(s.outChannels(), rng);
        float[] yRef = new float[(int) s.outputSize()], y = new float[(int) s.outputSize()];
        ConvReference.forward(s, x, 0, w, 0, b, 0, yRef, 0);
        Conv.forward(s, x, 0, w, 0, b, 0, y, 0);
        assertClose(yRef, y, s + " forward");
        float[] dxRef = random(s.inputSize(), new Rng(1)), dx = dxRef.clone();
        ConvReference.backwardInput(s, dy, 0, w, 0, dxRef, 0);
        Conv.backwardInput(s, dy, 0, w, 0, dx, 0);
        assertClose(dxRef, dx, s + " backwardInput");
        float[] dwRef = random(s.weightSize(), new Rng(2)), dw = dwRef.clone();
        ConvReference.backwardWeight(s, x, 0, dy, 0, dwRef, 0);
        Conv.backwardWeight(s, x, 0, dy, 0, dw, 0);
        assertClose(dwRef, dw, s + " backwardWeight");
    }

    static ConvShape shape(int[] g) {
        return new ConvShape(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13]);
    }

    static float[] random(long n, Rng rng) {
        float[] a = new float[(int) n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextFloat() * 2f - 1f;
        }
        return a;
    }

    static float[] slice(float[] a, int off, long len) {
        return java.util.Arrays.copyOfRange(a, off, off + (int) len);
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            float tol = 2e-4f * (1f + Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                throw new AssertionError(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }
}

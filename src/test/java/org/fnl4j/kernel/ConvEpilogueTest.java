package org.fnl4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * {@link Conv#forward} with a {@link ConvEpilogue} gives bit for bit the convolution followed by
 * {@link Norm#batchNormForward} (the affine map, residual and ReLU), on the implicit and the
 * depthwise paths, with and without bias, at odd sizes (1, 7, 31 channels and pixels).
 */
class ConvEpilogueTest {
    @Test
    void fusedEpilogueEqualsConvolutionThenBatchNorm() {
        int[][] geometries = {
            // n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups
            {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1},
            {2, 7, 7, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1},
            {3, 7, 31, 31, 31, 3, 3, 2, 2, 1, 1, 1, 1, 1},
            {2, 31, 7, 7, 7, 1, 3, 1, 1, 0, 1, 1, 1, 1},
            {2, 7, 31, 7, 31, 3, 1, 1, 1, 1, 0, 1, 1, 1},
            {2, 7, 9, 9, 7, 3, 3, 1, 1, 1, 1, 1, 1, 7},     // depthwise
        };
        for (int[] g : geometries) {
            ConvShape s = ConvTest.shape(g);
            for (boolean withBias : new boolean[] {false, true}) {
                for (boolean withResidual : new boolean[] {false, true}) {
                    for (boolean relu : new boolean[] {false, true}) {
                        check(s, withBias, withResidual, relu);
                    }
                }
            }
        }
    }

    private static void check(ConvShape s, boolean withBias, boolean withResidual, boolean relu) {
        Rng rng = new Rng(17);
        int o = s.outChannels(), plane = s.outH() * s.outW();
        float[] x = ConvTest.random(s.inputSize(), rng), w = ConvTest.random(s.weightSize(), rng);
        float[] bias = withBias ? ConvTest.random(o, rng) : null;
        float[] residual = withResidual ? ConvTest.random(s.outputSize() + 3, rng) : null;
        float[] mean = ConvTest.random(o, rng), invStd = new float[o], gamma = ConvTest.random(o, rng), beta = ConvTest.random(o, rng);
        for (int c = 0; c < o; c++) {
            invStd[c] = 0.5f + rng.nextFloat();
        }
        float[] conv = new float[(int) s.outputSize()], want = new float[conv.length];
        Conv.forward(s, x, 0, w, 0, bias, 0, conv, 0);
        Norm.batchNormForward(conv, 0, s.batch(), o, plane, mean, invStd, gamma, 0, beta, 0, residual, 3, relu, want, 0);

        float[] scale = new float[o], shift = new float[o];
        Norm.affineOf(o, mean, invStd, gamma, 0, beta, 0, scale, shift);
        float[] got = new float[conv.length + 2];
        Conv.forward(s, x, 0, w, 0, bias, 0, got, 2, new ConvEpilogue(scale, shift, residual, 3, relu));
        float[] gotOut = java.util.Arrays.copyOfRange(got, 2, got.length);
        String what = s + (withBias ? " bias" : "") + (withResidual ? " residual" : "") + (relu ? " relu" : "");
        assertArrayEquals(want, gotOut, what);
        if (relu) {
            for (float v : gotOut) {
                assertTrue(v >= 0f, what + ": negative output after relu");
            }
        }
    }

    @Test
    void mismatchedEpilogueIsAClearError() {
        ConvShape s = ConvTest.shape(new int[] {1, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1});
        float[] x = new float[(int) s.inputSize()], w = new float[(int) s.weightSize()], y = new float[(int) s.outputSize()];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv.forward(s, x, 0, w, 0, null, 0, y, 0, new ConvEpilogue(new float[2], new float[2], null, 0, true)));
        assertTrue(e.getMessage().contains("2 channels, expected 3"), e.getMessage());
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                () -> Conv.forward(s, x, 0, w, 0, null, 0, y, 0, new ConvEpilogue(new float[3], new float[3], new float[5], 0, true)));
        assertTrue(r.getMessage().contains("residual"), r.getMessage());
    }
}

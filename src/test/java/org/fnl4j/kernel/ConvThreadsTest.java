package org.fnl4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.Test;

/** Every convolution pass gives bit-identical results on one and on two threads. */
class ConvThreadsTest {
    private static final int[][] GEOMETRIES = {
        {9, 5, 13, 13, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1},    // implicit, stride 1
        {7, 6, 13, 7, 4, 3, 3, 2, 2, 1, 1, 1, 1, 2},     // implicit forward/weight, im2col input gradient
        {19, 3, 7, 7, 6, 1, 3, 1, 1, 0, 1, 1, 1, 1},     // 1x3, more chunks than threads
        {6, 4, 9, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 4},      // depthwise, multiplier 2
        {21, 5, 7, 7, 33, 3, 3, 1, 1, 1, 1, 1, 1, 1},    // channel-vectorized weight gradient, 16 chunks
    };

    @Test
    void oneAndTwoThreadsAreBitIdentical() {
        int before = Parallel.threads();
        try {
            for (int[] g : GEOMETRIES) {
                ConvShape s = ConvTest.shape(g);
                Rng rng = new Rng(77);
                float[] x = ConvTest.random(s.inputSize(), rng), w = ConvTest.random(s.weightSize(), rng);
                float[] dy = ConvTest.random(s.outputSize(), rng), b = ConvTest.random(s.outChannels(), rng);
                float[][] one = run(s, 1, x, w, b, dy);
                float[][] two = run(s, 2, x, w, b, dy);
                for (int i = 0; i < one.length; i++) {
                    assertArrayEquals(one[i], two[i], s + " result " + i + " differs between 1 and 2 threads");
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static float[][] run(ConvShape s, int threads, float[] x, float[] w, float[] b, float[] dy) {
        Parallel.setThreads(threads);
        float[] y = new float[(int) s.outputSize()], dx = new float[(int) s.inputSize()], dw = new float[(int) s.weightSize()];
        float[] db = new float[s.outChannels()];
        Conv.forward(s, x, 0, w, 0, b, 0, y, 0);
        Conv.backwardInput(s, dy, 0, w, 0, dx, 0);
        Conv.backwardWeight(s, x, 0, dy, 0, dw, 0);
        Conv.backwardBias(s, dy, 0, db, 0);
        float[] y2 = new float[(int) s.outputSize()], dx2 = new float[(int) s.inputSize()], dw2 = new float[(int) s.weightSize()];
        ConvIm2col.forward(s, x, 0, w, 0, b, 0, y2, 0);
        ConvIm2col.backwardInput(s, dy, 0, w, 0, dx2, 0);
        ConvIm2col.backwardWeight(s, x, 0, dy, 0, dw2, 0);
        return new float[][] {y, dx, dw, db, y2, dx2, dw2};
    }
}

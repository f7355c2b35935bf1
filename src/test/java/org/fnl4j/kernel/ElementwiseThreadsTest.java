package org.fnl4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.fnl4j.kernel.Elementwise.Unary;
import org.junit.jupiter.api.Test;

/** The facades split long runs across threads: the bits must not depend on the thread count. */
class ElementwiseThreadsTest {
    private interface Body {
        float[] run();
    }

    private static float[] at(int threads, Body body) {
        int saved = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            return body.run();
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void unaryAndSoftmaxAreBitIdenticalAtOneAndTwoThreads() {
        int n = 3 * Elementwise.PARALLEL_MIN + 17;
        float[] x = ParityTesting.rand(1, n, -4f, 4f);
        float[] dy = ParityTesting.rand(2, n, -1f, 1f);
        for (Unary f : new Unary[] {Unary.GELU, Unary.TANH, Unary.EXP, Unary.SIGMOID}) {
            Body fwd = () -> {
                float[] y = new float[x.length];
                Elementwise.unary(f, x, ParityTesting.OFF, y, ParityTesting.OFF, n);
                Elementwise.unaryBackward(f, x, ParityTesting.OFF, y, ParityTesting.OFF, dy, ParityTesting.OFF,
                        y, ParityTesting.OFF, n);
                return y;
            };
            assertArrayEquals(at(1, fwd), at(2, fwd), f.toString());
        }
        int rows = 129, cols = 1021;
        float[] z = ParityTesting.rand(3, rows * cols, -5f, 5f);
        Body sm = () -> {
            float[] y = new float[z.length];
            Softmax.softmax(z, ParityTesting.OFF, y, ParityTesting.OFF, rows, cols);
            float[] l = new float[z.length];
            Softmax.logSoftmax(z, ParityTesting.OFF, l, ParityTesting.OFF, rows, cols);
            Softmax.softmaxBackward(y, ParityTesting.OFF, z, ParityTesting.OFF, l, ParityTesting.OFF, rows, cols);
            Softmax.logSoftmaxBackward(l, ParityTesting.OFF, z, ParityTesting.OFF, y, ParityTesting.OFF, rows, cols);
            return y;
        };
        assertArrayEquals(at(1, sm), at(2, sm));
    }
}

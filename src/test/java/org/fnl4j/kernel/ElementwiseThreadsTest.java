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

    @Test
    void memoryBoundKernelsAreBitIdenticalAtOneAndTwoThreads() {
        int n = 3 * Elementwise.PARALLEL_MIN + 17, off = ParityTesting.OFF;
        float[] a = ParityTesting.rand(4, n, -2f, 2f), b = ParityTesting.rand(5, n, -2f, 2f);
        Body body = () -> {
            float[] out = new float[a.length];
            Elementwise.unary(Unary.RELU, a, off, out, off, n);
            Elementwise.unaryBackward(Unary.RELU, a, off, out, off, b, off, out, off, n);
            for (Elementwise.Binary op : Elementwise.Binary.values()) {
                float[] t = new float[a.length];
                Elementwise.binary(op, a, off, 1, b, off, 1, t, off, n);
                Elementwise.axpy(0.5f, t, off, out, off, n);
                Elementwise.binary(op, a, off, 1, b, off + 3, 0, t, off, n);   // broadcast b
                Elementwise.axpy(-0.25f, t, off, out, off, n);
            }
            Elementwise.scale(1.5f, out, off, out, off, n);
            Elementwise.addScalar(0.125f, out, off, out, off, n);
            Elementwise.addMul(a, off, b, off, out, off, n);
            return out;
        };
        float[] one = at(1, body);
        assertArrayEquals(one, at(2, body));
        // Against the implementation called directly on the whole run (no split at all).
        float[] whole = new float[a.length];
        ElementwiseKernel impl = Elementwise.impl();
        impl.unary(Unary.RELU, a, off, whole, off, n);
        impl.unaryBackward(Unary.RELU, a, off, whole, off, b, off, whole, off, n);
        for (Elementwise.Binary op : Elementwise.Binary.values()) {
            float[] t = new float[a.length];
            impl.binary(op, a, off, 1, b, off, 1, t, off, n);
            impl.axpy(0.5f, t, off, whole, off, n);
            impl.binary(op, a, off, 1, b, off + 3, 0, t, off, n);
            impl.axpy(-0.25f, t, off, whole, off, n);
        }
        impl.scale(1.5f, whole, off, whole, off, n);
        impl.addScalar(0.125f, whole, off, whole, off, n);
        impl.addMul(a, off, b, off, whole, off, n);
        assertArrayEquals(whole, one);
    }
}

package org.fnl4j.kernel;

import static org.fnl4j.kernel.ParityTesting.OFF;
import static org.fnl4j.kernel.ParityTesting.SIZES;
import static org.fnl4j.kernel.ParityTesting.close;
import static org.fnl4j.kernel.ParityTesting.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SIMD row softmax kernels against their scalar twin, and the twin against closed forms. */
class SoftmaxParityTest {
    private static final SoftmaxKernel SCALAR = new ScalarSoftmax();
    private static SoftmaxKernel simd;

    @BeforeAll
    static void load() {
        if (Kernels.simdActive()) {
            simd = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdSoftmax", SoftmaxKernel.class);
        }
    }

    @Test
    void forwardAndBackwardMatch() {
        assumeTrue(Kernels.simdActive());
        for (int cols : SIZES) {
            for (int rows : new int[] {1, 3}) {
                int n = rows * cols;
                float[] x = rand(1, n, -10f, 10f);
                float[] e = new float[x.length], s = new float[x.length];
                SCALAR.softmax(x, OFF, e, OFF, rows, cols);
                simd.softmax(x, OFF, s, OFF, rows, cols);
                close("softmax " + rows + "x" + cols, e, s, 1e-7, 1e-5);
                float[] le = new float[x.length], ls = new float[x.length];
                SCALAR.logSoftmax(x, OFF, le, OFF, rows, cols);
                simd.logSoftmax(x, OFF, ls, OFF, rows, cols);
                close("logSoftmax " + rows + "x" + cols, le, ls, 1e-5, 1e-6);
                float[] dy = rand(2, n, -1f, 1f), d0 = rand(3, n, -1f, 1f);
                float[] de = d0.clone(), ds = d0.clone();
                SCALAR.softmaxBackward(e, OFF, dy, OFF, de, OFF, rows, cols);
                simd.softmaxBackward(e, OFF, dy, OFF, ds, OFF, rows, cols);
                close("softmaxBackward " + rows + "x" + cols, de, ds, 1e-6, 1e-5);
                de = d0.clone();
                ds = d0.clone();
                SCALAR.logSoftmaxBackward(le, OFF, dy, OFF, de, OFF, rows, cols);
                simd.logSoftmaxBackward(le, OFF, dy, OFF, ds, OFF, rows, cols);
                close("logSoftmaxBackward " + rows + "x" + cols, de, ds, 1e-5, 1e-5);
                float[] again = new float[x.length];
                simd.softmax(x, OFF, again, OFF, rows, cols);
                assertArrayEquals(s, again, "softmax must be deterministic");
            }
        }
    }

    @Test
    void scalarTwinClosedForms() {
        float[] x = {0f, (float) Math.log(3), 1000f, 1000f};
        float[] y = new float[4];
        SCALAR.softmax(x, 0, y, 0, 2, 2);
        assertArrayEquals(new float[] {0.25f, 0.75f, 0.5f, 0.5f}, y, 1e-7f);
        SCALAR.logSoftmax(x, 0, y, 0, 2, 2);
        assertEquals(Math.log(0.25), y[0], 1e-6);
        assertEquals(Math.log(0.5), y[3], 1e-6);
        // Softmax backward with dy = onehot(0): dx = p_0·(onehot - p).
        float[] p = {0.25f, 0.75f};
        float[] dx = {1f, 1f};
        SCALAR.softmaxBackward(p, 0, new float[] {1f, 0f}, 0, dx, 0, 1, 2);
        assertArrayEquals(new float[] {1f + 0.25f * 0.75f, 1f - 0.75f * 0.25f}, dx, 1e-7f);
    }
}

package org.fnl4j.kernel;

import static org.fnl4j.kernel.ParityTesting.OFF;
import static org.fnl4j.kernel.ParityTesting.SIZES;
import static org.fnl4j.kernel.ParityTesting.close;
import static org.fnl4j.kernel.ParityTesting.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.fnl4j.kernel.Elementwise.Binary;
import org.fnl4j.kernel.Elementwise.Unary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SIMD elementwise kernels against their scalar twin, and the scalar twin against closed forms. */
class ElementwiseParityTest {
    private static final ElementwiseKernel SCALAR = new ScalarElementwise();
    private static ElementwiseKernel simd;

    @BeforeAll
    static void load() {
        if (Kernels.simdActive()) {
            simd = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdElementwise", ElementwiseKernel.class);
        }
    }

    @Test
    void binaryMatchesExactlyForEveryBroadcastPattern() {
        assumeTrue(Kernels.simdActive());
        int[][] incs = {{1, 1}, {1, 0}, {0, 1}, {0, 0}};
        for (int n : SIZES) {
            float[] a = rand(1, n, -2f, 2f), b = rand(2, n, 0.5f, 2f);
            for (Binary op : Binary.values()) {
                for (int[] inc : incs) {
                    float[] e = rand(3, n, 0, 1), s = e.clone();
                    SCALAR.binary(op, a, OFF, inc[0], b, OFF, inc[1], e, OFF, n);
                    simd.binary(op, a, OFF, inc[0], b, OFF, inc[1], s, OFF, n);
                    assertArrayEquals(e, s, op + " incs " + inc[0] + "," + inc[1] + " n=" + n);
                }
            }
        }
    }

    @Test
    void linearKernelsMatch() {
        assumeTrue(Kernels.simdActive());
        for (int n : SIZES) {
            float[] x = rand(4, n, -2f, 2f), y = rand(5, n, -2f, 2f);
            float[] e = y.clone(), s = y.clone();
            SCALAR.axpy(0.7f, x, OFF, e, OFF, n);
            simd.axpy(0.7f, x, OFF, s, OFF, n);
            close("axpy n=" + n, e, s, 1e-6, 1e-6);
            e = y.clone();
            s = y.clone();
            SCALAR.addMul(x, OFF, x, OFF, e, OFF, n);
            simd.addMul(x, OFF, x, OFF, s, OFF, n);
            close("addMul n=" + n, e, s, 1e-6, 1e-6);
            e = y.clone();
            s = y.clone();
            SCALAR.scale(-1.3f, x, OFF, e, OFF, n);
            simd.scale(-1.3f, x, OFF, s, OFF, n);
            assertArrayEquals(e, s, "scale n=" + n);
            SCALAR.addScalar(0.3f, x, OFF, e, OFF, n);
            simd.addScalar(0.3f, x, OFF, s, OFF, n);
            assertArrayEquals(e, s, "addScalar n=" + n);
            // In place.
            e = x.clone();
            s = x.clone();
            SCALAR.scale(2f, e, OFF, e, OFF, n);
            simd.scale(2f, s, OFF, s, OFF, n);
            assertArrayEquals(e, s, "scale in place n=" + n);
        }
    }

    private static float[] domain(Unary f, int n, long seed) {
        return switch (f) {
            case LOG, SQRT -> rand(seed, n, 0.05f, 20f);
            case EXP -> rand(seed, n, -20f, 20f);
            default -> rand(seed, n, -8f, 8f);
        };
    }

    @Test
    void unaryForwardAndBackwardMatch() {
        assumeTrue(Kernels.simdActive());
        for (Unary f : Unary.values()) {
            for (int n : SIZES) {
                float[] x = domain(f, n, 6);
                float[] e = new float[x.length], s = new float[x.length];
                SCALAR.unary(f, x, OFF, e, OFF, n);
                simd.unary(f, x, OFF, s, OFF, n);
                close(f + " n=" + n, e, s, 2e-6, 4e-6);
                float[] dy = rand(7, n, -1f, 1f), d0 = rand(8, n, -1f, 1f);
                float[] de = d0.clone(), ds = d0.clone();
                SCALAR.unaryBackward(f, x, OFF, e, OFF, dy, OFF, de, OFF, n);
                simd.unaryBackward(f, x, OFF, e, OFF, dy, OFF, ds, OFF, n);
                close(f + " backward n=" + n, de, ds, 4e-6, 4e-6);
                float[] again = d0.clone();
                simd.unaryBackward(f, x, OFF, e, OFF, dy, OFF, again, OFF, n);
                assertArrayEquals(ds, again, f + " backward must be deterministic");
            }
        }
    }

    @Test
    void simdBitsDoNotDependOnJitState() {
        assumeTrue(Kernels.simdActive());
        // The first calls run interpreted or in C1, the last in C2: the bits must agree.
        int n = 35;
        float[] x = rand(9, n, -30f, 30f), dy = rand(10, n, -1f, 1f);
        Unary[] fs = {Unary.EXP, Unary.TANH, Unary.GELU};
        float[][] first = new float[fs.length][];
        float[][] y = new float[fs.length][x.length];
        for (int it = 0; it < 4000; it++) {
            for (int k = 0; k < fs.length; k++) {
                java.util.Arrays.fill(y[k], 0f);
                simd.unary(fs[k], x, OFF, y[k], OFF, n);
                if (fs[k] == Unary.GELU) {
                    simd.unaryBackward(fs[k], x, OFF, y[k], OFF, dy, OFF, y[k], OFF, n);
                }
                if (it == 0) {
                    first[k] = y[k].clone();
                }
            }
        }
        for (int k = 0; k < fs.length; k++) {
            assertArrayEquals(first[k], y[k], fs[k] + ": first call and call 4000 differ");
        }
    }

    @Test
    void scalarTwinClosedForms() {
        float[] x = {-3f, -0.5f, 0f, 0.5f, 4f};
        float[] y = new float[5];
        SCALAR.unary(Unary.GELU, x, 0, y, 0, 5);
        for (int i = 0; i < 5; i++) {
            double v = x[i];
            assertEquals(0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))), y[i], 1e-6);
        }
        float[] dx = new float[5];
        float[] ones = {1, 1, 1, 1, 1};
        SCALAR.unaryBackward(Unary.GELU, x, 0, y, 0, ones, 0, dx, 0, 5);
        for (int i = 0; i < 5; i++) {
            double v = x[i], h = 1e-4;
            double num = (gelu(v + h) - gelu(v - h)) / (2 * h);
            assertEquals(num, dx[i], 1e-5, "gelu' at " + v);
        }
        SCALAR.unary(Unary.RELU, x, 0, y, 0, 5);
        assertArrayEquals(new float[] {0, 0, 0, 0.5f, 4f}, y);
        java.util.Arrays.fill(dx, 1f);
        SCALAR.unaryBackward(Unary.RELU, x, 0, y, 0, ones, 0, dx, 0, 5);
        assertArrayEquals(new float[] {1, 1, 1, 2, 2}, dx, "relu backward accumulates, 0 at x = 0");
    }

    private static double gelu(double v) {
        return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
    }
}

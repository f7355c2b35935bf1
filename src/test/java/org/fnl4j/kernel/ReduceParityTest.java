package org.fnl4j.kernel;

import static org.fnl4j.kernel.ParityTesting.OFF;
import static org.fnl4j.kernel.ParityTesting.SIZES;
import static org.fnl4j.kernel.ParityTesting.close;
import static org.fnl4j.kernel.ParityTesting.rand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SIMD reductions against their scalar twin (tolerance: summation order differs), and determinism. */
class ReduceParityTest {
    private static final ReduceKernel SCALAR = new ScalarReduce();
    private static ReduceKernel simd;

    @BeforeAll
    static void load() {
        if (Kernels.simdActive()) {
            simd = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdReduce", ReduceKernel.class);
        }
    }

    @Test
    void reductionsMatch() {
        assumeTrue(Kernels.simdActive());
        for (int n : SIZES) {
            float[] x = rand(1, n, -1f, 1f), y = rand(2, n, -1f, 1f);
            // Float32 sums of n terms of size 1 differ by order at most about n·2⁻²⁴ each.
            double tol = 1e-6 * n;
            assertEquals(SCALAR.sum(x, OFF, n), simd.sum(x, OFF, n), tol, "sum n=" + n);
            assertEquals(SCALAR.sumSquares(x, OFF, n), simd.sumSquares(x, OFF, n), tol, "sumSquares n=" + n);
            assertEquals(SCALAR.dot(x, OFF, y, OFF, n), simd.dot(x, OFF, y, OFF, n), tol, "dot n=" + n);
            assertEquals(SCALAR.max(x, OFF, n), simd.max(x, OFF, n), "max n=" + n);
            assertEquals(Float.floatToIntBits(simd.sum(x, OFF, n)), Float.floatToIntBits(simd.sum(x, OFF, n)));
        }
        assertEquals(0f, simd.sum(new float[0], 0, 0));
        assertEquals(Float.NEGATIVE_INFINITY, simd.max(new float[0], 0, 0));
    }

    @Test
    void rowAndColumnSumsMatch() {
        assumeTrue(Kernels.simdActive());
        for (int cols : SIZES) {
            for (int rows : new int[] {1, 3, 7}) {
                float[] x = rand(3, rows * cols, -1f, 1f);
                float[] e = rand(4, rows, 0f, 1f), s = e.clone();
                SCALAR.rowSums(x, OFF, rows, cols, e, OFF);
                simd.rowSums(x, OFF, rows, cols, s, OFF);
                close("rowSums " + rows + "x" + cols, e, s, 1e-6 * cols, 0);
                e = rand(5, cols, 0f, 1f);
                s = e.clone();
                SCALAR.colSums(x, OFF, rows, cols, e, OFF);
                simd.colSums(x, OFF, rows, cols, s, OFF);
                close("colSums " + rows + "x" + cols, e, s, 0, 0);
            }
        }
    }

    @Test
    void scalarTwinValues() {
        float[] x = {1, -2, 3, 0.5f};
        assertEquals(2.5f, SCALAR.sum(x, 0, 4));
        assertEquals(14.25f, SCALAR.sumSquares(x, 0, 4));
        assertEquals(3f, SCALAR.max(x, 0, 4));
        assertEquals(1 - 2 + 3 + 0.5f * 0.5f, SCALAR.dot(x, 0, new float[] {1, 1, 1, 0.5f}, 0, 4));
        float[] rows = {10, 20};
        SCALAR.rowSums(x, 0, 2, 2, rows, 0);
        assertEquals(9f, rows[0]);
        assertEquals(23.5f, rows[1]);
        float[] cols = {0, 0};
        SCALAR.colSums(x, 0, 2, 2, cols, 0);
        assertEquals(4f, cols[0]);
        assertEquals(-1.5f, cols[1]);
        assertEquals(Float.NaN, SCALAR.max(new float[] {1, Float.NaN, 2}, 0, 3));
    }
}

package org.fnl4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SimdNorm against its scalar twin on spans of odd lengths at odd offsets. */
class NormKernelParityTest {
    private NormKernel simd;
    private final NormKernel scalar = new ScalarNorm();

    @BeforeEach
    void load() {
        assumeTrue(Kernels.simdActive(), "Vector API not active in this run");
        simd = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdNorm", NormKernel.class);
    }

    private static float[] random(Rng rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextGaussian() + 0.5f;
        }
        return a;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 31, 1021})
    void reductions(int len) {
        Rng rng = new Rng(len);
        float[] x = random(rng, len + 3), dy = random(rng, len + 5);
        double tol = 1e-5 * len;
        assertEquals(scalar.sum(x, 3, len), simd.sum(x, 3, len), tol);
        assertEquals(scalar.sumSqDiff(x, 3, len, 0.25f), simd.sumSqDiff(x, 3, len, 0.25f), tol);
        double[] a = new double[] {1, 2}, b = new double[] {1, 2};
        scalar.sumAndDotCentered(dy, 5, x, 3, len, 0.3f, a);
        simd.sumAndDotCentered(dy, 5, x, 3, len, 0.3f, b);
        assertArrayEquals(a, b, tol);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 31, 1021})
    void elementwise(int len) {
        Rng rng = new Rng(100 + len);
        float[] x = random(rng, len + 2), dy = random(rng, len + 1), g = random(rng, len + 4), bt = random(rng, len);
        float[] y1 = random(rng, len + 1), y2 = y1.clone();
        scalar.affine(x, 2, y1, 1, len, 1.5f, -0.25f);
        simd.affine(x, 2, y2, 1, len, 1.5f, -0.25f);
        assertArrayEquals(y1, y2, 1e-5f);
        float[] d1 = random(rng, len + 3), d2 = d1.clone();
        scalar.accumulateLinear(dy, 1, x, 2, d1, 3, len, 0.7f, -0.2f, 0.1f);
        simd.accumulateLinear(dy, 1, x, 2, d2, 3, len, 0.7f, -0.2f, 0.1f);
        assertArrayEquals(d1, d2, 1e-5f);
        float[] n1 = new float[len], n2 = new float[len];
        scalar.normalizeAffine(x, 2, g, 4, bt, 0, n1, 0, len, 0.3f, 1.7f);
        simd.normalizeAffine(x, 2, g, 4, bt, 0, n2, 0, len, 0.3f, 1.7f);
        assertArrayEquals(n1, n2, 1e-5f);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 31, 1021})
    void fusedSpansEqualTheSeparateLoopsBitForBit(int len) {
        ElementwiseKernel ew = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdElementwise", ElementwiseKernel.class);
        ElementwiseKernel scalarEw = new ScalarElementwise();
        Rng rng = new Rng(300 + len);
        float[] x = random(rng, len + 2), r = random(rng, len + 3);
        for (int k = 0; k < len; k += 3) {
            x[2 + k] = -x[2 + k];   // both signs reach the ReLU
        }
        for (NormKernel norm : new NormKernel[] {simd, scalar}) {
            ElementwiseKernel e = norm == simd ? ew : scalarEw;
            for (boolean withResidual : new boolean[] {false, true}) {
                float[] separate = new float[len + 1], fused = new float[len + 1];
                norm.affine(x, 2, separate, 1, len, 1.5f, -0.25f);
                if (withResidual) {
                    e.binary(Elementwise.Binary.ADD, separate, 1, 1, r, 3, 1, separate, 1, len);
                }
                e.unary(Elementwise.Unary.RELU, separate, 1, separate, 1, len);
                norm.affineAddRelu(x, 2, withResidual ? r : null, 3, true, fused, 1, len, 1.5f, -0.25f);
                assertArrayEquals(separate, fused, 0f, "affineAddRelu, residual " + withResidual);
            }
            float[] dy = random(rng, len + 1), y = random(rng, len + 4);
            for (int k = 0; k < len; k += 2) {
                y[4 + k] = -y[4 + k];
            }
            float[] gSep = new float[len + 2], gFused = random(rng, len + 2);
            float[] drSep = random(rng, len + 5), drFused = drSep.clone();
            double[] accSep = {0.5, -1}, accFused = {0.5, -1};
            e.unaryBackward(Elementwise.Unary.RELU, y, 4, y, 4, dy, 1, gSep, 2, len);
            e.axpy(1f, gSep, 2, drSep, 5, len);
            norm.sumAndDotCentered(gSep, 2, x, 2, len, 0.3f, accSep);
            norm.reluGradSums(dy, 1, y, 4, gFused, 2, drFused, 5, x, 2, len, 0.3f, accFused);
            assertArrayEquals(java.util.Arrays.copyOfRange(gSep, 2, 2 + len),
                    java.util.Arrays.copyOfRange(gFused, 2, 2 + len), 0f, "reluGradSums g");
            assertArrayEquals(drSep, drFused, 0f, "reluGradSums dr");
            assertArrayEquals(accSep, accFused, 0.0, "reluGradSums sums");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 31, 1021})
    void layerNormBackward(int len) {
        Rng rng = new Rng(200 + len);
        float[] x = random(rng, len + 1), dy = random(rng, len + 2), g = random(rng, len + 3);
        float[] dg1 = random(rng, len), dg2 = dg1.clone(), db1 = random(rng, len), db2 = db1.clone();
        double[] a1 = new double[2], a2 = new double[2];
        scalar.layerNormBackwardRow(x, 1, dy, 2, g, 3, len, 0.2f, 1.3f, dg1, db1, a1);
        simd.layerNormBackwardRow(x, 1, dy, 2, g, 3, len, 0.2f, 1.3f, dg2, db2, a2);
        assertArrayEquals(a1, a2, 1e-5 * len);
        assertArrayEquals(dg1, dg2, 1e-5f);
        assertArrayEquals(db1, db2, 1e-5f);
        float[] dx1 = random(rng, len + 1), dx2 = dx1.clone();
        scalar.layerNormBackwardApply(x, 1, dy, 2, g, 3, dx1, 1, len, 0.2f, 1.3f, 0.05f, -0.3f);
        simd.layerNormBackwardApply(x, 1, dy, 2, g, 3, dx2, 1, len, 0.2f, 1.3f, 0.05f, -0.3f);
        assertArrayEquals(dx1, dx2, 1e-5f);
    }
}

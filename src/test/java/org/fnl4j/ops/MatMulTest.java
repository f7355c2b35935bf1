package org.fnl4j.ops;

import static org.fnl4j.ops.GradAssert.check;
import static org.fnl4j.ops.GradAssert.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MatMulTest {
    private static final double TOL = 5e-3;

    @Test
    void forwardMatchesNaiveProductForAllTransposes() {
        Rng rng = new Rng(1);
        int m = 5, k = 7, n = 3;
        Tensor a = Tensor.randn(rng, 1f, m, k), b = Tensor.randn(rng, 1f, k, n);
        float[] ref = naive(a, b, m, k, n);
        assertArrayEquals(ref, MatMul.matmul(a, b).toArray(), 1e-5f);
        assertArrayEquals(ref, MatMul.matmul(transpose(a, m, k), b, true, false).toArray(), 1e-5f);
        assertArrayEquals(ref, MatMul.matmul(a, transpose(b, k, n), false, true).toArray(), 1e-5f);
        assertArrayEquals(ref, MatMul.matmul(transpose(a, m, k), transpose(b, k, n), true, true).toArray(), 1e-5f);
    }

    @Test
    void gradientsForAllTransposes() {
        Rng rng = new Rng(2);
        int m = 5, k = 3, n = 7;
        for (int ta = 0; ta < 2; ta++) {
            for (int tb = 0; tb < 2; tb++) {
                boolean transA = ta == 1, transB = tb == 1;
                Tensor a = transA ? leaf(rng, k, m) : leaf(rng, m, k);
                Tensor b = transB ? leaf(rng, n, k) : leaf(rng, k, n);
                check("matmul transA=" + transA + " transB=" + transB,
                        in -> MatMul.matmul(in[0], in[1], transA, transB), TOL, a, b);
            }
        }
    }

    @Test
    void gradientAccumulatesWhenAnInputIsUsedTwice() {
        Rng rng = new Rng(3);
        Tensor a = leaf(rng, 4, 4);
        // a·aᵀ: both product gradients land in a's one buffer.
        check("matmul(a, aT)", in -> MatMul.matmul(in[0], in[0], false, true), TOL, a);
    }

    @Test
    void bmmGradientsForAllTransposes() {
        Rng rng = new Rng(4);
        int batch = 3, m = 2, k = 5, n = 3;
        for (int ta = 0; ta < 2; ta++) {
            for (int tb = 0; tb < 2; tb++) {
                boolean transA = ta == 1, transB = tb == 1;
                Tensor a = transA ? leaf(rng, batch, k, m) : leaf(rng, batch, m, k);
                Tensor b = transB ? leaf(rng, batch, n, k) : leaf(rng, batch, k, n);
                check("bmm transA=" + transA + " transB=" + transB,
                        in -> MatMul.bmm(in[0], in[1], transA, transB), TOL, a, b);
            }
        }
    }

    @Test
    void linearGradientsWithAndWithoutBiasOnLeadingDims() {
        Rng rng = new Rng(5);
        Tensor x = leaf(rng, 2, 3, 5), w = leaf(rng, 7, 5), b = leaf(rng, 7);
        check("linear with bias", in -> MatMul.linear(in[0], in[1], in[2]), TOL, x, w, b);
        check("linear no bias", in -> MatMul.linear(in[0], in[1], null), TOL, x, w);
    }

    @Test
    void linearMatchesMatmulPlusBias() {
        Rng rng = new Rng(6);
        Tensor x = Tensor.randn(rng, 1f, 4, 3), w = Tensor.randn(rng, 1f, 5, 3), b = Tensor.randn(rng, 1f, 5);
        float[] y = MatMul.linear(x, w, b).toArray();
        float[] ref = MatMul.matmul(x, w, false, true).toArray();
        for (int i = 0; i < ref.length; i++) {
            ref[i] += b.data()[i % 5];
        }
        assertArrayEquals(ref, y, 1e-5f);
    }

    @Test
    void onlyInputsThatRequireGradGetGradients() {
        Rng rng = new Rng(7);
        Tensor x = Tensor.randn(rng, 1f, 4, 3), w = leaf(rng, 5, 3);
        GradAssert.backwardOnes(MatMul.linear(x, w, null));
        assertTrue(x.grad() == null);
        assertTrue(w.grad() != null);
    }

    @Test
    void shapeMismatchNamesOpAndShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MatMul.matmul(a, b));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MatMul.linear(a, b, null));
        assertTrue(e.getMessage().contains("linear") && e.getMessage().contains("[4, 5]"), e.getMessage());
    }

    static float[] naive(Tensor a, Tensor b, int m, int k, int n) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a.data()[i * k + p] * b.data()[p * n + j];
                }
                c[i * n + j] = (float) s;
            }
        }
        return c;
    }

    static Tensor transpose(Tensor a, int r, int c) {
        Tensor t = Tensor.zeros(c, r);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                t.data()[j * r + i] = a.data()[i * c + j];
            }
        }
        return t;
    }
}

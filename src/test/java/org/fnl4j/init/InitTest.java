package org.fnl4j.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.init.Init.FanMode;
import org.fnl4j.init.Init.Nonlinearity;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class InitTest {
    /** mean, std (population), min, max of the values. */
    private static double[] stats(Tensor t) {
        double s = 0, s2 = 0, lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (float v : t.toArray()) {
            s += v;
            s2 += (double) v * v;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        int n = t.size();
        double mean = s / n;
        return new double[] {mean, Math.sqrt(s2 / n - mean * mean), lo, hi};
    }

    /** Asserts mean ≈ 0 within 5 standard errors and std within 1% (n ≥ 1e5 gives ~0.2% noise). */
    private static void assertMoments(Tensor t, double expectedStd) {
        double[] st = stats(t);
        double se = expectedStd / Math.sqrt(t.size());
        assertEquals(0.0, st[0], 5 * se, "mean");
        assertEquals(expectedStd, st[1], 0.01 * expectedStd, "std");
    }

    @Test
    void fansFollowPyTorch() {
        assertEquals(784, Init.fanIn(512, 784));
        assertEquals(512, Init.fanOut(512, 784));
        // Conv weight (O, C/groups, kh, kw) = (32, 16/4, 3, 5).
        assertEquals(4 * 15, Init.fanIn(32, 4, 3, 5));
        assertEquals(32 * 15, Init.fanOut(32, 4, 3, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Init.fanIn(10));
        assertTrue(e.getMessage().contains("[10]"), e.getMessage());
    }

    @Test
    void gains() {
        assertEquals(1.0, Init.gain(Nonlinearity.LINEAR, 0));
        assertEquals(Math.sqrt(2), Init.gain(Nonlinearity.RELU, 0), 1e-15);
        assertEquals(Math.sqrt(2 / 1.04), Init.gain(Nonlinearity.LEAKY_RELU, 0.2), 1e-15);
        assertEquals(5.0 / 3, Init.gain(Nonlinearity.TANH, 0), 1e-15);
    }

    @Test
    void kaimingNormalFanInAndFanOut() {
        Tensor w = Tensor.zeros(64, 32, 3, 3);
        Init.kaimingNormal(w, new Rng(1));
        assertMoments(w, Math.sqrt(2.0 / (32 * 9)));
        Init.kaimingNormal(w, FanMode.FAN_OUT, Nonlinearity.LEAKY_RELU, 0.1, new Rng(2));
        assertMoments(w, Math.sqrt(2.0 / 1.01) / Math.sqrt(64 * 9));
    }

    @Test
    void kaimingUniformBoundsAndStd() {
        Tensor w = Tensor.zeros(300, 400);
        Init.kaimingUniform(w, new Rng(3));
        double bound = Math.sqrt(2) * Math.sqrt(3.0 / 400);
        double[] st = stats(w);
        assertTrue(st[2] >= -bound && st[3] <= bound, "inside ±bound");
        assertTrue(st[2] < -0.999 * bound && st[3] > 0.999 * bound, "reaches the bound");
        assertMoments(w, Math.sqrt(2.0 / 400));
        Init.kaimingUniform(w, FanMode.FAN_OUT, Nonlinearity.LINEAR, 0, new Rng(4));
        assertMoments(w, 1 / Math.sqrt(300));
    }

    @Test
    void xavier() {
        Tensor w = Tensor.zeros(200, 600);
        Init.xavierUniform(w, 2.0, new Rng(5));
        double bound = 2.0 * Math.sqrt(6.0 / 800);
        double[] st = stats(w);
        assertTrue(st[2] >= -bound && st[3] <= bound);
        assertMoments(w, 2.0 * Math.sqrt(2.0 / 800));
        Init.xavierNormal(w, 1.0, new Rng(6));
        assertMoments(w, Math.sqrt(2.0 / 800));
    }

    @Test
    void torchDefaultLinearAndConv() {
        // torch.nn.Linear(400, 300): kaiming_uniform_(a=√5) has bound 1/√400 exactly.
        Tensor w = Tensor.zeros(300, 400);
        Init.torchDefaultWeight(w, new Rng(7));
        double[] st = stats(w);
        assertTrue(st[2] >= -0.05 && st[3] <= 0.05);
        assertTrue(st[2] < -0.0499 && st[3] > 0.0499);
        assertMoments(w, 0.05 / Math.sqrt(3));
        // Conv2d(16 -> 32, 3x3, groups 2): fan_in = 8·9 = 72.
        Tensor cw = Tensor.zeros(32, 8, 3, 3);
        Init.torchDefaultWeight(cw, new Rng(8));
        double cb = 1 / Math.sqrt(72);
        st = stats(cw);
        assertTrue(st[2] >= -cb && st[3] <= cb && st[3] > 0.95 * cb);
        Tensor b = Tensor.zeros(100_000);
        Init.torchDefaultBias(b, 72, new Rng(9));
        st = stats(b);
        assertTrue(st[2] >= -cb && st[3] <= cb);
        assertMoments(b, cb / Math.sqrt(3));
        Init.torchDefaultBias(b, 0, new Rng(9));
        assertEquals(0f, b.get(5));
    }

    @Test
    void uniformNormalConstants() {
        Tensor t = Tensor.zeros(200_000);
        Init.normal(t, 3.0, 0.5, new Rng(10));
        double[] st = stats(t);
        assertEquals(3.0, st[0], 0.01);
        assertEquals(0.5, st[1], 0.005);
        Init.uniform(t, -2, 4, new Rng(11));
        st = stats(t);
        assertTrue(st[2] >= -2 && st[3] < 4);
        assertEquals(1.0, st[0], 0.02);
        assertEquals(6 / Math.sqrt(12), st[1], 0.01);
        Init.ones(t);
        assertEquals(1f, t.get(123));
        Init.zeros(t);
        assertEquals(0f, t.get(199_999));
        assertThrows(IllegalArgumentException.class, () -> Init.uniform(t, 1, 0, new Rng(1)));
    }

    @Test
    void initializersRespectTensorOffset() {
        float[] backing = new float[20];
        Tensor view = Tensor.wrap(backing, 8, 3, 4);
        Init.ones(view);
        for (int i = 0; i < 20; i++) {
            assertEquals(i >= 8 ? 1f : 0f, backing[i], "element " + i);
        }
    }

    @Test
    void sameSeedSameValues() {
        Tensor a = Init.kaimingNormal(Tensor.zeros(10, 10), new Rng(42));
        Tensor b = Init.kaimingNormal(Tensor.zeros(10, 10), new Rng(42));
        assertArrayEquals(a.toArray(), b.toArray());
    }

    private static void assertOrthonormalRows(float[] w, int rows, int cols, double gain) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < rows; j++) {
                double s = 0;
                for (int k = 0; k < cols; k++) {
                    s += (double) w[i * cols + k] * w[j * cols + k];
                }
                assertEquals(i == j ? gain * gain : 0.0, s, 5e-5, "row Gram (" + i + "," + j + ")");
            }
        }
    }

    private static void assertOrthonormalCols(float[] w, int rows, int cols, double gain) {
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int k = 0; k < rows; k++) {
                    s += (double) w[k * cols + i] * w[k * cols + j];
                }
                assertEquals(i == j ? gain * gain : 0.0, s, 5e-5, "column Gram (" + i + "," + j + ")");
            }
        }
    }

    @Test
    void orthogonalWideTallSquareAndConv() {
        Tensor wide = Init.orthogonal(Tensor.zeros(5, 40), 1.0, new Rng(12));
        assertOrthonormalRows(wide.toArray(), 5, 40, 1.0);
        Tensor tall = Init.orthogonal(Tensor.zeros(40, 6), 2.0, new Rng(13));
        assertOrthonormalCols(tall.toArray(), 40, 6, 2.0);
        Tensor sq = Init.orthogonal(Tensor.zeros(16, 16), 1.0, new Rng(14));
        assertOrthonormalRows(sq.toArray(), 16, 16, 1.0);
        assertOrthonormalCols(sq.toArray(), 16, 16, 1.0);
        // Conv weight (8, 3, 3, 3): viewed as 8 × 27 with orthonormal rows.
        Tensor conv = Init.orthogonal(Tensor.zeros(8, 3, 3, 3), 1.0, new Rng(15));
        assertOrthonormalRows(conv.toArray(), 8, 27, 1.0);
        assertThrows(IllegalArgumentException.class, () -> Init.orthogonal(Tensor.zeros(4), 1.0, new Rng(1)));
    }

    @Test
    void orthogonalMatchesPyTorchSignConvention() {
        // PyTorch multiplies Q by sign(diag(R)), so R has a positive diagonal: the first column of Q
        // is the first column of the Gaussian sample, normalized (not its negation).
        int rows = 6, cols = 3;
        Rng sampler = new Rng(16);
        double[] g = new double[rows * cols];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) sampler.nextGaussian();
        }
        double norm = 0;
        for (int r = 0; r < rows; r++) {
            norm += g[r * cols] * g[r * cols];
        }
        norm = Math.sqrt(norm);
        float[] q = Init.orthogonal(Tensor.zeros(rows, cols), 1.0, new Rng(16)).toArray();
        for (int r = 0; r < rows; r++) {
            assertEquals(g[r * cols] / norm, q[r * cols], 2e-6, "Q[" + r + ",0]");
        }
        // Second column: the component of g[:,1] orthogonal to q0, normalized, again with a + sign.
        double dot = 0;
        for (int r = 0; r < rows; r++) {
            dot += g[r * cols + 1] * g[r * cols] / norm;
        }
        double n1 = 0;
        double[] v = new double[rows];
        for (int r = 0; r < rows; r++) {
            v[r] = g[r * cols + 1] - dot * g[r * cols] / norm;
            n1 += v[r] * v[r];
        }
        for (int r = 0; r < rows; r++) {
            assertEquals(v[r] / Math.sqrt(n1), q[r * cols + 1], 2e-6, "Q[" + r + ",1]");
        }
    }
}

package org.fnl4j.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.tensor.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SpectralInitTest {

    static float[] kaimingSample(long seed, int m, int n) {
        Rng rng = new Rng(seed);
        float[] w = new float[m * n];
        double std = Math.sqrt(2.0 / n);
        for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextGaussian() * std);
        return w;
    }

    static double[] productMinus(SpectralInit.Factors f, float[] w) {
        int m = f.m(), n = f.n(), r = f.r();
        double err = 0, norm = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < r; k++) s += (double) f.u()[i * r + k] * f.v()[j * r + k];
                double d = s - w[i * n + j];
                err += d * d;
                norm += (double) w[i * n + j] * w[i * n + j];
            }
        return new double[] {Math.sqrt(err), Math.sqrt(norm)};
    }

    @ParameterizedTest
    @CsvSource({"48,144,5", "144,48,5", "7,31,3", "31,7,6", "1,1,1", "16,16,16", "10,30,10", "64,576,21"})
    void eckartYoungErrorAndBalancedGrams(int m, int n, int r) {
        float[] w = kaimingSample(m * 31L + n * 7L + r, m, n);
        SpectralInit.Factors f = SpectralInit.factorize(w, m, n, r);
        double[] e = productMinus(f, w);
        double tail = 0;
        for (int i = r; i < f.sigma().length; i++) tail += (double) f.sigma()[i] * f.sigma()[i];
        assertEquals(Math.sqrt(tail), e[0], 2e-5 * e[1] + 1e-6, "Eckart–Young error");
        assertEquals(Math.sqrt(tail), f.truncationError(), 1e-6 * e[1]);
        // UᵀU = VᵀV = diag(σ_1..σ_r).
        for (int a = 0; a < r; a++)
            for (int b = 0; b < r; b++) {
                double uu = 0, vv = 0;
                for (int i = 0; i < m; i++) uu += (double) f.u()[i * r + a] * f.u()[i * r + b];
                for (int i = 0; i < n; i++) vv += (double) f.v()[i * r + a] * f.v()[i * r + b];
                double expect = a == b ? f.sigma()[a] : 0;
                assertEquals(expect, uu, 2e-5 * f.sigma()[0], "UᵀU[" + a + "," + b + "]");
                assertEquals(expect, vv, 2e-5 * f.sigma()[0], "VᵀV[" + a + "," + b + "]");
            }
        if (r == Math.min(m, n)) {
            assertTrue(e[0] < 2e-5 * e[1], "full rank reproduces W: " + e[0]);
        }
    }

    @Test
    void vtIsTheTransposeAndErrorIsPositiveBelowFullRank() {
        float[] w = kaimingSample(3, 6, 9);
        SpectralInit.Factors f = SpectralInit.factorize(w, 6, 9, 2);
        float[] vt = f.vt();
        for (int i = 0; i < 9; i++)
            for (int j = 0; j < 2; j++) assertEquals(f.v()[i * 2 + j], vt[j * 9 + i]);
        assertTrue(productMinus(f, w)[0] > 0.1);
    }

    @Test
    void overcompleteRankLeavesZeroColumns() {
        float[] w = kaimingSample(4, 5, 3);
        SpectralInit.Factors f = SpectralInit.factorize(w, 5, 3, 7);
        assertEquals(4, f.deadColumns());
        for (int j = 3; j < 7; j++) {
            for (int i = 0; i < 5; i++) assertEquals(0f, f.u()[i * 7 + j]);
            for (int i = 0; i < 3; i++) assertEquals(0f, f.v()[i * 7 + j]);
        }
        assertTrue(productMinus(f, w)[0] < 1e-5);
        assertThrows(IllegalArgumentException.class, () -> SpectralInit.factorize(w, 5, 3, 0));
    }
}

package org.fnl4j.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.tensor.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LinalgTest {

    static float[] gaussian(long seed, int n) {
        Rng rng = new Rng(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        return a;
    }

    static double frob(float[] a) {
        double s = 0;
        for (float x : a) s += (double) x * x;
        return Math.sqrt(s);
    }

    static double diffFrob(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /** max |XᵀX − I| for a rows×cols row-major X. */
    static double orthoError(float[] x, int rows, int cols) {
        double worst = 0;
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                double d = 0;
                for (int k = 0; k < rows; k++) d += (double) x[k * cols + i] * x[k * cols + j];
                worst = Math.max(worst, Math.abs(d - (i == j ? 1 : 0)));
            }
        }
        return worst;
    }

    @ParameterizedTest
    @CsvSource({"1,1", "7,31", "31,7", "1,9", "9,1", "64,64", "144,48"})
    void thinSvdReconstructsOrthonormalAndSorted(int m, int n) {
        float[] a = gaussian(m * 1000L + n, m * n);
        Svd svd = Svd.thin(a, m, n);
        int p = Math.min(m, n);
        assertEquals(p, svd.p());
        assertEquals(m * p, svd.u().length);
        assertEquals(n * p, svd.v().length);
        for (int i = 1; i < p; i++) {
            assertTrue(svd.s()[i - 1] >= svd.s()[i], "descending at " + i);
        }
        assertTrue(svd.s()[p - 1] >= 0);
        assertTrue(orthoError(svd.u(), m, p) < 1e-5, "UᵀU = I");
        assertTrue(orthoError(svd.v(), n, p) < 1e-5, "VᵀV = I");
        double rel = diffFrob(svd.reconstruct(p), a) / frob(a);
        assertTrue(rel < 1e-5, "reconstruction error " + rel);
        assertArrayEquals(svd.s(), Svd.singularValues(a, m, n), 1e-4f * svd.s()[0]);
    }

    @Test
    void knownSingularValuesAndEckartYoung() {
        // A = diag(3, 1, 2) padded to 4×3, rotated in rows by a fixed orthogonal Q.
        int m = 4, n = 3;
        float[] q = Qr.orthonormalColumns(gaussian(5, 16), 4, 4);
        float[] d = {3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0};
        float[] a = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < m; k++) a[i * n + j] += q[i * m + k] * d[k * n + j];
        Svd svd = Svd.thin(a, m, n);
        assertArrayEquals(new float[] {3, 2, 1}, svd.s(), 1e-5f);
        assertEquals(1.0, diffFrob(svd.reconstruct(2), a), 1e-5);
        assertEquals(Math.sqrt(5), diffFrob(svd.reconstruct(1), a), 1e-5);
        float[] u1 = svd.uColumns(1);
        // Canonical sign: the largest entry of each left vector is positive.
        float big = 0;
        for (float x : u1) if (Math.abs(x) > Math.abs(big)) big = x;
        assertTrue(big > 0);
    }

    @Test
    void zeroAndRankDeficientMatrices() {
        Svd z = Svd.thin(new float[12], 3, 4);
        assertArrayEquals(new float[3], z.s(), 0f);
        float[] rank1 = new float[5 * 4];
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 4; j++) rank1[i * 4 + j] = (i + 1) * (j - 1.5f);
        Svd s = Svd.thin(rank1, 5, 4);
        assertTrue(s.s()[1] < 1e-5 * s.s()[0]);
        assertTrue(diffFrob(s.reconstruct(1), rank1) < 1e-4);
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Svd.thin(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("Svd.thin") && e.getMessage().contains("2x3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Qr.orthonormalColumns(new float[6], 2, 3));
        assertThrows(ArithmeticException.class, () -> Svd.thin(new float[] {Float.NaN, 1, 2, 3}, 2, 2));
    }

    @ParameterizedTest
    @CsvSource({"1,1", "7,3", "31,7", "5,5"})
    void qrGivesOrthonormalColumnsSpanningA(int m, int n) {
        float[] a = gaussian(77 + m, m * n);
        float[] q = Qr.orthonormalColumns(a, m, n);
        assertTrue(orthoError(q, m, n) < 1e-5);
        // R = QᵀA must be upper triangular with a non-negative diagonal, and Q·R = A.
        float[] r = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < m; k++) s += (double) q[k * n + i] * a[k * n + j];
                r[i * n + j] = (float) s;
            }
        for (int i = 0; i < n; i++) {
            assertTrue(r[i * n + i] >= 0, "diag R");
            for (int j = 0; j < i; j++) assertEquals(0, r[i * n + j], 1e-4, "below diagonal");
        }
        float[] back = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++) back[i * n + j] += q[i * n + k] * r[k * n + j];
        assertTrue(diffFrob(back, a) / frob(a) < 1e-5);
    }

    @Test
    void semiOrthogonalWideHasOrthonormalRows() {
        int m = 3, n = 8;
        float[] q = Qr.semiOrthogonal(gaussian(3, m * n), m, n);
        assertTrue(orthoError(Qr.transpose(q, m, n), n, m) < 1e-5);
    }

    @Test
    void hosvdExactAtFullRankAndOrthonormalFactors() {
        int[] dims = {4, 3, 5};
        float[] t = gaussian(11, 60);
        Tucker full = Tucker.hosvd(t, dims, new int[] {4, 3, 5});
        assertTrue(diffFrob(full.reconstruct(), t) / frob(t) < 1e-5);
        Tucker low = Tucker.hosvd(t, dims, new int[] {2, 2, 3});
        assertEquals(2 * 2 * 3, low.core().length);
        for (int k = 0; k < 3; k++) {
            assertTrue(orthoError(low.factors()[k], dims[k], low.ranks()[k]) < 1e-5);
        }
        // The truncation error is bounded by the sum of discarded mode-wise energies (HOSVD bound).
        double bound = 0;
        for (int k = 0; k < 3; k++) {
            float[] s = Svd.singularValues(Tucker.unfold(t, dims, k), dims[k], 60 / dims[k]);
            for (int i = low.ranks()[k]; i < s.length; i++) bound += (double) s[i] * s[i];
        }
        double err = diffFrob(low.reconstruct(), t);
        assertTrue(err <= Math.sqrt(bound) + 1e-4, err + " vs bound " + Math.sqrt(bound));
        assertTrue(err > 0);
        assertEquals(12 + 4 * 2 + 3 * 2 + 5 * 3, low.parameterCount());
    }

    @Test
    void ttSvdExactAtFullRankAndErrorBounded() {
        int[] dims = {4, 3, 5, 2};
        float[] t = gaussian(12, 120);
        TensorTrain full = TensorTrain.ttSvd(t, dims, new int[] {100, 100, 100});
        assertArrayEquals(new int[] {1, 4, 10, 2, 1}, full.ranks());
        assertTrue(diffFrob(full.reconstruct(), t) / frob(t) < 1e-5);
        TensorTrain low = TensorTrain.ttSvd(t, dims, new int[] {2, 3, 2});
        assertEquals(2 * 4 + 2 * 3 * 3 + 3 * 5 * 2 + 2 * 2, low.parameterCount());
        double err = diffFrob(low.reconstruct(), t);
        assertTrue(err > 0 && err < frob(t));
        // A tensor of exact TT ranks (1, 2, ...) is recovered exactly at those ranks.
        int[] d3 = {3, 4, 2};
        float[] g1 = gaussian(1, 3 * 2), g2 = gaussian(2, 2 * 4 * 2), g3 = gaussian(3, 2 * 2);
        TensorTrain built = new TensorTrain(d3, new int[] {1, 2, 2, 1}, new float[][] {g1, g2, g3});
        float[] exact = built.reconstruct();
        TensorTrain rec = TensorTrain.ttSvd(exact, d3, new int[] {2, 2});
        assertTrue(diffFrob(rec.reconstruct(), exact) / frob(exact) < 1e-5);
    }
}

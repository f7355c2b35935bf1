package org.fnl4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Parity of the packed GEMM driver (SIMD and scalar micro-kernels) with a double-precision oracle
 * and with {@link ScalarGemm#reference}, plus the BLAS contract details: transposes, alpha/beta,
 * offsets and padded leading dimensions, beta == 0 not reading C, thread-count independence.
 */
class GemmTest {
    private static final String SIMD = "org.fnl4j.kernel.simd.SimdGemmKernel";
    private static final String SIMD_DOT = "org.fnl4j.kernel.simd.SimdGemmDotKernel";
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** A GEMM problem with padded leading dimensions and non-zero offsets. */
    private static final class Problem {
        final boolean ta, tb;
        final int m, n, k, aOff, bOff, cOff, lda, ldb, ldc;
        final float alpha, beta;
        final float[] a, b, c0;

        Problem(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, int pad, long seed) {
            this.ta = ta;
            this.tb = tb;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            Rng rng = new Rng(seed);
            int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
            lda = aCols + pad;
            ldb = bCols + pad;
            ldc = n + pad;
            aOff = pad * 3;
            bOff = pad * 5;
            cOff = pad * 7;
            a = random(rng, aOff + aRows * lda + 2);
            b = random(rng, bOff + bRows * ldb + 2);
            c0 = random(rng, cOff + m * ldc + 2);
        }

        float a(int i, int p) {
            return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        float b(int p, int j) {
            return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        float[] run(GemmDriver d) {
            float[] c = c0.clone();
            Gemm.checkArgs(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            d.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return c;
        }

        float[] runPublic() {
            float[] c = c0.clone();
            Gemm.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return c;
        }

        float[] runReference() {
            float[] c = c0.clone();
            ScalarGemm.reference(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return c;
        }

        /** Checks c against a double-precision oracle, with a bound of a few ulps per term; untouched padding must stay. */
        void check(float[] c, String what) {
            for (int idx = 0; idx < c.length; idx++) {
                int rel = idx - cOff;
                boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
                if (!inside && Float.floatToRawIntBits(c[idx]) != Float.floatToRawIntBits(c0[idx])) {
                    fail(what + ": element " + idx + " outside C was modified");
                }
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0, abs = 0;
                    for (int p = 0; p < k; p++) {
                        double t = (double) a(i, p) * b(p, j);
                        sum += t;
                        abs += Math.abs(t);
                    }
                    int ci = cOff + i * ldc + j;
                    double old = c0[ci];
                    double expect = alpha * sum + (beta == 0 ? 0 : beta * old);
                    double tol = 1e-6 + 4 * (k + 2) * 0x1p-24 * (Math.abs(alpha) * abs + Math.abs(beta * old));
                    if (!(Math.abs(c[ci] - expect) <= tol)) {
                        fail(what + ": C[" + i + "," + j + "] = " + c[ci] + ", expected " + expect + " ± " + tol);
                    }
                }
            }
        }

        @Override
        public String toString() {
            return "sgemm(" + (ta ? "T" : "N") + (tb ? "T" : "N") + ", m=" + m + " n=" + n + " k=" + k
                    + ", alpha=" + alpha + ", beta=" + beta + ", lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + ")";
        }
    }

    private static float[] random(Rng rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rng.nextFloat() * 2 - 1;
        }
        return x;
    }

    private static List<Problem> problems() {
        List<Problem> ps = new ArrayList<>();
        long seed = 1;
        int[][] shapes = {{1, 1, 1}, {7, 7, 7}, {31, 31, 31}, {1, 7, 31}, {31, 1, 7}, {7, 31, 1},
                          {129, 77, 301}, {1021, 7, 31}, {7, 1021, 31}, {13, 67, 1021},
                          {8, 50, 9}, {64, 200, 37}, {128, 1021, 45}, // transposed B: swapped operands
                          {5, 70, 4100}, {31, 7, 4111}, {16, 144, 5003}}; // these split k (NT: the dot-product path)
        float[][] ab = {{1f, 0f}, {1.5f, 1f}, {-0.75f, 0.5f}, {1f, 1f}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                float[] albe = ab[(int) (seed % ab.length)];
                int pad = (int) (seed % 3) * 2;
                ps.add(new Problem((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], albe[0], albe[1], pad, seed++));
            }
        }
        return ps;
    }

    private static GemmDriver simdDriver() {
        return new GemmDriver(Kernels.loadSimd(SIMD, GemmMicroKernel.class), Kernels.loadSimd(SIMD_DOT, GemmDotKernel.class));
    }

    @Test
    void scalarDriverMatchesOracle() {
        GemmDriver d = new GemmDriver(new ScalarGemmKernel(), new ScalarGemmDotKernel());
        for (Problem p : problems()) {
            p.check(p.run(d), "scalar " + p);
        }
    }

    @Test
    void referenceMatchesOracle() {
        for (Problem p : problems()) {
            p.check(p.runReference(), "reference " + p);
        }
    }

    @Test
    void publicEntryPointMatchesOracle() {
        for (Problem p : problems()) {
            p.check(p.runPublic(), "Gemm.sgemm " + p);
        }
    }

    @Test
    void simdDriverMatchesOracleAndScalar() {
        assumeTrue(Kernels.simdActive());
        GemmDriver simd = simdDriver();
        GemmDriver scalar = new GemmDriver(new ScalarGemmKernel(), new ScalarGemmDotKernel());
        for (Problem p : problems()) {
            float[] cs = p.run(simd);
            p.check(cs, "simd " + p);
            float[] cr = p.run(scalar);
            for (int i = 0; i < cs.length; i++) {
                assertEquals(cr[i], cs[i], 1e-4f * (1 + Math.abs(cr[i])) * (float) Math.sqrt(p.k), "simd vs scalar " + p + " at " + i);
            }
        }
    }

    @Test
    void simdTwoVectorVariantMatchesOracle() throws ReflectiveOperationException {
        assumeTrue(Kernels.simdActive());
        GemmMicroKernel narrow = (GemmMicroKernel) Class.forName(SIMD).getConstructor(int.class).newInstance(2);
        GemmDriver d = new GemmDriver(narrow, Kernels.loadSimd(SIMD_DOT, GemmDotKernel.class));
        for (Problem p : problems()) {
            if (p.m * p.n * p.k < 50_000 || p.m == 129 && !p.ta) {
                p.check(p.run(d), "simd 6x2 " + p);
            }
        }
    }

    /** Reading A unpacked or B in place must give the bits of the packed path (same products, same order), edges included. */
    @Test
    void unpackedAGivesThePackedBits() {
        for (GemmDriver base : drivers()) {
            GemmMicroKernel k = base.kernel();
            GemmDotKernel dk = base.dotKernel();
            GemmDriver packed = new GemmDriver(k, dk, 0, 0);
            GemmDriver[] direct = {new GemmDriver(k, dk, Integer.MAX_VALUE, 0), new GemmDriver(k, dk, 0, Integer.MAX_VALUE),
                    new GemmDriver(k, dk, Integer.MAX_VALUE, Integer.MAX_VALUE)};
            String[] what = {"direct A", "direct B", "direct A and B"};
            for (Problem p : problems()) {
                float[] cp = p.run(packed);
                for (int d = 0; d < direct.length; d++) {
                    float[] cd = p.run(direct[d]);
                    p.check(cd, what[d] + " " + k.getClass().getSimpleName() + " " + p);
                    assertArrayEquals(cp, cd, "packed vs " + what[d] + " " + k.getClass().getSimpleName() + " " + p);
                }
            }
        }
    }

    /** The shared driver is built in a static initializer: it must see the settings declared beside it. */
    @Test
    void sharedDriverReadsTheDirectPanelsSetting() {
        assertEquals(GemmDriver.DIRECT_A_MAX_PANELS, GemmDriver.INSTANCE.directPanels());
        assertEquals(GemmDriver.DIRECT_B_MAX_ROWS, GemmDriver.INSTANCE.directBRows());
        assertTrue(GemmDriver.INSTANCE.directPanels() > 0 || Integer.getInteger("fnl4j.gemm.directPanels", 1) == 0,
                "the shared driver never reads A unpacked");
    }

    @Test
    void selectedKernelFollowsKernelSelection() {
        String name = GemmDriver.INSTANCE.kernel().getClass().getName();
        assertEquals(Kernels.simdActive() ? SIMD : ScalarGemmKernel.class.getName(), name, Kernels.implementation());
        String dot = GemmDriver.INSTANCE.dotKernel().getClass().getName();
        assertEquals(Kernels.simdActive() ? SIMD_DOT : ScalarGemmDotKernel.class.getName(), dot, Kernels.implementation());
    }

    @Test
    void betaZeroDoesNotReadC() {
        for (GemmDriver d : drivers()) {
            Problem p = new Problem(false, true, 29, 70, 13, 1.25f, 0f, 1, 99);
            java.util.Arrays.fill(p.c0, Float.NaN);
            float[] c = p.run(d);
            for (int i = 0; i < p.m; i++) {
                for (int j = 0; j < p.n; j++) {
                    assertFalse(Float.isNaN(c[p.cOff + i * p.ldc + j]), "NaN leaked from C at " + i + "," + j);
                }
            }
            // k == 0 and alpha == 0: C = beta * C without touching A or B.
            float[] z = p.c0.clone();
            d.sgemm(false, false, p.m, p.n, 0, 1f, p.a, 0, 1, p.b, 0, 1, 0f, z, p.cOff, p.ldc);
            assertEquals(0f, z[p.cOff + p.ldc + 3]);
            float[] h = new float[] {2f, 4f};
            d.sgemm(false, false, 1, 2, 3, 0f, new float[] {Float.NaN, 1, 1}, 0, 3, new float[6], 0, 2, 0.5f, h, 0, 2);
            assertArrayEquals(new float[] {1f, 2f}, h);
        }
    }

    private static List<GemmDriver> drivers() {
        List<GemmDriver> ds = new ArrayList<>();
        ds.add(new GemmDriver(new ScalarGemmKernel(), new ScalarGemmDotKernel()));
        if (Kernels.simdActive()) {
            ds.add(simdDriver());
        }
        return ds;
    }

    @Test
    void bitIdenticalAtAnyThreadCount() {
        // Each just above the parallel threshold; the second has too few columns and splits rows,
        // the last splits k.
        int[][] shapes = {{130, 140, 120}, {600, 20, 200}, {64, 576, 64}, {16, 144, 5000}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t += s[0] == 130 || s[2] == 5000 ? 1 : 3) {
                Problem p = new Problem((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 0.5f, 0.25f, 1, 7 + t);
                Parallel.setThreads(1);
                float[] one = p.runPublic();
                for (int threads : new int[] {2, 3}) {
                    Parallel.setThreads(threads);
                    float[] more = p.runPublic();
                    for (int i = 0; i < one.length; i++) {
                        if (Float.floatToRawIntBits(one[i]) != Float.floatToRawIntBits(more[i])) {
                            fail(p + ": threads=1 and threads=" + threads + " differ at " + i + ": " + one[i] + " vs " + more[i]);
                        }
                    }
                }
            }
        }
    }

    /**
     * Shifting the problem by one row and three columns moves elements between full tiles (written
     * by the kernel, directly or through its store) and edge tiles (finished by the driver): their
     * bits must not change.
     */
    @Test
    void edgeTilesRoundLikeFullTiles() {
        float[][] alphaBeta = {{0.7f, 0.3f}, {1f, 0f}, {1f, 1f}, {1f, 0.5f}};
        for (GemmDriver d : drivers()) {
            for (float[] ab : alphaBeta) {
                int m = 23, n = 150, k = 400;
                Problem p = new Problem(false, false, m, n, k, ab[0], ab[1], 0, 5);
                float[] full = p.run(d);
                float[] c = p.c0.clone();
                d.sgemm(false, false, m - 1, n - 3, k, p.alpha, p.a, p.lda, p.lda, p.b, 3, p.ldb, p.beta, c, p.ldc + 3, p.ldc);
                for (int i = 1; i < m; i++) {
                    for (int j = 3; j < n; j++) {
                        int ci = i * p.ldc + j;
                        assertEquals(Float.floatToRawIntBits(full[ci]), Float.floatToRawIntBits(c[ci]),
                                "alpha=" + ab[0] + " beta=" + ab[1] + " element " + i + "," + j);
                    }
                }
            }
        }
    }

    /**
     * The dot-product path: shifting an A·Bᵀ problem by one row of A and three rows of B moves
     * elements between full 4×4 tiles and edge tiles, and between B blocks; their bits must not change.
     */
    @Test
    void dotPathEdgeTilesRoundLikeFullTiles() {
        for (GemmDriver d : drivers()) {
            int m = 23, n = 150, k = 4200;
            assertTrue(GemmDriver.dotProducts(false, true, m - 1, n - 3, k));
            Problem p = new Problem(false, true, m, n, k, 0.5f, 0.25f, 0, 5);
            float[] full = p.run(d);
            float[] c = p.c0.clone();
            d.sgemm(false, true, m - 1, n - 3, k, p.alpha, p.a, p.lda, p.lda, p.b, 3 * p.ldb, p.ldb, p.beta, c, p.ldc + 3, p.ldc);
            for (int i = 1; i < m; i++) {
                for (int j = 3; j < n; j++) {
                    int ci = i * p.ldc + j;
                    assertEquals(Float.floatToRawIntBits(full[ci]), Float.floatToRawIntBits(c[ci]),
                            d.dotKernel().getClass().getSimpleName() + " element " + i + "," + j);
                }
            }
        }
    }

    /** A batch of 1 to 4 through a linear layer (C = A·Bᵀ, few rows) takes the dot path and is right at odd sizes. */
    @Test
    void fewRowsOfATimesBTransposedAreRight() {
        for (GemmDriver d : drivers()) {
            for (int m : new int[] {1, 3, 4}) {
                for (int[] nk : new int[][] {{1, 1}, {7, 31}, {37, 1021}, {512, 784}}) {
                    assertTrue(GemmDriver.dotProducts(false, true, m, nk[0], nk[1]));
                    Problem p = new Problem(false, true, m, nk[0], nk[1], 1f, 0.5f, 3, 7);
                    p.check(p.run(d), d.dotKernel().getClass().getSimpleName() + " " + p);
                }
            }
        }
    }

    /** SIMD dot kernel against its scalar twin at odd k, full and edge tiles, with offsets and padded rows. */
    @Test
    void simdDotKernelMatchesScalarTwin() {
        assumeTrue(Kernels.simdActive());
        GemmDotKernel simd = Kernels.loadSimd(SIMD_DOT, GemmDotKernel.class);
        GemmDotKernel scalar = new ScalarGemmDotKernel();
        assertEquals(4, simd.rows());
        assertEquals(4, simd.cols());
        Rng rng = new Rng(11);
        for (int kc : new int[] {1, 7, 31, 1021}) {
            for (int[] tile : new int[][] {{4, 4}, {1, 1}, {1, 4}, {3, 4}, {4, 2}}) {
                int lda = kc + 3, ldb = kc + 5, aOff = 2, bOff = 9;
                float[] a = random(rng, aOff + 4 * lda), b = random(rng, bOff + 4 * ldb);
                double[] got = dotTile(simd, tile, kc, a, aOff, lda, b, bOff, ldb);
                double[] want = dotTile(scalar, tile, kc, a, aOff, lda, b, bOff, ldb);
                for (int e = 0; e < got.length; e++) {
                    double tol = 1e-6 + 2 * kc * 0x1p-24 * Math.sqrt(kc);
                    assertEquals(want[e], got[e], tol, "kc=" + kc + " tile " + tile[0] + "x" + tile[1] + " element " + e);
                }
            }
        }
    }

    /** Element sums of the lane partials of one tile (full when tile is rows()×cols(), else edge), starting from lanes of 1. */
    private static double[] dotTile(GemmDotKernel kernel, int[] tile, int kc, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb) {
        int w = kernel.lanes(), ldp = kernel.cols() * w + 3, partOff = 5;
        float[] part = new float[partOff + kernel.rows() * ldp];
        java.util.Arrays.fill(part, 1f);
        if (tile[0] == kernel.rows() && tile[1] == kernel.cols()) {
            kernel.dotAdd(kc, a, aOff, lda, b, bOff, ldb, part, partOff, ldp);
        } else {
            kernel.dotAddEdge(tile[0], tile[1], kc, a, aOff, lda, b, bOff, ldb, part, partOff, ldp);
        }
        double[] sums = new double[tile[0] * tile[1]];
        for (int i = 0; i < tile[0]; i++) {
            for (int j = 0; j < tile[1]; j++) {
                double s = -w; // each lane started at 1
                for (int l = 0; l < w; l++) {
                    s += part[partOff + i * ldp + j * w + l];
                }
                sums[i * tile[1] + j] = s;
            }
        }
        // Nothing outside the tile's lanes may change.
        for (int x = 0; x < part.length; x++) {
            int rel = x - partOff;
            boolean inside = rel >= 0 && rel / ldp < tile[0] && rel % ldp < tile[1] * w;
            if (!inside) {
                assertEquals(1f, part[x], "lane buffer written outside the tile at " + x);
            }
        }
        return sums;
    }

    /** The dot path takes A·Bᵀ with a long k and a small C only: the 16-channel conv weight gradient, not the 64-channel one. */
    @Test
    void dotPathTakesSmallOutputsWithLongK() {
        assertTrue(GemmDriver.dotProducts(false, true, 16, 144, 100_352));
        assertFalse(GemmDriver.dotProducts(false, true, 64, 576, 100_352), "m·n above DOT_MAX_OUTPUT");
        assertFalse(GemmDriver.dotProducts(false, true, 16, 144, 1000), "k too short to split");
        assertTrue(GemmDriver.dotProducts(false, true, 1, 512, 784), "a batch of one through a linear layer");
        assertTrue(GemmDriver.dotProducts(false, true, 4, 512, 784), "a batch of four");
        assertFalse(GemmDriver.dotProducts(false, true, 5, 512, 784), "five rows: the packed path");
        assertFalse(GemmDriver.dotProducts(false, false, 1, 512, 784), "B read across its rows");
        assertFalse(GemmDriver.dotProducts(true, true, 16, 144, 100_352), "A read across its rows");
        assertFalse(GemmDriver.dotProducts(false, false, 16, 144, 100_352), "B read across its rows");
    }

    @Test
    void kSplitDependsOnTheShapeOnly() {
        assertEquals(1, GemmDriver.kParts(64, 576, 4095));
        assertEquals(1, GemmDriver.kParts(1024, 1024, 100_000));
        assertTrue(GemmDriver.kParts(16, 144, 5000) > 1);
        assertEquals(GemmDriver.K_PARTS, GemmDriver.kParts(64, 576, 100_352));
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        float[] a = new float[12], b = new float[12], c = new float[12];
        assertMessage(() -> Gemm.sgemm(false, false, -1, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2), "m=-1");
        assertMessage(() -> Gemm.sgemm(false, false, 3, 4, 2, 1f, a, 0, 1, b, 0, 4, 0f, c, 0, 4), "lda=1");
        assertMessage(() -> Gemm.sgemm(true, false, 3, 4, 2, 1f, a, 0, 3, b, 0, 4, 0f, c, 0, 3), "ldc=3");
        assertMessage(() -> Gemm.sgemm(false, true, 3, 4, 2, 1f, a, 0, 2, b, 0, 1, 0f, c, 0, 4), "ldb=1");
        assertMessage(() -> Gemm.sgemm(false, false, 3, 4, 2, 1f, a, 8, 2, b, 0, 4, 0f, c, 0, 4), "A (3x2");
        assertMessage(() -> Gemm.sgemm(false, false, 3, 4, 2, 1f, a, 0, 2, null, 0, 4, 0f, c, 0, 4), "null");
        assertMessage(() -> Gemm.sgemm(false, false, 3, 4, 2, 1f, a, 0, 2, b, 0, 4, 0f, c, -1, 4), "offset=-1");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith("sgemm") && e.getMessage().contains(fragment), e.getMessage());
    }
}

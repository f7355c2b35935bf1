package org.fnl4j.kernel;

/**
 * Scalar twin of the SIMD dot-product GEMM kernel: one lane per element of C, a 4×4 tile of
 * dot products in 16 local accumulators, each summed in increasing k with a separate multiply and
 * add (so it differs from the fused SIMD kernel by rounding only).
 */
public final class ScalarGemmDotKernel implements GemmDotKernel {
    static final int ROWS = 4, COLS = 4;

    @Override
    public int rows() {
        return ROWS;
    }

    @Override
    public int cols() {
        return COLS;
    }

    @Override
    public int lanes() {
        return 1;
    }

    @Override
    public void dotAdd(int kc, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] part, int partOff,
                       int ldp) {
        int a0 = aOff, a1 = aOff + lda, a2 = aOff + 2 * lda, a3 = aOff + 3 * lda;
        int b0 = bOff, b1 = bOff + ldb, b2 = bOff + 2 * ldb, b3 = bOff + 3 * ldb;
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++) {
            float y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p], y3 = b[b3 + p];
            float x0 = a[a0 + p];
            c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
            float x1 = a[a1 + p];
            c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
            float x2 = a[a2 + p];
            c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
            float x3 = a[a3 + p];
            c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
        }
        add(part, partOff, c00, c01, c02, c03);
        add(part, partOff + ldp, c10, c11, c12, c13);
        add(part, partOff + 2 * ldp, c20, c21, c22, c23);
        add(part, partOff + 3 * ldp, c30, c31, c32, c33);
    }

    private static void add(float[] part, int o, float x0, float x1, float x2, float x3) {
        part[o] += x0;
        part[o + 1] += x1;
        part[o + 2] += x2;
        part[o + 3] += x3;
    }

    @Override
    public void dotAddEdge(int tileRows, int tileCols, int kc, float[] a, int aOff, int lda, float[] b, int bOff,
                           int ldb, float[] part, int partOff, int ldp) {
        for (int i = 0; i < tileRows; i++) {
            for (int j = 0; j < tileCols; j++) {
                float s = 0;
                int ai = aOff + i * lda, bj = bOff + j * ldb;
                for (int p = 0; p < kc; p++) {
                    s += a[ai + p] * b[bj + p];
                }
                part[partOff + i * ldp + j] += s;
            }
        }
    }
}

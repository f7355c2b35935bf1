package org.fnl4j.kernel;

/**
 * Scalar twin of the SIMD GEMM micro-kernel: a 4×4 tile held in 16 local accumulators (the scalar
 * register file cannot hold more without spilling). Accumulates with a separate multiply and add,
 * so it differs from the fused SIMD kernel by rounding only.
 */
public final class ScalarGemmKernel implements GemmMicroKernel {
    static final int MR = 4, NR = 4;

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public void multiply(int kc, float[] ap, int aOff, int ks, int rs, float[] bp, int bOff, int bs, float[] out, int outOff,
                         int ldo) {
        tile(kc, ap, aOff, ks, rs, bp, bOff, bs, out, outOff, ldo, false);
    }

    @Override
    public void multiplyAdd(int kc, float[] ap, int aOff, int ks, int rs, float[] bp, int bOff, int bs, float[] out,
                            int outOff, int ldo) {
        tile(kc, ap, aOff, ks, rs, bp, bOff, bs, out, outOff, ldo, true);
    }

    private static void tile(int kc, float[] ap, int aOff, int ks, int rs, float[] bp, int bOff, int bs, float[] out,
                             int outOff, int ldo, boolean add) {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * ks, bi = bOff + p * bs;
            float b0 = bp[bi], b1 = bp[bi + 1], b2 = bp[bi + 2], b3 = bp[bi + 3];
            float a0 = ap[ai], a1 = ap[ai + rs], a2 = ap[ai + 2 * rs], a3 = ap[ai + 3 * rs];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        put(out, outOff, add, c00, c01, c02, c03);
        put(out, outOff + ldo, add, c10, c11, c12, c13);
        put(out, outOff + 2 * ldo, add, c20, c21, c22, c23);
        put(out, outOff + 3 * ldo, add, c30, c31, c32, c33);
    }

    private static void put(float[] out, int o, boolean add, float x0, float x1, float x2, float x3) {
        if (add) {
            out[o] += x0; out[o + 1] += x1; out[o + 2] += x2; out[o + 3] += x3;
        } else {
            out[o] = x0; out[o + 1] = x1; out[o + 2] = x2; out[o + 3] = x3;
        }
    }

    @Override
    public void store(float[] acc, float alpha, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < MR; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < NR; j++) {
                c[ci + j] = GemmDriver.combine(acc[i * NR + j], alpha, beta, c, ci + j);
            }
        }
    }
}

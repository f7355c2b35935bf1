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
    public void multiply(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] acc) {
        if (vectors == 4) {
            multiply6x4(kc, ap, aOff, bp, bOff, acc);
        } else {
            multiply6x2(kc, ap, aOff, bp, bOff, acc);
        }
    }

    private static void multiply6x4(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] acc) {
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
        c00.intoArray(acc, 0); c01.intoArray(acc, L); c02.intoArray(acc, 2 * L); c03.intoArray(acc, 3 * L);
        c10.intoArray(acc, 4 * L); c11.intoArray(acc, 5 * L); c12.intoArray(acc, 6 * L); c13.intoArray(acc, 7 * L);
        c20.intoArray(acc, 8 * L); c21.intoArray(acc, 9 * L); c22.intoArray(acc, 10 * L); c23.intoArray(acc, 11 * L);
        c30.intoArray(acc, 12 * L); c31.intoArray(acc, 13 * L); c32.intoArray(acc, 14 * L); c33.intoArray(acc, 15 * L);
        c40.intoArray(acc, 16 * L); c41.intoArray(acc, 17 * L); c42.intoArray(acc, 18 * L); c43.intoArray(acc, 19 * L);
        c50.intoArray(acc, 20 * L); c51.intoArray(acc, 21 * L); c52.intoArray(acc, 22 * L); c53.intoArray(acc, 23 * L);
    }

    private static void multiply6x2(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] acc) {
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
        c00.intoArray(acc, 0); c01.intoArray(acc, L);
        c10.intoArray(acc, 2 * L); c11.intoArray(acc, 3 * L);
        c20.intoArray(acc, 4 * L); c21.intoArray(acc, 5 * L);
        c30.intoArray(acc, 6 * L); c31.intoArray(acc, 7 * L);
        c40.intoArray(acc, 8 * L); c41.intoArray(acc, 9 * L);
        c50.intoArray(acc, 10 * L); c51.intoArray(acc, 11 * L);
    }

    @Override
    public void store(float[] acc, float alpha, float beta, float[] c, int cOff, int ldc) {
        // One straight loop per case: JDK 17's C2 boxes vectors merged from branches (a phi).
        int nr = vectors * L;
        if (beta == 0f) {
            for (int i = 0; i < MR; i++) {
                int ci = cOff + i * ldc;
                for (int v = 0; v < nr; v += L) {
                    FloatVector.fromArray(S, acc, i * nr + v).mul(alpha).intoArray(c, ci + v);
                }
            }
        } else {
            for (int i = 0; i < MR; i++) {
                int ci = cOff + i * ldc;
                for (int v = 0; v < nr; v += L) {
                    FloatVector.fromArray(S, acc, i * nr + v).mul(alpha)
                            .add(FloatVector.fromArray(S, c, ci + v).mul(beta)).intoArray(c, ci + v);
                }
            }
        }
    }
}

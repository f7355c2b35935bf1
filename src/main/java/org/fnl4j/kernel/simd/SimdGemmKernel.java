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
    public void multiply(int kc, float[] ap, int aOff, int ks, int rs, float[] bp, int bOff, int bs, float[] out, int outOff,
                         int ldo) {
        if (vectors == 4) {
            multiply6x4(kc, ap, aOff, ks, rs, bp, bOff, bs, out, outOff, ldo);
        } else {
            multiply6x2(kc, ap, aOff, ks, rs, bp, bOff, bs, out, outOff, ldo);
        }
    }

    @Override
    public void multiplyAdd(int kc, float[] ap, int aOff, int ks, int rs, float[] bp, int bOff, int bs, float[] out,
                            int outOff, int ldo) {
        if (vectors == 4) {
            multiplyAdd6x4(kc, ap, aOff, ks, rs, bp, bOff, bs, out, outOff, ldo);
        } else {
            multiplyAdd6x2(kc, ap, aOff, ks, rs, bp, bOff, bs, out, outOff, ldo);
        }
    }

    private static void multiply6x4(int kc, float[] ap, int aOff, int ks, int rs, float[] bp, int bOff, int bs, float[] out,
                                            int outOff, int ldo) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S), c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S), c53 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * bs;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
            int ai = aOff + p * ks;
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + rs]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * rs]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * rs]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4 * rs]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41); c42 = a4.fma(b2, c42); c43 = a4.fma(b3, c43);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5 * rs]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51); c52 = a5.fma(b2, c52); c53 = a5.fma(b3, c53);
        }
        int o0 = outOff;
        c00.intoArray(out, o0);
        c01.intoArray(out, o0 + L);
        c02.intoArray(out, o0 + 2 * L);
        c03.intoArray(out, o0 + 3 * L);
        int o1 = outOff + ldo;
        c10.intoArray(out, o1);
        c11.intoArray(out, o1 + L);
        c12.intoArray(out, o1 + 2 * L);
        c13.intoArray(out, o1 + 3 * L);
        int o2 = outOff + 2 * ldo;
        c20.intoArray(out, o2);
        c21.intoArray(out, o2 + L);
        c22.intoArray(out, o2 + 2 * L);
        c23.intoArray(out, o2 + 3 * L);
        int o3 = outOff + 3 * ldo;
        c30.intoArray(out, o3);
        c31.intoArray(out, o3 + L);
        c32.intoArray(out, o3 + 2 * L);
        c33.intoArray(out, o3 + 3 * L);
        int o4 = outOff + 4 * ldo;
        c40.intoArray(out, o4);
        c41.intoArray(out, o4 + L);
        c42.intoArray(out, o4 + 2 * L);
        c43.intoArray(out, o4 + 3 * L);
        int o5 = outOff + 5 * ldo;
        c50.intoArray(out, o5);
        c51.intoArray(out, o5 + L);
        c52.intoArray(out, o5 + 2 * L);
        c53.intoArray(out, o5 + 3 * L);
    }

    private static void multiplyAdd6x4(int kc, float[] ap, int aOff, int ks, int rs, float[] bp, int bOff, int bs, float[] out,
                                               int outOff, int ldo) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S), c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S), c53 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * bs;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
            int ai = aOff + p * ks;
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + rs]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * rs]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * rs]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4 * rs]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41); c42 = a4.fma(b2, c42); c43 = a4.fma(b3, c43);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5 * rs]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51); c52 = a5.fma(b2, c52); c53 = a5.fma(b3, c53);
        }
        int o0 = outOff;
        FloatVector.fromArray(S, out, o0).add(c00).intoArray(out, o0);
        FloatVector.fromArray(S, out, o0 + L).add(c01).intoArray(out, o0 + L);
        FloatVector.fromArray(S, out, o0 + 2 * L).add(c02).intoArray(out, o0 + 2 * L);
        FloatVector.fromArray(S, out, o0 + 3 * L).add(c03).intoArray(out, o0 + 3 * L);
        int o1 = outOff + ldo;
        FloatVector.fromArray(S, out, o1).add(c10).intoArray(out, o1);
        FloatVector.fromArray(S, out, o1 + L).add(c11).intoArray(out, o1 + L);
        FloatVector.fromArray(S, out, o1 + 2 * L).add(c12).intoArray(out, o1 + 2 * L);
        FloatVector.fromArray(S, out, o1 + 3 * L).add(c13).intoArray(out, o1 + 3 * L);
        int o2 = outOff + 2 * ldo;
        FloatVector.fromArray(S, out, o2).add(c20).intoArray(out, o2);
        FloatVector.fromArray(S, out, o2 + L).add(c21).intoArray(out, o2 + L);
        FloatVector.fromArray(S, out, o2 + 2 * L).add(c22).intoArray(out, o2 + 2 * L);
        FloatVector.fromArray(S, out, o2 + 3 * L).add(c23).intoArray(out, o2 + 3 * L);
        int o3 = outOff + 3 * ldo;
        FloatVector.fromArray(S, out, o3).add(c30).intoArray(out, o3);
        FloatVector.fromArray(S, out, o3 + L).add(c31).intoArray(out, o3 + L);
        FloatVector.fromArray(S, out, o3 + 2 * L).add(c32).intoArray(out, o3 + 2 * L);
        FloatVector.fromArray(S, out, o3 + 3 * L).add(c33).intoArray(out, o3 + 3 * L);
        int o4 = outOff + 4 * ldo;
        FloatVector.fromArray(S, out, o4).add(c40).intoArray(out, o4);
        FloatVector.fromArray(S, out, o4 + L).add(c41).intoArray(out, o4 + L);
        FloatVector.fromArray(S, out, o4 + 2 * L).add(c42).intoArray(out, o4 + 2 * L);
        FloatVector.fromArray(S, out, o4 + 3 * L).add(c43).intoArray(out, o4 + 3 * L);
        int o5 = outOff + 5 * ldo;
        FloatVector.fromArray(S, out, o5).add(c50).intoArray(out, o5);
        FloatVector.fromArray(S, out, o5 + L).add(c51).intoArray(out, o5 + L);
        FloatVector.fromArray(S, out, o5 + 2 * L).add(c52).intoArray(out, o5 + 2 * L);
        FloatVector.fromArray(S, out, o5 + 3 * L).add(c53).intoArray(out, o5 + 3 * L);
    }

    private static void multiply6x2(int kc, float[] ap, int aOff, int ks, int rs, float[] bp, int bOff, int bs, float[] out,
                                            int outOff, int ldo) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * bs;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            int ai = aOff + p * ks;
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + rs]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * rs]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * rs]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4 * rs]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5 * rs]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
        }
        int o0 = outOff;
        c00.intoArray(out, o0);
        c01.intoArray(out, o0 + L);
        int o1 = outOff + ldo;
        c10.intoArray(out, o1);
        c11.intoArray(out, o1 + L);
        int o2 = outOff + 2 * ldo;
        c20.intoArray(out, o2);
        c21.intoArray(out, o2 + L);
        int o3 = outOff + 3 * ldo;
        c30.intoArray(out, o3);
        c31.intoArray(out, o3 + L);
        int o4 = outOff + 4 * ldo;
        c40.intoArray(out, o4);
        c41.intoArray(out, o4 + L);
        int o5 = outOff + 5 * ldo;
        c50.intoArray(out, o5);
        c51.intoArray(out, o5 + L);
    }

    private static void multiplyAdd6x2(int kc, float[] ap, int aOff, int ks, int rs, float[] bp, int bOff, int bs, float[] out,
                                               int outOff, int ldo) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * bs;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            int ai = aOff + p * ks;
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + rs]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2 * rs]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3 * rs]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4 * rs]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5 * rs]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
        }
        int o0 = outOff;
        FloatVector.fromArray(S, out, o0).add(c00).intoArray(out, o0);
        FloatVector.fromArray(S, out, o0 + L).add(c01).intoArray(out, o0 + L);
        int o1 = outOff + ldo;
        FloatVector.fromArray(S, out, o1).add(c10).intoArray(out, o1);
        FloatVector.fromArray(S, out, o1 + L).add(c11).intoArray(out, o1 + L);
        int o2 = outOff + 2 * ldo;
        FloatVector.fromArray(S, out, o2).add(c20).intoArray(out, o2);
        FloatVector.fromArray(S, out, o2 + L).add(c21).intoArray(out, o2 + L);
        int o3 = outOff + 3 * ldo;
        FloatVector.fromArray(S, out, o3).add(c30).intoArray(out, o3);
        FloatVector.fromArray(S, out, o3 + L).add(c31).intoArray(out, o3 + L);
        int o4 = outOff + 4 * ldo;
        FloatVector.fromArray(S, out, o4).add(c40).intoArray(out, o4);
        FloatVector.fromArray(S, out, o4 + L).add(c41).intoArray(out, o4 + L);
        int o5 = outOff + 5 * ldo;
        FloatVector.fromArray(S, out, o5).add(c50).intoArray(out, o5);
        FloatVector.fromArray(S, out, o5 + L).add(c51).intoArray(out, o5 + L);
    }

    @Override
    public void store(float[] acc, float alpha, float beta, float[] c, int cOff, int ldc) {
        // One straight loop per case: JDK 17's C2 boxed vectors merged from branches (a phi).
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

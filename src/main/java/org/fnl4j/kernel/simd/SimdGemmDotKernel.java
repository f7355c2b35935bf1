package org.fnl4j.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.fnl4j.kernel.GemmDotKernel;

/**
 * Vector API dot-product GEMM kernel: a 4×4 tile of C, each element a vector accumulator over
 * k-steps of one vector (16 accumulators + 4 B vectors + 1 A vector of the 32 AVX-512 registers);
 * per vector step 8 loads feed 16 fused multiply-adds, so the kernel is bound by the FMA units,
 * not by the loads. The products of the last {@code kc mod L} steps (L floats per vector) are added
 * to lanes 0, 1, … after the vector part, in the same order in full and edge tiles, so an element's
 * bits do not depend on the tile it falls in. Only {@code SPECIES_PREFERRED} is used (JDK 17 slows
 * every vector kernel down when two vector shapes run in one JVM).
 */
public final class SimdGemmDotKernel implements GemmDotKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int ROWS = 4, COLS = 4;

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
        return L;
    }

    @Override
    public void dotAdd(int kc, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] part, int partOff,
                       int ldp) {
        int a0 = aOff, a1 = aOff + lda, a2 = aOff + 2 * lda, a3 = aOff + 3 * lda;
        int b0 = bOff, b1 = bOff + ldb, b2 = bOff + 2 * ldb, b3 = bOff + 3 * ldb;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        int bound = S.loopBound(kc);
        for (int p = 0; p < bound; p += L) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector y3 = FloatVector.fromArray(S, b, b3 + p);
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
            c00 = x0.fma(y0, c00); c01 = x0.fma(y1, c01); c02 = x0.fma(y2, c02); c03 = x0.fma(y3, c03);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
            c10 = x1.fma(y0, c10); c11 = x1.fma(y1, c11); c12 = x1.fma(y2, c12); c13 = x1.fma(y3, c13);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + p);
            c20 = x2.fma(y0, c20); c21 = x2.fma(y1, c21); c22 = x2.fma(y2, c22); c23 = x2.fma(y3, c23);
            FloatVector x3 = FloatVector.fromArray(S, a, a3 + p);
            c30 = x3.fma(y0, c30); c31 = x3.fma(y1, c31); c32 = x3.fma(y2, c32); c33 = x3.fma(y3, c33);
        }
        // Written out rather than through a helper taking a vector: a vector passed to a method C2
        // does not inline is boxed, and this method is near the inlining budget.
        int p0 = partOff, p1 = partOff + ldp, p2 = partOff + 2 * ldp, p3 = partOff + 3 * ldp;
        FloatVector.fromArray(S, part, p0).add(c00).intoArray(part, p0);
        FloatVector.fromArray(S, part, p0 + L).add(c01).intoArray(part, p0 + L);
        FloatVector.fromArray(S, part, p0 + 2 * L).add(c02).intoArray(part, p0 + 2 * L);
        FloatVector.fromArray(S, part, p0 + 3 * L).add(c03).intoArray(part, p0 + 3 * L);
        FloatVector.fromArray(S, part, p1).add(c10).intoArray(part, p1);
        FloatVector.fromArray(S, part, p1 + L).add(c11).intoArray(part, p1 + L);
        FloatVector.fromArray(S, part, p1 + 2 * L).add(c12).intoArray(part, p1 + 2 * L);
        FloatVector.fromArray(S, part, p1 + 3 * L).add(c13).intoArray(part, p1 + 3 * L);
        FloatVector.fromArray(S, part, p2).add(c20).intoArray(part, p2);
        FloatVector.fromArray(S, part, p2 + L).add(c21).intoArray(part, p2 + L);
        FloatVector.fromArray(S, part, p2 + 2 * L).add(c22).intoArray(part, p2 + 2 * L);
        FloatVector.fromArray(S, part, p2 + 3 * L).add(c23).intoArray(part, p2 + 3 * L);
        FloatVector.fromArray(S, part, p3).add(c30).intoArray(part, p3);
        FloatVector.fromArray(S, part, p3 + L).add(c31).intoArray(part, p3 + L);
        FloatVector.fromArray(S, part, p3 + 2 * L).add(c32).intoArray(part, p3 + 2 * L);
        FloatVector.fromArray(S, part, p3 + 3 * L).add(c33).intoArray(part, p3 + 3 * L);
        if (bound < kc) {
            tails(ROWS, COLS, bound, kc, a, aOff, lda, b, bOff, ldb, part, partOff, ldp);
        }
    }

    /** {@link #tail} for every element of a tile. */
    private static void tails(int rows, int cols, int from, int kc, float[] a, int aOff, int lda, float[] b, int bOff,
                              int ldb, float[] part, int partOff, int ldp) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                tail(from, kc, a, aOff + i * lda, b, bOff + j * ldb, part, partOff + i * ldp + j * L);
            }
        }
    }

    /** Lane (p − from) of the element gets the product of step p, for the steps past the last full vector. */
    private static void tail(int from, int kc, float[] a, int ai, float[] b, int bj, float[] part, int po) {
        for (int p = from; p < kc; p++) {
            part[po + p - from] += a[ai + p] * b[bj + p];
        }
    }

    /**
     * Edge tiles, one row of A at a time against up to {@link #COLS} rows of B: the columns' chains
     * are interleaved so that a one-row product (a batch of one through a linear layer) is not bound
     * by the FMA's latency. Each element gets the same operations, in the same order, as a single
     * chain would give it.
     */
    @Override
    public void dotAddEdge(int tileRows, int tileCols, int kc, float[] a, int aOff, int lda, float[] b, int bOff,
                           int ldb, float[] part, int partOff, int ldp) {
        int bound = S.loopBound(kc);
        for (int i = 0; i < tileRows; i++) {
            int ai = aOff + i * lda, po = partOff + i * ldp;
            if (tileCols == COLS) {
                int b0 = bOff, b1 = bOff + ldb, b2 = bOff + 2 * ldb, b3 = bOff + 3 * ldb;
                FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
                for (int p = 0; p < bound; p += L) {
                    FloatVector x = FloatVector.fromArray(S, a, ai + p);
                    c0 = x.fma(FloatVector.fromArray(S, b, b0 + p), c0);
                    c1 = x.fma(FloatVector.fromArray(S, b, b1 + p), c1);
                    c2 = x.fma(FloatVector.fromArray(S, b, b2 + p), c2);
                    c3 = x.fma(FloatVector.fromArray(S, b, b3 + p), c3);
                }
                FloatVector.fromArray(S, part, po).add(c0).intoArray(part, po);
                FloatVector.fromArray(S, part, po + L).add(c1).intoArray(part, po + L);
                FloatVector.fromArray(S, part, po + 2 * L).add(c2).intoArray(part, po + 2 * L);
                FloatVector.fromArray(S, part, po + 3 * L).add(c3).intoArray(part, po + 3 * L);
                for (int j = 0; j < COLS; j++) {
                    tail(bound, kc, a, ai, b, bOff + j * ldb, part, po + j * L);
                }
                continue;
            }
            for (int j = 0; j < tileCols; j++) {
                int bj = bOff + j * ldb, pj = po + j * L;
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < bound; p += L) {
                    acc = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), acc);
                }
                FloatVector.fromArray(S, part, pj).add(acc).intoArray(part, pj);
                tail(bound, kc, a, ai, b, bj, part, pj);
            }
        }
    }
}

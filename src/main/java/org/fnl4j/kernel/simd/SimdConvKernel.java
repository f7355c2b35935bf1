package org.fnl4j.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.fnl4j.kernel.ConvKernel;

/**
 * Vector API implementation of the implicit-GEMM convolution loops (contract: {@link ConvKernel}),
 * using {@code FloatVector.SPECIES_PREFERRED} only. Both blocks keep 4 × 6 = 24 vector accumulators
 * in registers: the forward block broadcasts one weight per output row and FMAs it into six
 * vectors of output pixels; the weight-gradient block FMAs four output-gradient vectors with six
 * shifted input vectors. Loaded reflectively by {@link org.fnl4j.kernel.Kernels#active()}; the scalar
 * twin is {@link org.fnl4j.kernel.ScalarConvKernel}.
 */
public final class SimdConvKernel implements ConvKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public void forwardBlock(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                             float[] out, int outOff, int ldo, int nvec) {
        switch (nvec) {
            case 6 -> forward4x6(kCount, w, wOff, offs, src, srcOff, out, outOff, ldo);
            case 5 -> forward4x5(kCount, w, wOff, offs, src, srcOff, out, outOff, ldo);
            case 4 -> forward4x4(kCount, w, wOff, offs, src, srcOff, out, outOff, ldo);
            case 3 -> forward4x3(kCount, w, wOff, offs, src, srcOff, out, outOff, ldo);
            case 2 -> forward4x2(kCount, w, wOff, offs, src, srcOff, out, outOff, ldo);
            case 1 -> forward4x1(kCount, w, wOff, offs, src, srcOff, out, outOff, ldo);
            default -> throw new IllegalArgumentException("forwardBlock: nvec must be 1.." + NR + ", got " + nvec);
        }
    }

    private static void forward4x6(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                                   float[] out, int outOff, int ldo) {
        FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S); FloatVector c02 = FloatVector.zero(S); FloatVector c03 = FloatVector.zero(S); FloatVector c04 = FloatVector.zero(S); FloatVector c05 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S); FloatVector c12 = FloatVector.zero(S); FloatVector c13 = FloatVector.zero(S); FloatVector c14 = FloatVector.zero(S); FloatVector c15 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S); FloatVector c22 = FloatVector.zero(S); FloatVector c23 = FloatVector.zero(S); FloatVector c24 = FloatVector.zero(S); FloatVector c25 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S); FloatVector c32 = FloatVector.zero(S); FloatVector c33 = FloatVector.zero(S); FloatVector c34 = FloatVector.zero(S); FloatVector c35 = FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int s = srcOff + offs[k];
            int wi = wOff + k * MR;
            FloatVector x0 = FloatVector.fromArray(S, src, s + 0 * L);
            FloatVector x1 = FloatVector.fromArray(S, src, s + 1 * L);
            FloatVector x2 = FloatVector.fromArray(S, src, s + 2 * L);
            FloatVector x3 = FloatVector.fromArray(S, src, s + 3 * L);
            FloatVector x4 = FloatVector.fromArray(S, src, s + 4 * L);
            FloatVector x5 = FloatVector.fromArray(S, src, s + 5 * L);
            FloatVector b0 = FloatVector.broadcast(S, w[wi + 0]);
            c00 = x0.fma(b0, c00);
            c01 = x1.fma(b0, c01);
            c02 = x2.fma(b0, c02);
            c03 = x3.fma(b0, c03);
            c04 = x4.fma(b0, c04);
            c05 = x5.fma(b0, c05);
            FloatVector b1 = FloatVector.broadcast(S, w[wi + 1]);
            c10 = x0.fma(b1, c10);
            c11 = x1.fma(b1, c11);
            c12 = x2.fma(b1, c12);
            c13 = x3.fma(b1, c13);
            c14 = x4.fma(b1, c14);
            c15 = x5.fma(b1, c15);
            FloatVector b2 = FloatVector.broadcast(S, w[wi + 2]);
            c20 = x0.fma(b2, c20);
            c21 = x1.fma(b2, c21);
            c22 = x2.fma(b2, c22);
            c23 = x3.fma(b2, c23);
            c24 = x4.fma(b2, c24);
            c25 = x5.fma(b2, c25);
            FloatVector b3 = FloatVector.broadcast(S, w[wi + 3]);
            c30 = x0.fma(b3, c30);
            c31 = x1.fma(b3, c31);
            c32 = x2.fma(b3, c32);
            c33 = x3.fma(b3, c33);
            c34 = x4.fma(b3, c34);
            c35 = x5.fma(b3, c35);
        }
        c00.intoArray(out, outOff + 0 * ldo + 0 * L);
        c01.intoArray(out, outOff + 0 * ldo + 1 * L);
        c02.intoArray(out, outOff + 0 * ldo + 2 * L);
        c03.intoArray(out, outOff + 0 * ldo + 3 * L);
        c04.intoArray(out, outOff + 0 * ldo + 4 * L);
        c05.intoArray(out, outOff + 0 * ldo + 5 * L);
        c10.intoArray(out, outOff + 1 * ldo + 0 * L);
        c11.intoArray(out, outOff + 1 * ldo + 1 * L);
        c12.intoArray(out, outOff + 1 * ldo + 2 * L);
        c13.intoArray(out, outOff + 1 * ldo + 3 * L);
        c14.intoArray(out, outOff + 1 * ldo + 4 * L);
        c15.intoArray(out, outOff + 1 * ldo + 5 * L);
        c20.intoArray(out, outOff + 2 * ldo + 0 * L);
        c21.intoArray(out, outOff + 2 * ldo + 1 * L);
        c22.intoArray(out, outOff + 2 * ldo + 2 * L);
        c23.intoArray(out, outOff + 2 * ldo + 3 * L);
        c24.intoArray(out, outOff + 2 * ldo + 4 * L);
        c25.intoArray(out, outOff + 2 * ldo + 5 * L);
        c30.intoArray(out, outOff + 3 * ldo + 0 * L);
        c31.intoArray(out, outOff + 3 * ldo + 1 * L);
        c32.intoArray(out, outOff + 3 * ldo + 2 * L);
        c33.intoArray(out, outOff + 3 * ldo + 3 * L);
        c34.intoArray(out, outOff + 3 * ldo + 4 * L);
        c35.intoArray(out, outOff + 3 * ldo + 5 * L);
    }

    @Override
    public void forwardRow(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                           float[] out, int outOff, int nvec) {
        switch (nvec) {
            case 6 -> forward1x6(kCount, w, wOff, offs, src, srcOff, out, outOff);
            case 5 -> forward1x5(kCount, w, wOff, offs, src, srcOff, out, outOff);
            case 4 -> forward1x4(kCount, w, wOff, offs, src, srcOff, out, outOff);
            case 3 -> forward1x3(kCount, w, wOff, offs, src, srcOff, out, outOff);
            case 2 -> forward1x2(kCount, w, wOff, offs, src, srcOff, out, outOff);
            case 1 -> forward1x1(kCount, w, wOff, offs, src, srcOff, out, outOff);
            default -> throw new IllegalArgumentException("forwardRow: nvec must be 1.." + NR + ", got " + nvec);
        }
    }

    /** One output row × 6 vectors of pixels (see {@link #forwardRow}). */
    private static void forward1x6(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                                   float[] out, int outOff) {
        FloatVector c0 = FloatVector.zero(S); FloatVector c1 = FloatVector.zero(S); FloatVector c2 = FloatVector.zero(S); FloatVector c3 = FloatVector.zero(S); FloatVector c4 = FloatVector.zero(S); FloatVector c5 = FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int s = srcOff + offs[k];
            FloatVector b = FloatVector.broadcast(S, w[wOff + k * MR]);
            c0 = FloatVector.fromArray(S, src, s + 0 * L).fma(b, c0);
            c1 = FloatVector.fromArray(S, src, s + 1 * L).fma(b, c1);
            c2 = FloatVector.fromArray(S, src, s + 2 * L).fma(b, c2);
            c3 = FloatVector.fromArray(S, src, s + 3 * L).fma(b, c3);
            c4 = FloatVector.fromArray(S, src, s + 4 * L).fma(b, c4);
            c5 = FloatVector.fromArray(S, src, s + 5 * L).fma(b, c5);
        }
        c0.intoArray(out, outOff + 0 * L);
        c1.intoArray(out, outOff + 1 * L);
        c2.intoArray(out, outOff + 2 * L);
        c3.intoArray(out, outOff + 3 * L);
        c4.intoArray(out, outOff + 4 * L);
        c5.intoArray(out, outOff + 5 * L);
    }

    /** One output row × 5 vectors of pixels (see {@link #forwardRow}). */
    private static void forward1x5(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                                   float[] out, int outOff) {
        FloatVector c0 = FloatVector.zero(S); FloatVector c1 = FloatVector.zero(S); FloatVector c2 = FloatVector.zero(S); FloatVector c3 = FloatVector.zero(S); FloatVector c4 = FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int s = srcOff + offs[k];
            FloatVector b = FloatVector.broadcast(S, w[wOff + k * MR]);
            c0 = FloatVector.fromArray(S, src, s + 0 * L).fma(b, c0);
            c1 = FloatVector.fromArray(S, src, s + 1 * L).fma(b, c1);
            c2 = FloatVector.fromArray(S, src, s + 2 * L).fma(b, c2);
            c3 = FloatVector.fromArray(S, src, s + 3 * L).fma(b, c3);
            c4 = FloatVector.fromArray(S, src, s + 4 * L).fma(b, c4);
        }
        c0.intoArray(out, outOff + 0 * L);
        c1.intoArray(out, outOff + 1 * L);
        c2.intoArray(out, outOff + 2 * L);
        c3.intoArray(out, outOff + 3 * L);
        c4.intoArray(out, outOff + 4 * L);
    }

    /** One output row × 4 vectors of pixels (see {@link #forwardRow}). */
    private static void forward1x4(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                                   float[] out, int outOff) {
        FloatVector c0 = FloatVector.zero(S); FloatVector c1 = FloatVector.zero(S); FloatVector c2 = FloatVector.zero(S); FloatVector c3 = FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int s = srcOff + offs[k];
            FloatVector b = FloatVector.broadcast(S, w[wOff + k * MR]);
            c0 = FloatVector.fromArray(S, src, s + 0 * L).fma(b, c0);
            c1 = FloatVector.fromArray(S, src, s + 1 * L).fma(b, c1);
            c2 = FloatVector.fromArray(S, src, s + 2 * L).fma(b, c2);
            c3 = FloatVector.fromArray(S, src, s + 3 * L).fma(b, c3);
        }
        c0.intoArray(out, outOff + 0 * L);
        c1.intoArray(out, outOff + 1 * L);
        c2.intoArray(out, outOff + 2 * L);
        c3.intoArray(out, outOff + 3 * L);
    }

    /** One output row × 3 vectors of pixels (see {@link #forwardRow}). */
    private static void forward1x3(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                                   float[] out, int outOff) {
        FloatVector c0 = FloatVector.zero(S); FloatVector c1 = FloatVector.zero(S); FloatVector c2 = FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int s = srcOff + offs[k];
            FloatVector b = FloatVector.broadcast(S, w[wOff + k * MR]);
            c0 = FloatVector.fromArray(S, src, s + 0 * L).fma(b, c0);
            c1 = FloatVector.fromArray(S, src, s + 1 * L).fma(b, c1);
            c2 = FloatVector.fromArray(S, src, s + 2 * L).fma(b, c2);
        }
        c0.intoArray(out, outOff + 0 * L);
        c1.intoArray(out, outOff + 1 * L);
        c2.intoArray(out, outOff + 2 * L);
    }

    /** One output row × 2 vectors of pixels (see {@link #forwardRow}). */
    private static void forward1x2(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                                   float[] out, int outOff) {
        FloatVector c0 = FloatVector.zero(S); FloatVector c1 = FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int s = srcOff + offs[k];
            FloatVector b = FloatVector.broadcast(S, w[wOff + k * MR]);
            c0 = FloatVector.fromArray(S, src, s + 0 * L).fma(b, c0);
            c1 = FloatVector.fromArray(S, src, s + 1 * L).fma(b, c1);
        }
        c0.intoArray(out, outOff + 0 * L);
        c1.intoArray(out, outOff + 1 * L);
    }

    /** One output row × 1 vectors of pixels (see {@link #forwardRow}). */
    private static void forward1x1(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                                   float[] out, int outOff) {
        FloatVector c0 = FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int s = srcOff + offs[k];
            FloatVector b = FloatVector.broadcast(S, w[wOff + k * MR]);
            c0 = FloatVector.fromArray(S, src, s + 0 * L).fma(b, c0);
        }
        c0.intoArray(out, outOff + 0 * L);
    }

    /** The forward block's tail: 4 rows × 5 vectors (a whole block is {@link #forward4x6}). */
    private static void forward4x5(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                                   float[] out, int outOff, int ldo) {
        FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S); FloatVector c02 = FloatVector.zero(S); FloatVector c03 = FloatVector.zero(S); FloatVector c04 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S); FloatVector c12 = FloatVector.zero(S); FloatVector c13 = FloatVector.zero(S); FloatVector c14 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S); FloatVector c22 = FloatVector.zero(S); FloatVector c23 = FloatVector.zero(S); FloatVector c24 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S); FloatVector c32 = FloatVector.zero(S); FloatVector c33 = FloatVector.zero(S); FloatVector c34 = FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int s = srcOff + offs[k];
            int wi = wOff + k * MR;
            FloatVector x0 = FloatVector.fromArray(S, src, s + 0 * L);
            FloatVector x1 = FloatVector.fromArray(S, src, s + 1 * L);
            FloatVector x2 = FloatVector.fromArray(S, src, s + 2 * L);
            FloatVector x3 = FloatVector.fromArray(S, src, s + 3 * L);
            FloatVector x4 = FloatVector.fromArray(S, src, s + 4 * L);
            FloatVector b0 = FloatVector.broadcast(S, w[wi + 0]);
            c00 = x0.fma(b0, c00);
            c01 = x1.fma(b0, c01);
            c02 = x2.fma(b0, c02);
            c03 = x3.fma(b0, c03);
            c04 = x4.fma(b0, c04);
            FloatVector b1 = FloatVector.broadcast(S, w[wi + 1]);
            c10 = x0.fma(b1, c10);
            c11 = x1.fma(b1, c11);
            c12 = x2.fma(b1, c12);
            c13 = x3.fma(b1, c13);
            c14 = x4.fma(b1, c14);
            FloatVector b2 = FloatVector.broadcast(S, w[wi + 2]);
            c20 = x0.fma(b2, c20);
            c21 = x1.fma(b2, c21);
            c22 = x2.fma(b2, c22);
            c23 = x3.fma(b2, c23);
            c24 = x4.fma(b2, c24);
            FloatVector b3 = FloatVector.broadcast(S, w[wi + 3]);
            c30 = x0.fma(b3, c30);
            c31 = x1.fma(b3, c31);
            c32 = x2.fma(b3, c32);
            c33 = x3.fma(b3, c33);
            c34 = x4.fma(b3, c34);
        }
        c00.intoArray(out, outOff + 0 * ldo + 0 * L);
        c01.intoArray(out, outOff + 0 * ldo + 1 * L);
        c02.intoArray(out, outOff + 0 * ldo + 2 * L);
        c03.intoArray(out, outOff + 0 * ldo + 3 * L);
        c04.intoArray(out, outOff + 0 * ldo + 4 * L);
        c10.intoArray(out, outOff + 1 * ldo + 0 * L);
        c11.intoArray(out, outOff + 1 * ldo + 1 * L);
        c12.intoArray(out, outOff + 1 * ldo + 2 * L);
        c13.intoArray(out, outOff + 1 * ldo + 3 * L);
        c14.intoArray(out, outOff + 1 * ldo + 4 * L);
        c20.intoArray(out, outOff + 2 * ldo + 0 * L);
        c21.intoArray(out, outOff + 2 * ldo + 1 * L);
        c22.intoArray(out, outOff + 2 * ldo + 2 * L);
        c23.intoArray(out, outOff + 2 * ldo + 3 * L);
        c24.intoArray(out, outOff + 2 * ldo + 4 * L);
        c30.intoArray(out, outOff + 3 * ldo + 0 * L);
        c31.intoArray(out, outOff + 3 * ldo + 1 * L);
        c32.intoArray(out, outOff + 3 * ldo + 2 * L);
        c33.intoArray(out, outOff + 3 * ldo + 3 * L);
        c34.intoArray(out, outOff + 3 * ldo + 4 * L);
    }

    /** The forward block's tail: 4 rows × 4 vectors (a whole block is {@link #forward4x6}). */
    private static void forward4x4(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                                   float[] out, int outOff, int ldo) {
        FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S); FloatVector c02 = FloatVector.zero(S); FloatVector c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S); FloatVector c12 = FloatVector.zero(S); FloatVector c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S); FloatVector c22 = FloatVector.zero(S); FloatVector c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S); FloatVector c32 = FloatVector.zero(S); FloatVector c33 = FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int s = srcOff + offs[k];
            int wi = wOff + k * MR;
            FloatVector x0 = FloatVector.fromArray(S, src, s + 0 * L);
            FloatVector x1 = FloatVector.fromArray(S, src, s + 1 * L);
            FloatVector x2 = FloatVector.fromArray(S, src, s + 2 * L);
            FloatVector x3 = FloatVector.fromArray(S, src, s + 3 * L);
            FloatVector b0 = FloatVector.broadcast(S, w[wi + 0]);
            c00 = x0.fma(b0, c00);
            c01 = x1.fma(b0, c01);
            c02 = x2.fma(b0, c02);
            c03 = x3.fma(b0, c03);
            FloatVector b1 = FloatVector.broadcast(S, w[wi + 1]);
            c10 = x0.fma(b1, c10);
            c11 = x1.fma(b1, c11);
            c12 = x2.fma(b1, c12);
            c13 = x3.fma(b1, c13);
            FloatVector b2 = FloatVector.broadcast(S, w[wi + 2]);
            c20 = x0.fma(b2, c20);
            c21 = x1.fma(b2, c21);
            c22 = x2.fma(b2, c22);
            c23 = x3.fma(b2, c23);
            FloatVector b3 = FloatVector.broadcast(S, w[wi + 3]);
            c30 = x0.fma(b3, c30);
            c31 = x1.fma(b3, c31);
            c32 = x2.fma(b3, c32);
            c33 = x3.fma(b3, c33);
        }
        c00.intoArray(out, outOff + 0 * ldo + 0 * L);
        c01.intoArray(out, outOff + 0 * ldo + 1 * L);
        c02.intoArray(out, outOff + 0 * ldo + 2 * L);
        c03.intoArray(out, outOff + 0 * ldo + 3 * L);
        c10.intoArray(out, outOff + 1 * ldo + 0 * L);
        c11.intoArray(out, outOff + 1 * ldo + 1 * L);
        c12.intoArray(out, outOff + 1 * ldo + 2 * L);
        c13.intoArray(out, outOff + 1 * ldo + 3 * L);
        c20.intoArray(out, outOff + 2 * ldo + 0 * L);
        c21.intoArray(out, outOff + 2 * ldo + 1 * L);
        c22.intoArray(out, outOff + 2 * ldo + 2 * L);
        c23.intoArray(out, outOff + 2 * ldo + 3 * L);
        c30.intoArray(out, outOff + 3 * ldo + 0 * L);
        c31.intoArray(out, outOff + 3 * ldo + 1 * L);
        c32.intoArray(out, outOff + 3 * ldo + 2 * L);
        c33.intoArray(out, outOff + 3 * ldo + 3 * L);
    }

    /** The forward block's tail: 4 rows × 3 vectors (a whole block is {@link #forward4x6}). */
    private static void forward4x3(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                                   float[] out, int outOff, int ldo) {
        FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S); FloatVector c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S); FloatVector c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S); FloatVector c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S); FloatVector c32 = FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int s = srcOff + offs[k];
            int wi = wOff + k * MR;
            FloatVector x0 = FloatVector.fromArray(S, src, s + 0 * L);
            FloatVector x1 = FloatVector.fromArray(S, src, s + 1 * L);
            FloatVector x2 = FloatVector.fromArray(S, src, s + 2 * L);
            FloatVector b0 = FloatVector.broadcast(S, w[wi + 0]);
            c00 = x0.fma(b0, c00);
            c01 = x1.fma(b0, c01);
            c02 = x2.fma(b0, c02);
            FloatVector b1 = FloatVector.broadcast(S, w[wi + 1]);
            c10 = x0.fma(b1, c10);
            c11 = x1.fma(b1, c11);
            c12 = x2.fma(b1, c12);
            FloatVector b2 = FloatVector.broadcast(S, w[wi + 2]);
            c20 = x0.fma(b2, c20);
            c21 = x1.fma(b2, c21);
            c22 = x2.fma(b2, c22);
            FloatVector b3 = FloatVector.broadcast(S, w[wi + 3]);
            c30 = x0.fma(b3, c30);
            c31 = x1.fma(b3, c31);
            c32 = x2.fma(b3, c32);
        }
        c00.intoArray(out, outOff + 0 * ldo + 0 * L);
        c01.intoArray(out, outOff + 0 * ldo + 1 * L);
        c02.intoArray(out, outOff + 0 * ldo + 2 * L);
        c10.intoArray(out, outOff + 1 * ldo + 0 * L);
        c11.intoArray(out, outOff + 1 * ldo + 1 * L);
        c12.intoArray(out, outOff + 1 * ldo + 2 * L);
        c20.intoArray(out, outOff + 2 * ldo + 0 * L);
        c21.intoArray(out, outOff + 2 * ldo + 1 * L);
        c22.intoArray(out, outOff + 2 * ldo + 2 * L);
        c30.intoArray(out, outOff + 3 * ldo + 0 * L);
        c31.intoArray(out, outOff + 3 * ldo + 1 * L);
        c32.intoArray(out, outOff + 3 * ldo + 2 * L);
    }

    /** The forward block's tail: 4 rows × 2 vectors (a whole block is {@link #forward4x6}). */
    private static void forward4x2(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                                   float[] out, int outOff, int ldo) {
        FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int s = srcOff + offs[k];
            int wi = wOff + k * MR;
            FloatVector x0 = FloatVector.fromArray(S, src, s + 0 * L);
            FloatVector x1 = FloatVector.fromArray(S, src, s + 1 * L);
            FloatVector b0 = FloatVector.broadcast(S, w[wi + 0]);
            c00 = x0.fma(b0, c00);
            c01 = x1.fma(b0, c01);
            FloatVector b1 = FloatVector.broadcast(S, w[wi + 1]);
            c10 = x0.fma(b1, c10);
            c11 = x1.fma(b1, c11);
            FloatVector b2 = FloatVector.broadcast(S, w[wi + 2]);
            c20 = x0.fma(b2, c20);
            c21 = x1.fma(b2, c21);
            FloatVector b3 = FloatVector.broadcast(S, w[wi + 3]);
            c30 = x0.fma(b3, c30);
            c31 = x1.fma(b3, c31);
        }
        c00.intoArray(out, outOff + 0 * ldo + 0 * L);
        c01.intoArray(out, outOff + 0 * ldo + 1 * L);
        c10.intoArray(out, outOff + 1 * ldo + 0 * L);
        c11.intoArray(out, outOff + 1 * ldo + 1 * L);
        c20.intoArray(out, outOff + 2 * ldo + 0 * L);
        c21.intoArray(out, outOff + 2 * ldo + 1 * L);
        c30.intoArray(out, outOff + 3 * ldo + 0 * L);
        c31.intoArray(out, outOff + 3 * ldo + 1 * L);
    }

    private static void forward4x1(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                                   float[] out, int outOff, int ldo) {
        FloatVector c0 = FloatVector.zero(S); FloatVector c1 = FloatVector.zero(S); FloatVector c2 = FloatVector.zero(S); FloatVector c3 = FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            FloatVector x = FloatVector.fromArray(S, src, srcOff + offs[k]);
            int wi = wOff + k * MR;
            c0 = x.fma(FloatVector.broadcast(S, w[wi + 0]), c0);
            c1 = x.fma(FloatVector.broadcast(S, w[wi + 1]), c1);
            c2 = x.fma(FloatVector.broadcast(S, w[wi + 2]), c2);
            c3 = x.fma(FloatVector.broadcast(S, w[wi + 3]), c3);
        }
        c0.intoArray(out, outOff + 0 * ldo);
        c1.intoArray(out, outOff + 1 * ldo);
        c2.intoArray(out, outOff + 2 * ldo);
        c3.intoArray(out, outOff + 3 * ldo);
    }

    @Override
    public void weightRow(int qVectors, float[] dy, int dyOff, float[] src, int srcOff, int[] offs, int kOff,
                          float[] acc, int accOff) {
        FloatVector c0 = FloatVector.fromArray(S, acc, accOff + 0 * L);
        FloatVector c1 = FloatVector.fromArray(S, acc, accOff + 1 * L);
        FloatVector c2 = FloatVector.fromArray(S, acc, accOff + 2 * L);
        FloatVector c3 = FloatVector.fromArray(S, acc, accOff + 3 * L);
        FloatVector c4 = FloatVector.fromArray(S, acc, accOff + 4 * L);
        FloatVector c5 = FloatVector.fromArray(S, acc, accOff + 5 * L);
        int s0 = srcOff + offs[kOff + 0];
        int s1 = srcOff + offs[kOff + 1];
        int s2 = srcOff + offs[kOff + 2];
        int s3 = srcOff + offs[kOff + 3];
        int s4 = srcOff + offs[kOff + 4];
        int s5 = srcOff + offs[kOff + 5];
        for (int v = 0; v < qVectors; v++) {
            int q = v * L;
            FloatVector y = FloatVector.fromArray(S, dy, dyOff + q);
            c0 = y.fma(FloatVector.fromArray(S, src, s0 + q), c0);
            c1 = y.fma(FloatVector.fromArray(S, src, s1 + q), c1);
            c2 = y.fma(FloatVector.fromArray(S, src, s2 + q), c2);
            c3 = y.fma(FloatVector.fromArray(S, src, s3 + q), c3);
            c4 = y.fma(FloatVector.fromArray(S, src, s4 + q), c4);
            c5 = y.fma(FloatVector.fromArray(S, src, s5 + q), c5);
        }
        c0.intoArray(acc, accOff + 0 * L);
        c1.intoArray(acc, accOff + 1 * L);
        c2.intoArray(acc, accOff + 2 * L);
        c3.intoArray(acc, accOff + 3 * L);
        c4.intoArray(acc, accOff + 4 * L);
        c5.intoArray(acc, accOff + 5 * L);
    }

    @Override
    public void weightBlock(int qVectors, float[] dy, int dyOff, int ldd, float[] src, int srcOff,
                            int[] offs, int kOff, float[] acc, int accOff) {
        FloatVector c00 = FloatVector.fromArray(S, acc, accOff + 0 * L);
        FloatVector c01 = FloatVector.fromArray(S, acc, accOff + 1 * L);
        FloatVector c02 = FloatVector.fromArray(S, acc, accOff + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, acc, accOff + 3 * L);
        FloatVector c04 = FloatVector.fromArray(S, acc, accOff + 4 * L);
        FloatVector c05 = FloatVector.fromArray(S, acc, accOff + 5 * L);
        FloatVector c10 = FloatVector.fromArray(S, acc, accOff + 6 * L);
        FloatVector c11 = FloatVector.fromArray(S, acc, accOff + 7 * L);
        FloatVector c12 = FloatVector.fromArray(S, acc, accOff + 8 * L);
        FloatVector c13 = FloatVector.fromArray(S, acc, accOff + 9 * L);
        FloatVector c14 = FloatVector.fromArray(S, acc, accOff + 10 * L);
        FloatVector c15 = FloatVector.fromArray(S, acc, accOff + 11 * L);
        FloatVector c20 = FloatVector.fromArray(S, acc, accOff + 12 * L);
        FloatVector c21 = FloatVector.fromArray(S, acc, accOff + 13 * L);
        FloatVector c22 = FloatVector.fromArray(S, acc, accOff + 14 * L);
        FloatVector c23 = FloatVector.fromArray(S, acc, accOff + 15 * L);
        FloatVector c24 = FloatVector.fromArray(S, acc, accOff + 16 * L);
        FloatVector c25 = FloatVector.fromArray(S, acc, accOff + 17 * L);
        FloatVector c30 = FloatVector.fromArray(S, acc, accOff + 18 * L);
        FloatVector c31 = FloatVector.fromArray(S, acc, accOff + 19 * L);
        FloatVector c32 = FloatVector.fromArray(S, acc, accOff + 20 * L);
        FloatVector c33 = FloatVector.fromArray(S, acc, accOff + 21 * L);
        FloatVector c34 = FloatVector.fromArray(S, acc, accOff + 22 * L);
        FloatVector c35 = FloatVector.fromArray(S, acc, accOff + 23 * L);
        int s0 = srcOff + offs[kOff + 0];
        int s1 = srcOff + offs[kOff + 1];
        int s2 = srcOff + offs[kOff + 2];
        int s3 = srcOff + offs[kOff + 3];
        int s4 = srcOff + offs[kOff + 4];
        int s5 = srcOff + offs[kOff + 5];
        int d0 = dyOff + 0 * ldd;
        int d1 = dyOff + 1 * ldd;
        int d2 = dyOff + 2 * ldd;
        int d3 = dyOff + 3 * ldd;
        for (int v = 0; v < qVectors; v++) {
            int q = v * L;
            FloatVector y0 = FloatVector.fromArray(S, dy, d0 + q);
            FloatVector y1 = FloatVector.fromArray(S, dy, d1 + q);
            FloatVector y2 = FloatVector.fromArray(S, dy, d2 + q);
            FloatVector y3 = FloatVector.fromArray(S, dy, d3 + q);
            FloatVector x0 = FloatVector.fromArray(S, src, s0 + q);
            c00 = y0.fma(x0, c00);
            c10 = y1.fma(x0, c10);
            c20 = y2.fma(x0, c20);
            c30 = y3.fma(x0, c30);
            FloatVector x1 = FloatVector.fromArray(S, src, s1 + q);
            c01 = y0.fma(x1, c01);
            c11 = y1.fma(x1, c11);
            c21 = y2.fma(x1, c21);
            c31 = y3.fma(x1, c31);
            FloatVector x2 = FloatVector.fromArray(S, src, s2 + q);
            c02 = y0.fma(x2, c02);
            c12 = y1.fma(x2, c12);
            c22 = y2.fma(x2, c22);
            c32 = y3.fma(x2, c32);
            FloatVector x3 = FloatVector.fromArray(S, src, s3 + q);
            c03 = y0.fma(x3, c03);
            c13 = y1.fma(x3, c13);
            c23 = y2.fma(x3, c23);
            c33 = y3.fma(x3, c33);
            FloatVector x4 = FloatVector.fromArray(S, src, s4 + q);
            c04 = y0.fma(x4, c04);
            c14 = y1.fma(x4, c14);
            c24 = y2.fma(x4, c24);
            c34 = y3.fma(x4, c34);
            FloatVector x5 = FloatVector.fromArray(S, src, s5 + q);
            c05 = y0.fma(x5, c05);
            c15 = y1.fma(x5, c15);
            c25 = y2.fma(x5, c25);
            c35 = y3.fma(x5, c35);
        }
        c00.intoArray(acc, accOff + 0 * L);
        c01.intoArray(acc, accOff + 1 * L);
        c02.intoArray(acc, accOff + 2 * L);
        c03.intoArray(acc, accOff + 3 * L);
        c04.intoArray(acc, accOff + 4 * L);
        c05.intoArray(acc, accOff + 5 * L);
        c10.intoArray(acc, accOff + 6 * L);
        c11.intoArray(acc, accOff + 7 * L);
        c12.intoArray(acc, accOff + 8 * L);
        c13.intoArray(acc, accOff + 9 * L);
        c14.intoArray(acc, accOff + 10 * L);
        c15.intoArray(acc, accOff + 11 * L);
        c20.intoArray(acc, accOff + 12 * L);
        c21.intoArray(acc, accOff + 13 * L);
        c22.intoArray(acc, accOff + 14 * L);
        c23.intoArray(acc, accOff + 15 * L);
        c24.intoArray(acc, accOff + 16 * L);
        c25.intoArray(acc, accOff + 17 * L);
        c30.intoArray(acc, accOff + 18 * L);
        c31.intoArray(acc, accOff + 19 * L);
        c32.intoArray(acc, accOff + 20 * L);
        c33.intoArray(acc, accOff + 21 * L);
        c34.intoArray(acc, accOff + 22 * L);
        c35.intoArray(acc, accOff + 23 * L);
    }

    /*
     * The weightTile loops run over the image's pixels as one loop (the row break is a branch):
     * with a row loop inside a pixel-row loop, some JVMs compiled the tile 3-4× slower, depending on
     * which shapes had run first.
     */
    @Override
    public void forwardTile(int channelVectors, int pixels, int kCount, float[] w, int wOff, int ldw, int[] offs, int kOff,
                            float[] src, int srcOff, int[] pix, int pixOff, float[] out, int outOff, int ldo,
                            boolean accumulate) {
        switch (channelVectors * 16 + pixels) {
            case 69 -> forwardTile4x5(kCount, w, wOff, ldw, offs, kOff, src, srcOff, pix, pixOff, out, outOff, ldo, accumulate);
            case 70 -> forwardTile4x6(kCount, w, wOff, ldw, offs, kOff, src, srcOff, pix, pixOff, out, outOff, ldo, accumulate);
            case 56 -> forwardTile3x8(kCount, w, wOff, ldw, offs, kOff, src, srcOff, pix, pixOff, out, outOff, ldo, accumulate);
            case 44 -> forwardTile2x12(kCount, w, wOff, ldw, offs, kOff, src, srcOff, pix, pixOff, out, outOff, ldo, accumulate);
            case 28 -> forwardTile1x12(kCount, w, wOff, ldw, offs, kOff, src, srcOff, pix, pixOff, out, outOff, ldo, accumulate);
            default -> throw new IllegalArgumentException("forwardTile: " + channelVectors + " channel vectors by "
                    + pixels + " pixels is not a tile size of ConvKernel.tilePixels");
        }
    }

    private static void forwardTile4x5(int kCount, float[] w, int wOff, int ldw, int[] offs, int kOff, float[] src,
                                      int srcOff, int[] pix, int pixOff, float[] out, int outOff, int ldo, boolean accumulate) {
        int s0 = srcOff + pix[pixOff + 0];
        int s1 = srcOff + pix[pixOff + 1];
        int s2 = srcOff + pix[pixOff + 2];
        int s3 = srcOff + pix[pixOff + 3];
        int s4 = srcOff + pix[pixOff + 4];
        FloatVector a00 = accumulate ? FloatVector.fromArray(S, out, outOff + 0 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a01 = accumulate ? FloatVector.fromArray(S, out, outOff + 0 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a02 = accumulate ? FloatVector.fromArray(S, out, outOff + 0 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a03 = accumulate ? FloatVector.fromArray(S, out, outOff + 0 * ldo + 3 * L) : FloatVector.zero(S);
        FloatVector a10 = accumulate ? FloatVector.fromArray(S, out, outOff + 1 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a11 = accumulate ? FloatVector.fromArray(S, out, outOff + 1 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a12 = accumulate ? FloatVector.fromArray(S, out, outOff + 1 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a13 = accumulate ? FloatVector.fromArray(S, out, outOff + 1 * ldo + 3 * L) : FloatVector.zero(S);
        FloatVector a20 = accumulate ? FloatVector.fromArray(S, out, outOff + 2 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a21 = accumulate ? FloatVector.fromArray(S, out, outOff + 2 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a22 = accumulate ? FloatVector.fromArray(S, out, outOff + 2 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a23 = accumulate ? FloatVector.fromArray(S, out, outOff + 2 * ldo + 3 * L) : FloatVector.zero(S);
        FloatVector a30 = accumulate ? FloatVector.fromArray(S, out, outOff + 3 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a31 = accumulate ? FloatVector.fromArray(S, out, outOff + 3 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a32 = accumulate ? FloatVector.fromArray(S, out, outOff + 3 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a33 = accumulate ? FloatVector.fromArray(S, out, outOff + 3 * ldo + 3 * L) : FloatVector.zero(S);
        FloatVector a40 = accumulate ? FloatVector.fromArray(S, out, outOff + 4 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a41 = accumulate ? FloatVector.fromArray(S, out, outOff + 4 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a42 = accumulate ? FloatVector.fromArray(S, out, outOff + 4 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a43 = accumulate ? FloatVector.fromArray(S, out, outOff + 4 * ldo + 3 * L) : FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int wi = wOff + k * ldw, q = offs[kOff + k];
            FloatVector w0 = FloatVector.fromArray(S, w, wi + 0 * L);
            FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * L);
            FloatVector w2 = FloatVector.fromArray(S, w, wi + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, w, wi + 3 * L);
            FloatVector b0 = FloatVector.broadcast(S, src[s0 + q]);
            a00 = w0.fma(b0, a00);
            a01 = w1.fma(b0, a01);
            a02 = w2.fma(b0, a02);
            a03 = w3.fma(b0, a03);
            FloatVector b1 = FloatVector.broadcast(S, src[s1 + q]);
            a10 = w0.fma(b1, a10);
            a11 = w1.fma(b1, a11);
            a12 = w2.fma(b1, a12);
            a13 = w3.fma(b1, a13);
            FloatVector b2 = FloatVector.broadcast(S, src[s2 + q]);
            a20 = w0.fma(b2, a20);
            a21 = w1.fma(b2, a21);
            a22 = w2.fma(b2, a22);
            a23 = w3.fma(b2, a23);
            FloatVector b3 = FloatVector.broadcast(S, src[s3 + q]);
            a30 = w0.fma(b3, a30);
            a31 = w1.fma(b3, a31);
            a32 = w2.fma(b3, a32);
            a33 = w3.fma(b3, a33);
            FloatVector b4 = FloatVector.broadcast(S, src[s4 + q]);
            a40 = w0.fma(b4, a40);
            a41 = w1.fma(b4, a41);
            a42 = w2.fma(b4, a42);
            a43 = w3.fma(b4, a43);
        }
        a00.intoArray(out, outOff + 0 * ldo + 0 * L);
        a01.intoArray(out, outOff + 0 * ldo + 1 * L);
        a02.intoArray(out, outOff + 0 * ldo + 2 * L);
        a03.intoArray(out, outOff + 0 * ldo + 3 * L);
        a10.intoArray(out, outOff + 1 * ldo + 0 * L);
        a11.intoArray(out, outOff + 1 * ldo + 1 * L);
        a12.intoArray(out, outOff + 1 * ldo + 2 * L);
        a13.intoArray(out, outOff + 1 * ldo + 3 * L);
        a20.intoArray(out, outOff + 2 * ldo + 0 * L);
        a21.intoArray(out, outOff + 2 * ldo + 1 * L);
        a22.intoArray(out, outOff + 2 * ldo + 2 * L);
        a23.intoArray(out, outOff + 2 * ldo + 3 * L);
        a30.intoArray(out, outOff + 3 * ldo + 0 * L);
        a31.intoArray(out, outOff + 3 * ldo + 1 * L);
        a32.intoArray(out, outOff + 3 * ldo + 2 * L);
        a33.intoArray(out, outOff + 3 * ldo + 3 * L);
        a40.intoArray(out, outOff + 4 * ldo + 0 * L);
        a41.intoArray(out, outOff + 4 * ldo + 1 * L);
        a42.intoArray(out, outOff + 4 * ldo + 2 * L);
        a43.intoArray(out, outOff + 4 * ldo + 3 * L);
    }

    private static void forwardTile4x6(int kCount, float[] w, int wOff, int ldw, int[] offs, int kOff, float[] src,
                                      int srcOff, int[] pix, int pixOff, float[] out, int outOff, int ldo, boolean accumulate) {
        int s0 = srcOff + pix[pixOff + 0];
        int s1 = srcOff + pix[pixOff + 1];
        int s2 = srcOff + pix[pixOff + 2];
        int s3 = srcOff + pix[pixOff + 3];
        int s4 = srcOff + pix[pixOff + 4];
        int s5 = srcOff + pix[pixOff + 5];
        FloatVector a00 = accumulate ? FloatVector.fromArray(S, out, outOff + 0 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a01 = accumulate ? FloatVector.fromArray(S, out, outOff + 0 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a02 = accumulate ? FloatVector.fromArray(S, out, outOff + 0 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a03 = accumulate ? FloatVector.fromArray(S, out, outOff + 0 * ldo + 3 * L) : FloatVector.zero(S);
        FloatVector a10 = accumulate ? FloatVector.fromArray(S, out, outOff + 1 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a11 = accumulate ? FloatVector.fromArray(S, out, outOff + 1 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a12 = accumulate ? FloatVector.fromArray(S, out, outOff + 1 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a13 = accumulate ? FloatVector.fromArray(S, out, outOff + 1 * ldo + 3 * L) : FloatVector.zero(S);
        FloatVector a20 = accumulate ? FloatVector.fromArray(S, out, outOff + 2 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a21 = accumulate ? FloatVector.fromArray(S, out, outOff + 2 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a22 = accumulate ? FloatVector.fromArray(S, out, outOff + 2 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a23 = accumulate ? FloatVector.fromArray(S, out, outOff + 2 * ldo + 3 * L) : FloatVector.zero(S);
        FloatVector a30 = accumulate ? FloatVector.fromArray(S, out, outOff + 3 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a31 = accumulate ? FloatVector.fromArray(S, out, outOff + 3 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a32 = accumulate ? FloatVector.fromArray(S, out, outOff + 3 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a33 = accumulate ? FloatVector.fromArray(S, out, outOff + 3 * ldo + 3 * L) : FloatVector.zero(S);
        FloatVector a40 = accumulate ? FloatVector.fromArray(S, out, outOff + 4 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a41 = accumulate ? FloatVector.fromArray(S, out, outOff + 4 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a42 = accumulate ? FloatVector.fromArray(S, out, outOff + 4 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a43 = accumulate ? FloatVector.fromArray(S, out, outOff + 4 * ldo + 3 * L) : FloatVector.zero(S);
        FloatVector a50 = accumulate ? FloatVector.fromArray(S, out, outOff + 5 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a51 = accumulate ? FloatVector.fromArray(S, out, outOff + 5 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a52 = accumulate ? FloatVector.fromArray(S, out, outOff + 5 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a53 = accumulate ? FloatVector.fromArray(S, out, outOff + 5 * ldo + 3 * L) : FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int wi = wOff + k * ldw, q = offs[kOff + k];
            FloatVector w0 = FloatVector.fromArray(S, w, wi + 0 * L);
            FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * L);
            FloatVector w2 = FloatVector.fromArray(S, w, wi + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, w, wi + 3 * L);
            FloatVector b0 = FloatVector.broadcast(S, src[s0 + q]);
            a00 = w0.fma(b0, a00);
            a01 = w1.fma(b0, a01);
            a02 = w2.fma(b0, a02);
            a03 = w3.fma(b0, a03);
            FloatVector b1 = FloatVector.broadcast(S, src[s1 + q]);
            a10 = w0.fma(b1, a10);
            a11 = w1.fma(b1, a11);
            a12 = w2.fma(b1, a12);
            a13 = w3.fma(b1, a13);
            FloatVector b2 = FloatVector.broadcast(S, src[s2 + q]);
            a20 = w0.fma(b2, a20);
            a21 = w1.fma(b2, a21);
            a22 = w2.fma(b2, a22);
            a23 = w3.fma(b2, a23);
            FloatVector b3 = FloatVector.broadcast(S, src[s3 + q]);
            a30 = w0.fma(b3, a30);
            a31 = w1.fma(b3, a31);
            a32 = w2.fma(b3, a32);
            a33 = w3.fma(b3, a33);
            FloatVector b4 = FloatVector.broadcast(S, src[s4 + q]);
            a40 = w0.fma(b4, a40);
            a41 = w1.fma(b4, a41);
            a42 = w2.fma(b4, a42);
            a43 = w3.fma(b4, a43);
            FloatVector b5 = FloatVector.broadcast(S, src[s5 + q]);
            a50 = w0.fma(b5, a50);
            a51 = w1.fma(b5, a51);
            a52 = w2.fma(b5, a52);
            a53 = w3.fma(b5, a53);
        }
        a00.intoArray(out, outOff + 0 * ldo + 0 * L);
        a01.intoArray(out, outOff + 0 * ldo + 1 * L);
        a02.intoArray(out, outOff + 0 * ldo + 2 * L);
        a03.intoArray(out, outOff + 0 * ldo + 3 * L);
        a10.intoArray(out, outOff + 1 * ldo + 0 * L);
        a11.intoArray(out, outOff + 1 * ldo + 1 * L);
        a12.intoArray(out, outOff + 1 * ldo + 2 * L);
        a13.intoArray(out, outOff + 1 * ldo + 3 * L);
        a20.intoArray(out, outOff + 2 * ldo + 0 * L);
        a21.intoArray(out, outOff + 2 * ldo + 1 * L);
        a22.intoArray(out, outOff + 2 * ldo + 2 * L);
        a23.intoArray(out, outOff + 2 * ldo + 3 * L);
        a30.intoArray(out, outOff + 3 * ldo + 0 * L);
        a31.intoArray(out, outOff + 3 * ldo + 1 * L);
        a32.intoArray(out, outOff + 3 * ldo + 2 * L);
        a33.intoArray(out, outOff + 3 * ldo + 3 * L);
        a40.intoArray(out, outOff + 4 * ldo + 0 * L);
        a41.intoArray(out, outOff + 4 * ldo + 1 * L);
        a42.intoArray(out, outOff + 4 * ldo + 2 * L);
        a43.intoArray(out, outOff + 4 * ldo + 3 * L);
        a50.intoArray(out, outOff + 5 * ldo + 0 * L);
        a51.intoArray(out, outOff + 5 * ldo + 1 * L);
        a52.intoArray(out, outOff + 5 * ldo + 2 * L);
        a53.intoArray(out, outOff + 5 * ldo + 3 * L);
    }

    private static void forwardTile3x8(int kCount, float[] w, int wOff, int ldw, int[] offs, int kOff, float[] src,
                                      int srcOff, int[] pix, int pixOff, float[] out, int outOff, int ldo, boolean accumulate) {
        int s0 = srcOff + pix[pixOff + 0];
        int s1 = srcOff + pix[pixOff + 1];
        int s2 = srcOff + pix[pixOff + 2];
        int s3 = srcOff + pix[pixOff + 3];
        int s4 = srcOff + pix[pixOff + 4];
        int s5 = srcOff + pix[pixOff + 5];
        int s6 = srcOff + pix[pixOff + 6];
        int s7 = srcOff + pix[pixOff + 7];
        FloatVector a00 = accumulate ? FloatVector.fromArray(S, out, outOff + 0 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a01 = accumulate ? FloatVector.fromArray(S, out, outOff + 0 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a02 = accumulate ? FloatVector.fromArray(S, out, outOff + 0 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a10 = accumulate ? FloatVector.fromArray(S, out, outOff + 1 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a11 = accumulate ? FloatVector.fromArray(S, out, outOff + 1 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a12 = accumulate ? FloatVector.fromArray(S, out, outOff + 1 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a20 = accumulate ? FloatVector.fromArray(S, out, outOff + 2 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a21 = accumulate ? FloatVector.fromArray(S, out, outOff + 2 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a22 = accumulate ? FloatVector.fromArray(S, out, outOff + 2 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a30 = accumulate ? FloatVector.fromArray(S, out, outOff + 3 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a31 = accumulate ? FloatVector.fromArray(S, out, outOff + 3 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a32 = accumulate ? FloatVector.fromArray(S, out, outOff + 3 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a40 = accumulate ? FloatVector.fromArray(S, out, outOff + 4 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a41 = accumulate ? FloatVector.fromArray(S, out, outOff + 4 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a42 = accumulate ? FloatVector.fromArray(S, out, outOff + 4 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a50 = accumulate ? FloatVector.fromArray(S, out, outOff + 5 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a51 = accumulate ? FloatVector.fromArray(S, out, outOff + 5 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a52 = accumulate ? FloatVector.fromArray(S, out, outOff + 5 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a60 = accumulate ? FloatVector.fromArray(S, out, outOff + 6 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a61 = accumulate ? FloatVector.fromArray(S, out, outOff + 6 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a62 = accumulate ? FloatVector.fromArray(S, out, outOff + 6 * ldo + 2 * L) : FloatVector.zero(S);
        FloatVector a70 = accumulate ? FloatVector.fromArray(S, out, outOff + 7 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a71 = accumulate ? FloatVector.fromArray(S, out, outOff + 7 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a72 = accumulate ? FloatVector.fromArray(S, out, outOff + 7 * ldo + 2 * L) : FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int wi = wOff + k * ldw, q = offs[kOff + k];
            FloatVector w0 = FloatVector.fromArray(S, w, wi + 0 * L);
            FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * L);
            FloatVector w2 = FloatVector.fromArray(S, w, wi + 2 * L);
            FloatVector b0 = FloatVector.broadcast(S, src[s0 + q]);
            a00 = w0.fma(b0, a00);
            a01 = w1.fma(b0, a01);
            a02 = w2.fma(b0, a02);
            FloatVector b1 = FloatVector.broadcast(S, src[s1 + q]);
            a10 = w0.fma(b1, a10);
            a11 = w1.fma(b1, a11);
            a12 = w2.fma(b1, a12);
            FloatVector b2 = FloatVector.broadcast(S, src[s2 + q]);
            a20 = w0.fma(b2, a20);
            a21 = w1.fma(b2, a21);
            a22 = w2.fma(b2, a22);
            FloatVector b3 = FloatVector.broadcast(S, src[s3 + q]);
            a30 = w0.fma(b3, a30);
            a31 = w1.fma(b3, a31);
            a32 = w2.fma(b3, a32);
            FloatVector b4 = FloatVector.broadcast(S, src[s4 + q]);
            a40 = w0.fma(b4, a40);
            a41 = w1.fma(b4, a41);
            a42 = w2.fma(b4, a42);
            FloatVector b5 = FloatVector.broadcast(S, src[s5 + q]);
            a50 = w0.fma(b5, a50);
            a51 = w1.fma(b5, a51);
            a52 = w2.fma(b5, a52);
            FloatVector b6 = FloatVector.broadcast(S, src[s6 + q]);
            a60 = w0.fma(b6, a60);
            a61 = w1.fma(b6, a61);
            a62 = w2.fma(b6, a62);
            FloatVector b7 = FloatVector.broadcast(S, src[s7 + q]);
            a70 = w0.fma(b7, a70);
            a71 = w1.fma(b7, a71);
            a72 = w2.fma(b7, a72);
        }
        a00.intoArray(out, outOff + 0 * ldo + 0 * L);
        a01.intoArray(out, outOff + 0 * ldo + 1 * L);
        a02.intoArray(out, outOff + 0 * ldo + 2 * L);
        a10.intoArray(out, outOff + 1 * ldo + 0 * L);
        a11.intoArray(out, outOff + 1 * ldo + 1 * L);
        a12.intoArray(out, outOff + 1 * ldo + 2 * L);
        a20.intoArray(out, outOff + 2 * ldo + 0 * L);
        a21.intoArray(out, outOff + 2 * ldo + 1 * L);
        a22.intoArray(out, outOff + 2 * ldo + 2 * L);
        a30.intoArray(out, outOff + 3 * ldo + 0 * L);
        a31.intoArray(out, outOff + 3 * ldo + 1 * L);
        a32.intoArray(out, outOff + 3 * ldo + 2 * L);
        a40.intoArray(out, outOff + 4 * ldo + 0 * L);
        a41.intoArray(out, outOff + 4 * ldo + 1 * L);
        a42.intoArray(out, outOff + 4 * ldo + 2 * L);
        a50.intoArray(out, outOff + 5 * ldo + 0 * L);
        a51.intoArray(out, outOff + 5 * ldo + 1 * L);
        a52.intoArray(out, outOff + 5 * ldo + 2 * L);
        a60.intoArray(out, outOff + 6 * ldo + 0 * L);
        a61.intoArray(out, outOff + 6 * ldo + 1 * L);
        a62.intoArray(out, outOff + 6 * ldo + 2 * L);
        a70.intoArray(out, outOff + 7 * ldo + 0 * L);
        a71.intoArray(out, outOff + 7 * ldo + 1 * L);
        a72.intoArray(out, outOff + 7 * ldo + 2 * L);
    }

    private static void forwardTile2x12(int kCount, float[] w, int wOff, int ldw, int[] offs, int kOff, float[] src,
                                      int srcOff, int[] pix, int pixOff, float[] out, int outOff, int ldo, boolean accumulate) {
        int s0 = srcOff + pix[pixOff + 0];
        int s1 = srcOff + pix[pixOff + 1];
        int s2 = srcOff + pix[pixOff + 2];
        int s3 = srcOff + pix[pixOff + 3];
        int s4 = srcOff + pix[pixOff + 4];
        int s5 = srcOff + pix[pixOff + 5];
        int s6 = srcOff + pix[pixOff + 6];
        int s7 = srcOff + pix[pixOff + 7];
        int s8 = srcOff + pix[pixOff + 8];
        int s9 = srcOff + pix[pixOff + 9];
        int s10 = srcOff + pix[pixOff + 10];
        int s11 = srcOff + pix[pixOff + 11];
        FloatVector a00 = accumulate ? FloatVector.fromArray(S, out, outOff + 0 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a01 = accumulate ? FloatVector.fromArray(S, out, outOff + 0 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a10 = accumulate ? FloatVector.fromArray(S, out, outOff + 1 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a11 = accumulate ? FloatVector.fromArray(S, out, outOff + 1 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a20 = accumulate ? FloatVector.fromArray(S, out, outOff + 2 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a21 = accumulate ? FloatVector.fromArray(S, out, outOff + 2 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a30 = accumulate ? FloatVector.fromArray(S, out, outOff + 3 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a31 = accumulate ? FloatVector.fromArray(S, out, outOff + 3 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a40 = accumulate ? FloatVector.fromArray(S, out, outOff + 4 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a41 = accumulate ? FloatVector.fromArray(S, out, outOff + 4 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a50 = accumulate ? FloatVector.fromArray(S, out, outOff + 5 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a51 = accumulate ? FloatVector.fromArray(S, out, outOff + 5 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a60 = accumulate ? FloatVector.fromArray(S, out, outOff + 6 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a61 = accumulate ? FloatVector.fromArray(S, out, outOff + 6 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a70 = accumulate ? FloatVector.fromArray(S, out, outOff + 7 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a71 = accumulate ? FloatVector.fromArray(S, out, outOff + 7 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a80 = accumulate ? FloatVector.fromArray(S, out, outOff + 8 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a81 = accumulate ? FloatVector.fromArray(S, out, outOff + 8 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a90 = accumulate ? FloatVector.fromArray(S, out, outOff + 9 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a91 = accumulate ? FloatVector.fromArray(S, out, outOff + 9 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a100 = accumulate ? FloatVector.fromArray(S, out, outOff + 10 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a101 = accumulate ? FloatVector.fromArray(S, out, outOff + 10 * ldo + 1 * L) : FloatVector.zero(S);
        FloatVector a110 = accumulate ? FloatVector.fromArray(S, out, outOff + 11 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a111 = accumulate ? FloatVector.fromArray(S, out, outOff + 11 * ldo + 1 * L) : FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int wi = wOff + k * ldw, q = offs[kOff + k];
            FloatVector w0 = FloatVector.fromArray(S, w, wi + 0 * L);
            FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * L);
            FloatVector b0 = FloatVector.broadcast(S, src[s0 + q]);
            a00 = w0.fma(b0, a00);
            a01 = w1.fma(b0, a01);
            FloatVector b1 = FloatVector.broadcast(S, src[s1 + q]);
            a10 = w0.fma(b1, a10);
            a11 = w1.fma(b1, a11);
            FloatVector b2 = FloatVector.broadcast(S, src[s2 + q]);
            a20 = w0.fma(b2, a20);
            a21 = w1.fma(b2, a21);
            FloatVector b3 = FloatVector.broadcast(S, src[s3 + q]);
            a30 = w0.fma(b3, a30);
            a31 = w1.fma(b3, a31);
            FloatVector b4 = FloatVector.broadcast(S, src[s4 + q]);
            a40 = w0.fma(b4, a40);
            a41 = w1.fma(b4, a41);
            FloatVector b5 = FloatVector.broadcast(S, src[s5 + q]);
            a50 = w0.fma(b5, a50);
            a51 = w1.fma(b5, a51);
            FloatVector b6 = FloatVector.broadcast(S, src[s6 + q]);
            a60 = w0.fma(b6, a60);
            a61 = w1.fma(b6, a61);
            FloatVector b7 = FloatVector.broadcast(S, src[s7 + q]);
            a70 = w0.fma(b7, a70);
            a71 = w1.fma(b7, a71);
            FloatVector b8 = FloatVector.broadcast(S, src[s8 + q]);
            a80 = w0.fma(b8, a80);
            a81 = w1.fma(b8, a81);
            FloatVector b9 = FloatVector.broadcast(S, src[s9 + q]);
            a90 = w0.fma(b9, a90);
            a91 = w1.fma(b9, a91);
            FloatVector b10 = FloatVector.broadcast(S, src[s10 + q]);
            a100 = w0.fma(b10, a100);
            a101 = w1.fma(b10, a101);
            FloatVector b11 = FloatVector.broadcast(S, src[s11 + q]);
            a110 = w0.fma(b11, a110);
            a111 = w1.fma(b11, a111);
        }
        a00.intoArray(out, outOff + 0 * ldo + 0 * L);
        a01.intoArray(out, outOff + 0 * ldo + 1 * L);
        a10.intoArray(out, outOff + 1 * ldo + 0 * L);
        a11.intoArray(out, outOff + 1 * ldo + 1 * L);
        a20.intoArray(out, outOff + 2 * ldo + 0 * L);
        a21.intoArray(out, outOff + 2 * ldo + 1 * L);
        a30.intoArray(out, outOff + 3 * ldo + 0 * L);
        a31.intoArray(out, outOff + 3 * ldo + 1 * L);
        a40.intoArray(out, outOff + 4 * ldo + 0 * L);
        a41.intoArray(out, outOff + 4 * ldo + 1 * L);
        a50.intoArray(out, outOff + 5 * ldo + 0 * L);
        a51.intoArray(out, outOff + 5 * ldo + 1 * L);
        a60.intoArray(out, outOff + 6 * ldo + 0 * L);
        a61.intoArray(out, outOff + 6 * ldo + 1 * L);
        a70.intoArray(out, outOff + 7 * ldo + 0 * L);
        a71.intoArray(out, outOff + 7 * ldo + 1 * L);
        a80.intoArray(out, outOff + 8 * ldo + 0 * L);
        a81.intoArray(out, outOff + 8 * ldo + 1 * L);
        a90.intoArray(out, outOff + 9 * ldo + 0 * L);
        a91.intoArray(out, outOff + 9 * ldo + 1 * L);
        a100.intoArray(out, outOff + 10 * ldo + 0 * L);
        a101.intoArray(out, outOff + 10 * ldo + 1 * L);
        a110.intoArray(out, outOff + 11 * ldo + 0 * L);
        a111.intoArray(out, outOff + 11 * ldo + 1 * L);
    }

    private static void forwardTile1x12(int kCount, float[] w, int wOff, int ldw, int[] offs, int kOff, float[] src,
                                      int srcOff, int[] pix, int pixOff, float[] out, int outOff, int ldo, boolean accumulate) {
        int s0 = srcOff + pix[pixOff + 0];
        int s1 = srcOff + pix[pixOff + 1];
        int s2 = srcOff + pix[pixOff + 2];
        int s3 = srcOff + pix[pixOff + 3];
        int s4 = srcOff + pix[pixOff + 4];
        int s5 = srcOff + pix[pixOff + 5];
        int s6 = srcOff + pix[pixOff + 6];
        int s7 = srcOff + pix[pixOff + 7];
        int s8 = srcOff + pix[pixOff + 8];
        int s9 = srcOff + pix[pixOff + 9];
        int s10 = srcOff + pix[pixOff + 10];
        int s11 = srcOff + pix[pixOff + 11];
        FloatVector a00 = accumulate ? FloatVector.fromArray(S, out, outOff + 0 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a10 = accumulate ? FloatVector.fromArray(S, out, outOff + 1 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a20 = accumulate ? FloatVector.fromArray(S, out, outOff + 2 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a30 = accumulate ? FloatVector.fromArray(S, out, outOff + 3 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a40 = accumulate ? FloatVector.fromArray(S, out, outOff + 4 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a50 = accumulate ? FloatVector.fromArray(S, out, outOff + 5 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a60 = accumulate ? FloatVector.fromArray(S, out, outOff + 6 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a70 = accumulate ? FloatVector.fromArray(S, out, outOff + 7 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a80 = accumulate ? FloatVector.fromArray(S, out, outOff + 8 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a90 = accumulate ? FloatVector.fromArray(S, out, outOff + 9 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a100 = accumulate ? FloatVector.fromArray(S, out, outOff + 10 * ldo + 0 * L) : FloatVector.zero(S);
        FloatVector a110 = accumulate ? FloatVector.fromArray(S, out, outOff + 11 * ldo + 0 * L) : FloatVector.zero(S);
        for (int k = 0; k < kCount; k++) {
            int wi = wOff + k * ldw, q = offs[kOff + k];
            FloatVector w0 = FloatVector.fromArray(S, w, wi + 0 * L);
            FloatVector b0 = FloatVector.broadcast(S, src[s0 + q]);
            a00 = w0.fma(b0, a00);
            FloatVector b1 = FloatVector.broadcast(S, src[s1 + q]);
            a10 = w0.fma(b1, a10);
            FloatVector b2 = FloatVector.broadcast(S, src[s2 + q]);
            a20 = w0.fma(b2, a20);
            FloatVector b3 = FloatVector.broadcast(S, src[s3 + q]);
            a30 = w0.fma(b3, a30);
            FloatVector b4 = FloatVector.broadcast(S, src[s4 + q]);
            a40 = w0.fma(b4, a40);
            FloatVector b5 = FloatVector.broadcast(S, src[s5 + q]);
            a50 = w0.fma(b5, a50);
            FloatVector b6 = FloatVector.broadcast(S, src[s6 + q]);
            a60 = w0.fma(b6, a60);
            FloatVector b7 = FloatVector.broadcast(S, src[s7 + q]);
            a70 = w0.fma(b7, a70);
            FloatVector b8 = FloatVector.broadcast(S, src[s8 + q]);
            a80 = w0.fma(b8, a80);
            FloatVector b9 = FloatVector.broadcast(S, src[s9 + q]);
            a90 = w0.fma(b9, a90);
            FloatVector b10 = FloatVector.broadcast(S, src[s10 + q]);
            a100 = w0.fma(b10, a100);
            FloatVector b11 = FloatVector.broadcast(S, src[s11 + q]);
            a110 = w0.fma(b11, a110);
        }
        a00.intoArray(out, outOff + 0 * ldo + 0 * L);
        a10.intoArray(out, outOff + 1 * ldo + 0 * L);
        a20.intoArray(out, outOff + 2 * ldo + 0 * L);
        a30.intoArray(out, outOff + 3 * ldo + 0 * L);
        a40.intoArray(out, outOff + 4 * ldo + 0 * L);
        a50.intoArray(out, outOff + 5 * ldo + 0 * L);
        a60.intoArray(out, outOff + 6 * ldo + 0 * L);
        a70.intoArray(out, outOff + 7 * ldo + 0 * L);
        a80.intoArray(out, outOff + 8 * ldo + 0 * L);
        a90.intoArray(out, outOff + 9 * ldo + 0 * L);
        a100.intoArray(out, outOff + 10 * ldo + 0 * L);
        a110.intoArray(out, outOff + 11 * ldo + 0 * L);
    }

    @Override
    public void weightTile(int channelVectors, int rows, int cols, int ws, float[] dyT, int dyOff, int ldd,
                           float[] src, int srcOff, int[] offs, int tOff, float[] acc, int accOff, int lda) {
        switch (channelVectors) {
            case 4 -> weightTile4(rows, cols, ws, dyT, dyOff, ldd, src, srcOff, offs, tOff, acc, accOff, lda);
            case 3 -> weightTile3(rows, cols, ws, dyT, dyOff, ldd, src, srcOff, offs, tOff, acc, accOff, lda);
            case 2 -> weightTile2(rows, cols, ws, dyT, dyOff, ldd, src, srcOff, offs, tOff, acc, accOff, lda);
            case 1 -> weightTile1(rows, cols, ws, dyT, dyOff, ldd, src, srcOff, offs, tOff, acc, accOff, lda);
            default -> throw new IllegalArgumentException("weightTile: channelVectors must be 1..4, got " + channelVectors);
        }
    }

    private static void weightTile4(int rows, int cols, int ws, float[] dyT, int dyOff, int ldd, float[] src, int srcOff,
                                    int[] offs, int tOff, float[] acc, int accOff, int lda) {
        FloatVector a00 = FloatVector.fromArray(S, acc, accOff + 0 * lda + 0 * L);
        FloatVector a01 = FloatVector.fromArray(S, acc, accOff + 0 * lda + 1 * L);
        FloatVector a02 = FloatVector.fromArray(S, acc, accOff + 0 * lda + 2 * L);
        FloatVector a03 = FloatVector.fromArray(S, acc, accOff + 0 * lda + 3 * L);
        FloatVector a10 = FloatVector.fromArray(S, acc, accOff + 1 * lda + 0 * L);
        FloatVector a11 = FloatVector.fromArray(S, acc, accOff + 1 * lda + 1 * L);
        FloatVector a12 = FloatVector.fromArray(S, acc, accOff + 1 * lda + 2 * L);
        FloatVector a13 = FloatVector.fromArray(S, acc, accOff + 1 * lda + 3 * L);
        FloatVector a20 = FloatVector.fromArray(S, acc, accOff + 2 * lda + 0 * L);
        FloatVector a21 = FloatVector.fromArray(S, acc, accOff + 2 * lda + 1 * L);
        FloatVector a22 = FloatVector.fromArray(S, acc, accOff + 2 * lda + 2 * L);
        FloatVector a23 = FloatVector.fromArray(S, acc, accOff + 2 * lda + 3 * L);
        FloatVector a30 = FloatVector.fromArray(S, acc, accOff + 3 * lda + 0 * L);
        FloatVector a31 = FloatVector.fromArray(S, acc, accOff + 3 * lda + 1 * L);
        FloatVector a32 = FloatVector.fromArray(S, acc, accOff + 3 * lda + 2 * L);
        FloatVector a33 = FloatVector.fromArray(S, acc, accOff + 3 * lda + 3 * L);
        int s0 = srcOff + offs[tOff + 0];
        int s1 = srcOff + offs[tOff + 1];
        int s2 = srcOff + offs[tOff + 2];
        int s3 = srcOff + offs[tOff + 3];
        int pixels = rows * cols, q = 0, j = 0, rowSkip = ws - cols;
        for (int p = 0; p < pixels; p++) {
            int d = dyOff + p * ldd;
            FloatVector y0 = FloatVector.fromArray(S, dyT, d + 0 * L);
            FloatVector y1 = FloatVector.fromArray(S, dyT, d + 1 * L);
            FloatVector y2 = FloatVector.fromArray(S, dyT, d + 2 * L);
            FloatVector y3 = FloatVector.fromArray(S, dyT, d + 3 * L);
            FloatVector b0 = FloatVector.broadcast(S, src[s0 + q]);
            a00 = y0.fma(b0, a00);
            a01 = y1.fma(b0, a01);
            a02 = y2.fma(b0, a02);
            a03 = y3.fma(b0, a03);
            FloatVector b1 = FloatVector.broadcast(S, src[s1 + q]);
            a10 = y0.fma(b1, a10);
            a11 = y1.fma(b1, a11);
            a12 = y2.fma(b1, a12);
            a13 = y3.fma(b1, a13);
            FloatVector b2 = FloatVector.broadcast(S, src[s2 + q]);
            a20 = y0.fma(b2, a20);
            a21 = y1.fma(b2, a21);
            a22 = y2.fma(b2, a22);
            a23 = y3.fma(b2, a23);
            FloatVector b3 = FloatVector.broadcast(S, src[s3 + q]);
            a30 = y0.fma(b3, a30);
            a31 = y1.fma(b3, a31);
            a32 = y2.fma(b3, a32);
            a33 = y3.fma(b3, a33);
            q++;
            if (++j == cols) {
                j = 0;
                q += rowSkip;
            }
        }
        a00.intoArray(acc, accOff + 0 * lda + 0 * L);
        a01.intoArray(acc, accOff + 0 * lda + 1 * L);
        a02.intoArray(acc, accOff + 0 * lda + 2 * L);
        a03.intoArray(acc, accOff + 0 * lda + 3 * L);
        a10.intoArray(acc, accOff + 1 * lda + 0 * L);
        a11.intoArray(acc, accOff + 1 * lda + 1 * L);
        a12.intoArray(acc, accOff + 1 * lda + 2 * L);
        a13.intoArray(acc, accOff + 1 * lda + 3 * L);
        a20.intoArray(acc, accOff + 2 * lda + 0 * L);
        a21.intoArray(acc, accOff + 2 * lda + 1 * L);
        a22.intoArray(acc, accOff + 2 * lda + 2 * L);
        a23.intoArray(acc, accOff + 2 * lda + 3 * L);
        a30.intoArray(acc, accOff + 3 * lda + 0 * L);
        a31.intoArray(acc, accOff + 3 * lda + 1 * L);
        a32.intoArray(acc, accOff + 3 * lda + 2 * L);
        a33.intoArray(acc, accOff + 3 * lda + 3 * L);
    }

    private static void weightTile3(int rows, int cols, int ws, float[] dyT, int dyOff, int ldd, float[] src, int srcOff,
                                    int[] offs, int tOff, float[] acc, int accOff, int lda) {
        FloatVector a00 = FloatVector.fromArray(S, acc, accOff + 0 * lda + 0 * L);
        FloatVector a01 = FloatVector.fromArray(S, acc, accOff + 0 * lda + 1 * L);
        FloatVector a02 = FloatVector.fromArray(S, acc, accOff + 0 * lda + 2 * L);
        FloatVector a10 = FloatVector.fromArray(S, acc, accOff + 1 * lda + 0 * L);
        FloatVector a11 = FloatVector.fromArray(S, acc, accOff + 1 * lda + 1 * L);
        FloatVector a12 = FloatVector.fromArray(S, acc, accOff + 1 * lda + 2 * L);
        FloatVector a20 = FloatVector.fromArray(S, acc, accOff + 2 * lda + 0 * L);
        FloatVector a21 = FloatVector.fromArray(S, acc, accOff + 2 * lda + 1 * L);
        FloatVector a22 = FloatVector.fromArray(S, acc, accOff + 2 * lda + 2 * L);
        FloatVector a30 = FloatVector.fromArray(S, acc, accOff + 3 * lda + 0 * L);
        FloatVector a31 = FloatVector.fromArray(S, acc, accOff + 3 * lda + 1 * L);
        FloatVector a32 = FloatVector.fromArray(S, acc, accOff + 3 * lda + 2 * L);
        FloatVector a40 = FloatVector.fromArray(S, acc, accOff + 4 * lda + 0 * L);
        FloatVector a41 = FloatVector.fromArray(S, acc, accOff + 4 * lda + 1 * L);
        FloatVector a42 = FloatVector.fromArray(S, acc, accOff + 4 * lda + 2 * L);
        FloatVector a50 = FloatVector.fromArray(S, acc, accOff + 5 * lda + 0 * L);
        FloatVector a51 = FloatVector.fromArray(S, acc, accOff + 5 * lda + 1 * L);
        FloatVector a52 = FloatVector.fromArray(S, acc, accOff + 5 * lda + 2 * L);
        int s0 = srcOff + offs[tOff + 0];
        int s1 = srcOff + offs[tOff + 1];
        int s2 = srcOff + offs[tOff + 2];
        int s3 = srcOff + offs[tOff + 3];
        int s4 = srcOff + offs[tOff + 4];
        int s5 = srcOff + offs[tOff + 5];
        int pixels = rows * cols, q = 0, j = 0, rowSkip = ws - cols;
        for (int p = 0; p < pixels; p++) {
            int d = dyOff + p * ldd;
            FloatVector y0 = FloatVector.fromArray(S, dyT, d + 0 * L);
            FloatVector y1 = FloatVector.fromArray(S, dyT, d + 1 * L);
            FloatVector y2 = FloatVector.fromArray(S, dyT, d + 2 * L);
            FloatVector b0 = FloatVector.broadcast(S, src[s0 + q]);
            a00 = y0.fma(b0, a00);
            a01 = y1.fma(b0, a01);
            a02 = y2.fma(b0, a02);
            FloatVector b1 = FloatVector.broadcast(S, src[s1 + q]);
            a10 = y0.fma(b1, a10);
            a11 = y1.fma(b1, a11);
            a12 = y2.fma(b1, a12);
            FloatVector b2 = FloatVector.broadcast(S, src[s2 + q]);
            a20 = y0.fma(b2, a20);
            a21 = y1.fma(b2, a21);
            a22 = y2.fma(b2, a22);
            FloatVector b3 = FloatVector.broadcast(S, src[s3 + q]);
            a30 = y0.fma(b3, a30);
            a31 = y1.fma(b3, a31);
            a32 = y2.fma(b3, a32);
            FloatVector b4 = FloatVector.broadcast(S, src[s4 + q]);
            a40 = y0.fma(b4, a40);
            a41 = y1.fma(b4, a41);
            a42 = y2.fma(b4, a42);
            FloatVector b5 = FloatVector.broadcast(S, src[s5 + q]);
            a50 = y0.fma(b5, a50);
            a51 = y1.fma(b5, a51);
            a52 = y2.fma(b5, a52);
            q++;
            if (++j == cols) {
                j = 0;
                q += rowSkip;
            }
        }
        a00.intoArray(acc, accOff + 0 * lda + 0 * L);
        a01.intoArray(acc, accOff + 0 * lda + 1 * L);
        a02.intoArray(acc, accOff + 0 * lda + 2 * L);
        a10.intoArray(acc, accOff + 1 * lda + 0 * L);
        a11.intoArray(acc, accOff + 1 * lda + 1 * L);
        a12.intoArray(acc, accOff + 1 * lda + 2 * L);
        a20.intoArray(acc, accOff + 2 * lda + 0 * L);
        a21.intoArray(acc, accOff + 2 * lda + 1 * L);
        a22.intoArray(acc, accOff + 2 * lda + 2 * L);
        a30.intoArray(acc, accOff + 3 * lda + 0 * L);
        a31.intoArray(acc, accOff + 3 * lda + 1 * L);
        a32.intoArray(acc, accOff + 3 * lda + 2 * L);
        a40.intoArray(acc, accOff + 4 * lda + 0 * L);
        a41.intoArray(acc, accOff + 4 * lda + 1 * L);
        a42.intoArray(acc, accOff + 4 * lda + 2 * L);
        a50.intoArray(acc, accOff + 5 * lda + 0 * L);
        a51.intoArray(acc, accOff + 5 * lda + 1 * L);
        a52.intoArray(acc, accOff + 5 * lda + 2 * L);
    }

    private static void weightTile2(int rows, int cols, int ws, float[] dyT, int dyOff, int ldd, float[] src, int srcOff,
                                    int[] offs, int tOff, float[] acc, int accOff, int lda) {
        FloatVector a00 = FloatVector.fromArray(S, acc, accOff + 0 * lda + 0 * L);
        FloatVector a01 = FloatVector.fromArray(S, acc, accOff + 0 * lda + 1 * L);
        FloatVector a10 = FloatVector.fromArray(S, acc, accOff + 1 * lda + 0 * L);
        FloatVector a11 = FloatVector.fromArray(S, acc, accOff + 1 * lda + 1 * L);
        FloatVector a20 = FloatVector.fromArray(S, acc, accOff + 2 * lda + 0 * L);
        FloatVector a21 = FloatVector.fromArray(S, acc, accOff + 2 * lda + 1 * L);
        FloatVector a30 = FloatVector.fromArray(S, acc, accOff + 3 * lda + 0 * L);
        FloatVector a31 = FloatVector.fromArray(S, acc, accOff + 3 * lda + 1 * L);
        FloatVector a40 = FloatVector.fromArray(S, acc, accOff + 4 * lda + 0 * L);
        FloatVector a41 = FloatVector.fromArray(S, acc, accOff + 4 * lda + 1 * L);
        FloatVector a50 = FloatVector.fromArray(S, acc, accOff + 5 * lda + 0 * L);
        FloatVector a51 = FloatVector.fromArray(S, acc, accOff + 5 * lda + 1 * L);
        int s0 = srcOff + offs[tOff + 0];
        int s1 = srcOff + offs[tOff + 1];
        int s2 = srcOff + offs[tOff + 2];
        int s3 = srcOff + offs[tOff + 3];
        int s4 = srcOff + offs[tOff + 4];
        int s5 = srcOff + offs[tOff + 5];
        int pixels = rows * cols, q = 0, j = 0, rowSkip = ws - cols;
        for (int p = 0; p < pixels; p++) {
            int d = dyOff + p * ldd;
            FloatVector y0 = FloatVector.fromArray(S, dyT, d + 0 * L);
            FloatVector y1 = FloatVector.fromArray(S, dyT, d + 1 * L);
            FloatVector b0 = FloatVector.broadcast(S, src[s0 + q]);
            a00 = y0.fma(b0, a00);
            a01 = y1.fma(b0, a01);
            FloatVector b1 = FloatVector.broadcast(S, src[s1 + q]);
            a10 = y0.fma(b1, a10);
            a11 = y1.fma(b1, a11);
            FloatVector b2 = FloatVector.broadcast(S, src[s2 + q]);
            a20 = y0.fma(b2, a20);
            a21 = y1.fma(b2, a21);
            FloatVector b3 = FloatVector.broadcast(S, src[s3 + q]);
            a30 = y0.fma(b3, a30);
            a31 = y1.fma(b3, a31);
            FloatVector b4 = FloatVector.broadcast(S, src[s4 + q]);
            a40 = y0.fma(b4, a40);
            a41 = y1.fma(b4, a41);
            FloatVector b5 = FloatVector.broadcast(S, src[s5 + q]);
            a50 = y0.fma(b5, a50);
            a51 = y1.fma(b5, a51);
            q++;
            if (++j == cols) {
                j = 0;
                q += rowSkip;
            }
        }
        a00.intoArray(acc, accOff + 0 * lda + 0 * L);
        a01.intoArray(acc, accOff + 0 * lda + 1 * L);
        a10.intoArray(acc, accOff + 1 * lda + 0 * L);
        a11.intoArray(acc, accOff + 1 * lda + 1 * L);
        a20.intoArray(acc, accOff + 2 * lda + 0 * L);
        a21.intoArray(acc, accOff + 2 * lda + 1 * L);
        a30.intoArray(acc, accOff + 3 * lda + 0 * L);
        a31.intoArray(acc, accOff + 3 * lda + 1 * L);
        a40.intoArray(acc, accOff + 4 * lda + 0 * L);
        a41.intoArray(acc, accOff + 4 * lda + 1 * L);
        a50.intoArray(acc, accOff + 5 * lda + 0 * L);
        a51.intoArray(acc, accOff + 5 * lda + 1 * L);
    }

    private static void weightTile1(int rows, int cols, int ws, float[] dyT, int dyOff, int ldd, float[] src, int srcOff,
                                    int[] offs, int tOff, float[] acc, int accOff, int lda) {
        FloatVector a0 = FloatVector.fromArray(S, acc, accOff + 0 * lda);
        FloatVector a1 = FloatVector.fromArray(S, acc, accOff + 1 * lda);
        FloatVector a2 = FloatVector.fromArray(S, acc, accOff + 2 * lda);
        FloatVector a3 = FloatVector.fromArray(S, acc, accOff + 3 * lda);
        FloatVector a4 = FloatVector.fromArray(S, acc, accOff + 4 * lda);
        FloatVector a5 = FloatVector.fromArray(S, acc, accOff + 5 * lda);
        FloatVector a6 = FloatVector.fromArray(S, acc, accOff + 6 * lda);
        FloatVector a7 = FloatVector.fromArray(S, acc, accOff + 7 * lda);
        FloatVector a8 = FloatVector.fromArray(S, acc, accOff + 8 * lda);
        FloatVector a9 = FloatVector.fromArray(S, acc, accOff + 9 * lda);
        FloatVector a10 = FloatVector.fromArray(S, acc, accOff + 10 * lda);
        FloatVector a11 = FloatVector.fromArray(S, acc, accOff + 11 * lda);
        int s0 = srcOff + offs[tOff + 0];
        int s1 = srcOff + offs[tOff + 1];
        int s2 = srcOff + offs[tOff + 2];
        int s3 = srcOff + offs[tOff + 3];
        int s4 = srcOff + offs[tOff + 4];
        int s5 = srcOff + offs[tOff + 5];
        int s6 = srcOff + offs[tOff + 6];
        int s7 = srcOff + offs[tOff + 7];
        int s8 = srcOff + offs[tOff + 8];
        int s9 = srcOff + offs[tOff + 9];
        int s10 = srcOff + offs[tOff + 10];
        int s11 = srcOff + offs[tOff + 11];
        int pixels = rows * cols, q = 0, j = 0, rowSkip = ws - cols;
        for (int p = 0; p < pixels; p++) {
            FloatVector y = FloatVector.fromArray(S, dyT, dyOff + p * ldd);
            a0 = y.fma(FloatVector.broadcast(S, src[s0 + q]), a0);
            a1 = y.fma(FloatVector.broadcast(S, src[s1 + q]), a1);
            a2 = y.fma(FloatVector.broadcast(S, src[s2 + q]), a2);
            a3 = y.fma(FloatVector.broadcast(S, src[s3 + q]), a3);
            a4 = y.fma(FloatVector.broadcast(S, src[s4 + q]), a4);
            a5 = y.fma(FloatVector.broadcast(S, src[s5 + q]), a5);
            a6 = y.fma(FloatVector.broadcast(S, src[s6 + q]), a6);
            a7 = y.fma(FloatVector.broadcast(S, src[s7 + q]), a7);
            a8 = y.fma(FloatVector.broadcast(S, src[s8 + q]), a8);
            a9 = y.fma(FloatVector.broadcast(S, src[s9 + q]), a9);
            a10 = y.fma(FloatVector.broadcast(S, src[s10 + q]), a10);
            a11 = y.fma(FloatVector.broadcast(S, src[s11 + q]), a11);
            q++;
            if (++j == cols) {
                j = 0;
                q += rowSkip;
            }
        }
        a0.intoArray(acc, accOff + 0 * lda);
        a1.intoArray(acc, accOff + 1 * lda);
        a2.intoArray(acc, accOff + 2 * lda);
        a3.intoArray(acc, accOff + 3 * lda);
        a4.intoArray(acc, accOff + 4 * lda);
        a5.intoArray(acc, accOff + 5 * lda);
        a6.intoArray(acc, accOff + 6 * lda);
        a7.intoArray(acc, accOff + 7 * lda);
        a8.intoArray(acc, accOff + 8 * lda);
        a9.intoArray(acc, accOff + 9 * lda);
        a10.intoArray(acc, accOff + 10 * lda);
        a11.intoArray(acc, accOff + 11 * lda);
    }

    /**
     * Gathers one pixel's {@code lanes} channels per vector (a vector of rows at stride cols):
     * about twice as fast as the scalar blocked transpose on JDK 17 and 25. Row groups shorter
     * than a vector go to the scalar loop (a masked gather is not intrinsified on JDK 17).
     */
    @Override
    public void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff, int ldd) {
        int full = rows - rows % L;
        if (full > 0) {
            int[] index = new int[L];
            for (int l = 0; l < L; l++) {
                index[l] = l * cols;
            }
            for (int r0 = 0; r0 < full; r0 += L) {
                int base = srcOff + r0 * cols;
                for (int p = 0; p < cols; p++) {
                    FloatVector.fromArray(S, src, base + p, index, 0).intoArray(dst, dstOff + p * ldd + r0);
                }
            }
        }
        for (int r = full; r < rows; r++) {
            int si = srcOff + r * cols;
            for (int p = 0; p < cols; p++) {
                dst[dstOff + p * ldd + r] = src[si + p];
            }
        }
    }

    /** Whole vectors, then a scalar tail: a masked tail is not intrinsified on JDK 17 (100× slower). */
    @Override
    public void addRows(float[] src, int srcOff, int srcPitch, float[] dst, int dstOff, int dstPitch, int rows, int cols) {
        int full = cols - cols % L;
        for (int r = 0; r < rows; r++) {
            int si = srcOff + r * srcPitch, di = dstOff + r * dstPitch;
            for (int j = 0; j < full; j += L) {
                FloatVector.fromArray(S, dst, di + j).add(FloatVector.fromArray(S, src, si + j)).intoArray(dst, di + j);
            }
            for (int j = full; j < cols; j++) {
                dst[di + j] += src[si + j];
            }
        }
    }

    /**
     * Each row as whole vectors, the last one overlapping the one before it when cols is not a
     * multiple of the lane count (src and dst are different arrays, so writing a float twice writes
     * the same value); rows shorter than a vector go to {@code System.arraycopy}. No masks, and no
     * second, shorter species: JDK 17 compiles neither to vector instructions (a copy with 256-bit
     * vectors beside the 512-bit ones made the JDK 17 training step four times slower).
     */
    @Override
    public void copyRows(float[] src, int srcOff, int srcPitch, float[] dst, int dstOff, int dstPitch, int rows, int cols) {
        if (src == dst) {
            throw new IllegalArgumentException("copyRows: src and dst must be different arrays");
        }
        for (int r = 0; r < rows; r++) {
            int si = srcOff + r * srcPitch, di = dstOff + r * dstPitch;
            if (cols >= L) {
                int j = 0;
                for (; j + L <= cols; j += L) {
                    FloatVector.fromArray(S, src, si + j).intoArray(dst, di + j);
                }
                if (j < cols) {
                    FloatVector.fromArray(S, src, si + cols - L).intoArray(dst, di + cols - L);
                }
            } else {
                System.arraycopy(src, si, dst, di, cols);
            }
        }
    }

    /** Whole-vector gathers (intrinsified on JDK 17 and later), then a scalar tail. */
    @Override
    public void gather(float[] src, int srcOff, int[] index, int indexOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, src, srcOff, index, indexOff + i).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = src[srcOff + index[indexOff + i]];
        }
    }
}

package org.fnl4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * The individual convolution implementations: the im2col + GEMM path and the implicit-GEMM path on
 * its scalar twin against {@link ConvReference}, and the Vector API micro-kernel against the scalar
 * twin (skipped when the Vector API is not active in this run).
 */
class ConvPathsTest {
    @Test
    void im2colPathMatchesReference() {
        for (int[] g : ConvTest.GEOMETRIES) {
            ConvShape s = ConvTest.shape(g);
            if (s.macs() > 200_000) {
                continue; // keeps the class fast while the GEMM kernel is still interpreted
            }
            Rng rng = new Rng(11);
            float[] x = ConvTest.random(s.inputSize(), rng), w = ConvTest.random(s.weightSize(), rng), dy = ConvTest.random(s.outputSize(), rng);
            float[] b = ConvTest.random(s.outChannels(), rng);
            float[] yRef = new float[(int) s.outputSize()], y = new float[(int) s.outputSize()];
            ConvReference.forward(s, x, 0, w, 0, b, 0, yRef, 0);
            ConvIm2col.forward(s, x, 0, w, 0, b, 0, y, 0);
            ConvTest.assertClose(yRef, y, s + " im2col forward");
            float[] dxRef = ConvTest.random(s.inputSize(), new Rng(5)), dx = dxRef.clone();
            ConvReference.backwardInput(s, dy, 0, w, 0, dxRef, 0);
            ConvIm2col.backwardInput(s, dy, 0, w, 0, dx, 0);
            ConvTest.assertClose(dxRef, dx, s + " im2col backwardInput");
            float[] dwRef = ConvTest.random(s.weightSize(), new Rng(6)), dw = dwRef.clone();
            ConvReference.backwardWeight(s, x, 0, dy, 0, dwRef, 0);
            ConvIm2col.backwardWeight(s, x, 0, dy, 0, dw, 0);
            ConvTest.assertClose(dwRef, dw, s + " im2col backwardWeight");
        }
    }

    @Test
    void scalarKernelPathMatchesReference() {
        ConvKernel scalar = new ScalarConvKernel();
        for (int[] g : ConvTest.GEOMETRIES) {
            ConvShape s = ConvTest.shape(g);
            if (Conv.depthwise(s) || s.macs() > 1_000_000) {
                continue; // the depthwise path has no micro-kernel; big shapes only cost time here
            }
            Rng rng = new Rng(8);
            float[] x = ConvTest.random(s.inputSize(), rng), w = ConvTest.random(s.weightSize(), rng), dy = ConvTest.random(s.outputSize(), rng);
            float[] yRef = new float[(int) s.outputSize()], y = new float[(int) s.outputSize()];
            ConvReference.forward(s, x, 0, w, 0, null, 0, yRef, 0);
            ConvImplicit.forward(scalar, s, x, 0, w, 0, null, 0, y, 0, null);
            ConvTest.assertClose(yRef, y, s + " scalar forward");
            float[] dwRef = new float[(int) s.weightSize()], dw = new float[(int) s.weightSize()];
            ConvReference.backwardWeight(s, x, 0, dy, 0, dwRef, 0);
            ConvImplicit.backwardWeight(scalar, s, x, 0, dy, 0, dw, 0);
            ConvTest.assertClose(dwRef, dw, s + " scalar backwardWeight");
            float[] dxRef = new float[(int) s.inputSize()], dx = new float[(int) s.inputSize()];
            ConvReference.backwardInput(s, dy, 0, w, 0, dxRef, 0);
            ConvImplicit.backwardInput(scalar, s, dy, 0, w, 0, dx, 0);
            ConvTest.assertClose(dxRef, dx, s + " scalar backwardInput");
        }
    }

    @Test
    void simdAndScalarConvolutionsAgree() {
        assumeTrue(Kernels.simdActive());
        ConvKernel simd = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdConvKernel", ConvKernel.class);
        ConvKernel scalar = new ScalarConvKernel();
        boolean sameLanes = simd.lanes() == scalar.lanes();
        for (int[] g : ConvTest.GEOMETRIES) {
            ConvShape s = ConvTest.shape(g);
            if (Conv.depthwise(s) || s.macs() > 1_000_000) {
                continue; // the depthwise path has no micro-kernel; big shapes only cost time here
            }
            Rng rng = new Rng(9);
            float[] x = ConvTest.random(s.inputSize(), rng), w = ConvTest.random(s.weightSize(), rng), dy = ConvTest.random(s.outputSize(), rng);
            float[] y1 = new float[(int) s.outputSize()], y2 = new float[(int) s.outputSize()];
            ConvImplicit.forward(scalar, s, x, 0, w, 0, null, 0, y1, 0, null);
            ConvImplicit.forward(simd, s, x, 0, w, 0, null, 0, y2, 0, null);
            // Both sum the taps in the same order with fused multiply-adds: bitwise equal.
            assertArrayEquals(y1, y2, s + " forward simd vs scalar");
            float[] dw1 = new float[(int) s.weightSize()], dw2 = new float[(int) s.weightSize()];
            ConvImplicit.backwardWeight(scalar, s, x, 0, dy, 0, dw1, 0);
            ConvImplicit.backwardWeight(simd, s, x, 0, dy, 0, dw2, 0);
            if (sameLanes) {
                assertArrayEquals(dw1, dw2, s + " backwardWeight simd vs scalar");
            } else {
                ConvTest.assertClose(dw1, dw2, s + " backwardWeight simd vs scalar");
            }
        }
    }

    @Test
    void gatherMatchesItsDefinitionOnBothKernels() {
        java.util.List<ConvKernel> kernels = new java.util.ArrayList<>(java.util.List.of(new ScalarConvKernel()));
        if (Kernels.simdActive()) {
            kernels.add(Kernels.loadSimd("org.fnl4j.kernel.simd.SimdConvKernel", ConvKernel.class));
        }
        for (int n : new int[] {1, 7, 31, 1021}) {
            Rng rng = new Rng(n + 3);
            float[] src = ConvTest.random(2L * n + 9, rng);
            int[] index = new int[n + 2];
            for (int i = 0; i < index.length; i++) {
                index[i] = rng.nextInt(2 * n + 4);
            }
            float[] want = new float[n + 5];
            for (int i = 0; i < n; i++) {
                want[3 + i] = src[5 + index[2 + i]];
            }
            for (ConvKernel k : kernels) {
                float[] got = new float[n + 5];
                k.gather(src, 5, index, 2, got, 3, n);
                assertArrayEquals(want, got, k.getClass().getSimpleName() + " gather n=" + n);
            }
        }
    }

    @Test
    void simdAndScalarKernelBlocksAgreeAtOddLengths() {
        assumeTrue(Kernels.simdActive());
        ConvKernel simd = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdConvKernel", ConvKernel.class);
        ConvKernel scalar = new ScalarConvKernel();
        assumeTrue(simd.lanes() == scalar.lanes(), "bitwise block parity needs equal lane counts");
        int lanes = simd.lanes();
        for (int n : new int[] {1, 7, 31, 1021}) {
            Rng rng = new Rng(n);
            int[] offs = new int[Math.max(n, ConvKernel.NR)];
            for (int k = 0; k < offs.length; k++) {
                offs[k] = rng.nextInt(3 * lanes + 5);
            }
            float[] src = ConvTest.random(offs.length + (long) (3 * lanes + 5) + (long) Math.max(n, ConvKernel.NR) * lanes, rng);
            float[] w = ConvTest.random((long) n * ConvKernel.MR, rng);
            for (int nvec = 1; nvec <= ConvKernel.NR; nvec++) {
                int ldo = ConvKernel.NR * lanes + 3;
                float[] o1 = new float[ConvKernel.MR * ldo + 1], o2 = new float[ConvKernel.MR * ldo + 1];
                scalar.forwardBlock(n, w, 0, offs, src, 2, o1, 1, ldo, nvec);
                simd.forwardBlock(n, w, 0, offs, src, 2, o2, 1, ldo, nvec);
                assertArrayEquals(o1, o2, "forwardBlock k=" + n + " nvec=" + nvec);
                // forwardRow computes row r of the block, bit for bit, on both implementations
                for (int r = 0; r < ConvKernel.MR; r++) {
                    float[] row1 = new float[ldo + 2], row2 = new float[ldo + 2];
                    scalar.forwardRow(n, w, r, offs, src, 2, row1, 1, nvec);
                    simd.forwardRow(n, w, r, offs, src, 2, row2, 1, nvec);
                    for (int p = 0; p < nvec * lanes; p++) {
                        assertEquals(o1[1 + r * ldo + p], row1[1 + p], 0f, "forwardRow scalar row " + r + " k=" + n);
                        assertEquals(o2[1 + r * ldo + p], row2[1 + p], 0f, "forwardRow simd row " + r + " k=" + n);
                    }
                    assertEquals(0f, row2[1 + nvec * lanes], "forwardRow writes nvec vectors only");
                }
            }
            int ldd = n * lanes + 1;
            float[] dy = ConvTest.random((long) ConvKernel.MR * ldd, rng);
            float[] a1 = ConvTest.random(ConvKernel.MR * ConvKernel.NR * lanes + 3, rng), a2 = a1.clone();
            scalar.weightBlock(n, dy, 1, ldd, src, 2, offs, 0, a1, 3);
            simd.weightBlock(n, dy, 1, ldd, src, 2, offs, 0, a2, 3);
            assertArrayEquals(a1, a2, "weightBlock qVectors=" + n);
            // weightRow accumulates row r of the block, bit for bit, on both implementations
            float[] start = ConvTest.random(ConvKernel.MR * ConvKernel.NR * lanes + 3, new Rng(n + 1));
            float[] blockScalar = start.clone(), blockSimd = start.clone();
            scalar.weightBlock(n, dy, 1, ldd, src, 2, offs, 0, blockScalar, 3);
            simd.weightBlock(n, dy, 1, ldd, src, 2, offs, 0, blockSimd, 3);
            for (int r = 0; r < ConvKernel.MR; r++) {
                float[] rowScalar = start.clone(), rowSimd = start.clone();
                int at = 3 + r * ConvKernel.NR * lanes;
                scalar.weightRow(n, dy, 1 + r * ldd, src, 2, offs, 0, rowScalar, at);
                simd.weightRow(n, dy, 1 + r * ldd, src, 2, offs, 0, rowSimd, at);
                for (int i = at; i < at + ConvKernel.NR * lanes; i++) {
                    assertEquals(blockScalar[i], rowScalar[i], 0f, "weightRow scalar row " + r + " qVectors=" + n);
                    assertEquals(blockSimd[i], rowSimd[i], 0f, "weightRow simd row " + r + " qVectors=" + n);
                }
                assertEquals(start[at - 1], rowSimd[at - 1], 0f, "weightRow leaves other rows alone");
            }
        }
    }

    /** Shapes for the channel-vectorized weight gradient: 1..4 channel vectors, padded lanes, strides, groups. */
    static final int[][] CHANNEL_GEOMETRIES = {
        {3, 5, 7, 7, 33, 3, 3, 1, 1, 1, 1, 1, 1, 1},     // 33 channels: 3 vectors, 15 padding lanes
        {2, 7, 9, 9, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1},     // 4 full vectors
        {2, 3, 13, 13, 70, 3, 3, 1, 1, 1, 1, 1, 1, 1},   // 5 vectors: a 4-vector tile and a 1-vector tile
        {3, 6, 13, 7, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1},    // stride 2 (phase planes)
        {2, 4, 13, 13, 34, 3, 3, 1, 2, 2, 1, 2, 1, 2},   // groups 2, per-axis stride and dilation
        {1, 7, 7, 13, 17, 1, 3, 1, 1, 0, 1, 1, 1, 1},    // 1x3, one channel vector
        {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1},      // everything 1
    };

    @Test
    void channelVectorizedWeightGradientMatchesReference() {
        ConvKernel scalar = new ScalarConvKernel();
        for (int[] g : CHANNEL_GEOMETRIES) {
            ConvShape s = ConvTest.shape(g);
            Rng rng = new Rng(12);
            float[] x = ConvTest.random(s.inputSize(), rng), dy = ConvTest.random(s.outputSize(), rng);
            float[] dwRef = ConvTest.random(s.weightSize(), new Rng(3)), dw = dwRef.clone(), dwSimd = dwRef.clone();
            ConvReference.backwardWeight(s, x, 0, dy, 0, dwRef, 0);
            ConvImplicit.backwardWeightChannels(scalar, s, x, 0, dy, 0, dw, 0);
            ConvTest.assertClose(dwRef, dw, s + " channel-vectorized backwardWeight (scalar)");
            ConvImplicit.backwardWeight(s, x, 0, dy, 0, dwSimd, 0);
            ConvTest.assertClose(dwRef, dwSimd, s + " backwardWeight through the dispatcher");
        }
    }

    @Test
    void simdAndScalarChannelVectorizedWeightGradientsAreBitIdentical() {
        assumeTrue(Kernels.simdActive());
        ConvKernel simd = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdConvKernel", ConvKernel.class);
        ConvKernel scalar = new ScalarConvKernel();
        assumeTrue(simd.lanes() == scalar.lanes(), "bitwise parity needs equal lane counts");
        for (int[] g : CHANNEL_GEOMETRIES) {
            ConvShape s = ConvTest.shape(g);
            Rng rng = new Rng(13);
            float[] x = ConvTest.random(s.inputSize(), rng), dy = ConvTest.random(s.outputSize(), rng);
            float[] dw1 = new float[(int) s.weightSize()], dw2 = new float[(int) s.weightSize()];
            ConvImplicit.backwardWeightChannels(scalar, s, x, 0, dy, 0, dw1, 0);
            ConvImplicit.backwardWeightChannels(simd, s, x, 0, dy, 0, dw2, 0);
            assertArrayEquals(dw1, dw2, s + " channel-vectorized backwardWeight simd vs scalar");
        }
    }

    @Test
    void simdAndScalarWeightTilesAgreeAtOddSizes() {
        assumeTrue(Kernels.simdActive());
        ConvKernel simd = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdConvKernel", ConvKernel.class);
        ConvKernel scalar = new ScalarConvKernel();
        assumeTrue(simd.lanes() == scalar.lanes(), "bitwise tile parity needs equal lane counts");
        int lanes = simd.lanes();
        for (int n : new int[] {1, 7, 31, 1021}) {
            for (int vectors = 1; vectors <= ConvKernel.MAX_CHANNEL_VECTORS; vectors++) {
                Rng rng = new Rng(n * 10L + vectors);
                int rows = n == 1021 ? 1 : n, cols = n, ws = cols + 2;
                int[] offs = new int[ConvKernel.tapsPerTile(vectors) + 2];
                for (int t = 0; t < offs.length; t++) {
                    offs[t] = rng.nextInt(2 * ws + 3);
                }
                int ldd = vectors * lanes + 5;
                float[] dyT = ConvTest.random((long) rows * cols * ldd + 3, rng);
                float[] src = ConvTest.random((long) rows * ws + 3 * ws + 8, rng);
                int lda = vectors * lanes + 1;
                float[] a1 = ConvTest.random((long) (ConvKernel.tapsPerTile(vectors) + 2) * lda + 4, rng), a2 = a1.clone();
                scalar.weightTile(vectors, rows, cols, ws, dyT, 3, ldd, src, 1, offs, 2, a1, 4, lda);
                simd.weightTile(vectors, rows, cols, ws, dyT, 3, ldd, src, 1, offs, 2, a2, 4, lda);
                assertArrayEquals(a1, a2, "weightTile size " + n + ", " + vectors + " channel vectors");
            }
        }
    }

    /** Shapes with output channels in whole vectors of 16 lanes, where the channel-vectorized forward applies. */
    private static final int[][] CHANNEL_FORWARD_GEOMETRIES = {
        // n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups
        {3, 64, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1},    // ResNet-20's third stage
        {2, 32, 14, 14, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1},  // its 32 -> 64 downsampling
        {2, 32, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1},  // its second stage
        {2, 5, 9, 11, 48, 3, 1, 1, 1, 1, 0, 1, 1, 1},    // 3x1 of a factorized layer, three vectors
        {2, 6, 5, 7, 32, 3, 3, 1, 1, 2, 2, 2, 2, 2},     // dilated, grouped
        {1, 3, 1, 1, 80, 1, 1, 1, 1, 0, 0, 1, 1, 1},     // one pixel, five vectors (4 + 1)
        {2, 7, 31, 31, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1},   // odd sizes, strided, one vector
        {2, 48, 5, 3, 16, 1, 3, 1, 1, 0, 1, 1, 1, 1},    // 1x3; input gradient with three vectors
        {2, 32, 6, 6, 32, 3, 3, 1, 1, 1, 1, 2, 2, 2},    // dilated, grouped: 16 channels per group both ways
    };

    @Test
    void channelVectorizedForwardGivesThePixelPathsBits() {
        ConvKernel scalar = new ScalarConvKernel();
        ConvKernel[] kernels = Kernels.simdActive()
                ? new ConvKernel[] {scalar, Kernels.loadSimd("org.fnl4j.kernel.simd.SimdConvKernel", ConvKernel.class)}
                : new ConvKernel[] {scalar};
        for (ConvKernel kern : kernels) {
            for (int[] g : CHANNEL_FORWARD_GEOMETRIES) {
                ConvShape s = ConvTest.shape(g);
                assumeTrue(s.outPerGroup() % kern.lanes() == 0, "the geometries assume 16 lanes");
                Rng rng = new Rng(14);
                float[] x = ConvTest.random(s.inputSize(), rng), w = ConvTest.random(s.weightSize(), rng);
                float[] bias = ConvTest.random(s.outChannels(), rng);
                String name = kern.getClass().getSimpleName() + " " + s;
                ConvImplicit.Plan plan = ConvImplicit.forwardPlan(s, kern.lanes());
                float[] yRef = new float[(int) s.outputSize()];
                ConvReference.forward(s, x, 0, w, 0, bias, 0, yRef, 0);
                float[] yPixels = ConvTest.random(s.outputSize(), rng), yChannels = ConvTest.random(s.outputSize(), rng);
                ConvImplicit.forwardPixels(kern, s, plan, x, 0, w, 0, bias, 0, yPixels, 0, null);
                ConvImplicit.forwardChannels(kern, s, plan, x, 0, w, 0, bias, 0, yChannels, 0, null);
                ConvTest.assertClose(yRef, yChannels, name + " channel-vectorized forward");
                assertArrayEquals(yPixels, yChannels, name + " channel vs pixel forward bits");
                float[] noBias1 = new float[(int) s.outputSize()], noBias2 = new float[(int) s.outputSize()];
                ConvImplicit.forwardPixels(kern, s, plan, x, 0, w, 0, null, 0, noBias1, 0, null);
                ConvImplicit.forwardChannels(kern, s, plan, x, 0, w, 0, null, 0, noBias2, 0, null);
                assertArrayEquals(noBias1, noBias2, name + " channel vs pixel forward bits, no bias");
                if (s.strideH() == 1 && s.strideW() == 1 && s.inPerGroup() % kern.lanes() == 0) {
                    float[] dy = ConvTest.random(s.outputSize(), rng);
                    ConvImplicit.Plan back = ConvImplicit.backwardInputPlan(s, kern.lanes());
                    float[] dxRef = ConvTest.random(s.inputSize(), new Rng(15)), dxPixels = dxRef.clone(), dxChannels = dxRef.clone();
                    ConvReference.backwardInput(s, dy, 0, w, 0, dxRef, 0);
                    ConvImplicit.backwardInputPixels(kern, s, back, dy, 0, w, 0, dxPixels, 0);
                    ConvImplicit.backwardInputChannels(kern, s, back, dy, 0, w, 0, dxChannels, 0);
                    ConvTest.assertClose(dxRef, dxChannels, name + " channel-vectorized backwardInput");
                    assertArrayEquals(dxPixels, dxChannels, name + " channel vs pixel backwardInput bits");
                }
            }
        }
    }

    @Test
    void channelForwardIsPickedWhereThePixelPathWastesLanes() {
        int lanes = 16;
        ConvShape stage3 = ConvTest.shape(CHANNEL_FORWARD_GEOMETRIES[0]);
        // 7x7 planes: the pixel path computes 64 lanes per 49 pixels, the channel path 50 (tiles of 5).
        assertTrue(ConvImplicit.channelForward(stage3, ConvImplicit.forwardPlan(stage3, lanes), lanes), "7x7, 64 channels");
        ConvShape forty = ConvTest.shape(new int[] {1, 64, 7, 7, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1});
        assertFalse(ConvImplicit.channelForward(forty, ConvImplicit.forwardPlan(forty, lanes), lanes),
                "40 output channels are not whole vectors");
        ConvShape wide = ConvTest.shape(new int[] {1, 16, 32, 32, 16, 1, 1, 1, 1, 0, 0, 1, 1, 1});
        assertFalse(ConvImplicit.channelForward(wide, ConvImplicit.forwardPlan(wide, lanes), lanes),
                "a 1x1 convolution over 32x32 wastes no lanes on the pixel path");
    }

    @Test
    void simdAndScalarForwardTilesAgreeAtOddSizes() {
        assumeTrue(Kernels.simdActive());
        ConvKernel simd = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdConvKernel", ConvKernel.class);
        ConvKernel scalar = new ScalarConvKernel();
        assumeTrue(simd.lanes() == scalar.lanes(), "bitwise tile parity needs equal lane counts");
        int lanes = simd.lanes();
        for (int kCount : new int[] {1, 7, 31, 1021}) {
            for (int vectors = 1; vectors <= ConvKernel.MAX_CHANNEL_VECTORS; vectors++) {
                for (int pixels : ConvKernel.tilePixels(vectors)) for (boolean accumulate : new boolean[] {false, true}) {
                    Rng rng = new Rng(kCount * 10L + vectors);
                    int ldw = vectors * lanes + 3, ldo = vectors * lanes + 5;
                    int[] offs = new int[kCount + 2];
                    for (int t = 0; t < offs.length; t++) {
                        offs[t] = rng.nextInt(97);
                    }
                    int[] pix = new int[pixels + 1];
                    for (int t = 0; t < pix.length; t++) {
                        pix[t] = rng.nextInt(31);
                    }
                    float[] w = ConvTest.random((long) (kCount + 1) * ldw + 2, rng);
                    float[] src = ConvTest.random(140, rng);
                    float[] o1 = ConvTest.random((long) pixels * ldo + 7, rng), o2 = o1.clone();
                    scalar.forwardTile(vectors, pixels, kCount, w, 2, ldw, offs, 1, src, 3, pix, 1, o1, 4, ldo, accumulate);
                    simd.forwardTile(vectors, pixels, kCount, w, 2, ldw, offs, 1, src, 3, pix, 1, o2, 4, ldo, accumulate);
                    assertArrayEquals(o1, o2, "forwardTile taps " + kCount + ", " + vectors + " channel vectors x " + pixels
                            + " pixels, accumulate " + accumulate);
                }
            }
        }
    }

    @Test
    void simdAndScalarTransposesAndRowSumsAgreeAtOddSizes() {
        assumeTrue(Kernels.simdActive());
        ConvKernel simd = Kernels.loadSimd("org.fnl4j.kernel.simd.SimdConvKernel", ConvKernel.class);
        ConvKernel scalar = new ScalarConvKernel();
        int lanes = simd.lanes();
        for (int n : new int[] {1, 7, 31, 1021}) {
            // rows: below one vector, whole vectors, and whole vectors plus a remainder
            for (int rows : new int[] {Math.min(n, 5), lanes, 2 * lanes + Math.min(n, 7)}) {
                int cols = n, ldd = rows + 3;
                Rng rng = new Rng(n * 31L + rows);
                float[] src = ConvTest.random((long) rows * cols + 9, rng);
                float[] d1 = ConvTest.random((long) cols * ldd + 6, rng), d2 = d1.clone();
                scalar.transpose(src, 4, rows, cols, d1, 2, ldd);
                simd.transpose(src, 4, rows, cols, d2, 2, ldd);
                assertArrayEquals(d1, d2, "transpose " + rows + " x " + cols);
                for (int r = 0; r < rows; r++) {
                    assertEquals(src[4 + r * cols + cols - 1], d1[2 + (cols - 1) * ldd + r], "transpose element");
                }
            }
            int rows = n == 1021 ? 3 : n, cols = n, srcPitch = cols + 2, dstPitch = cols + 1;
            Rng rng = new Rng(n * 7L);
            float[] src = ConvTest.random((long) rows * srcPitch + 5, rng);
            float[] d1 = ConvTest.random((long) rows * dstPitch + 5, rng), d2 = d1.clone(), before = d1.clone();
            scalar.addRows(src, 1, srcPitch, d1, 3, dstPitch, rows, cols);
            simd.addRows(src, 1, srcPitch, d2, 3, dstPitch, rows, cols);
            assertArrayEquals(d1, d2, "addRows " + rows + " x " + cols);
            assertEquals(before[3 + dstPitch * (rows - 1) + cols - 1] + src[1 + srcPitch * (rows - 1) + cols - 1],
                    d1[3 + dstPitch * (rows - 1) + cols - 1], "addRows adds the block's last element");
            assertEquals(before[3 + cols], d1[3 + cols], "addRows leaves the gap between rows alone");
        }
    }

    @Test
    void copyRowsMatchesItsDefinitionOnBothKernels() {
        java.util.List<ConvKernel> kernels = new java.util.ArrayList<>(java.util.List.of(new ScalarConvKernel()));
        if (Kernels.simdActive()) {
            kernels.add(Kernels.loadSimd("org.fnl4j.kernel.simd.SimdConvKernel", ConvKernel.class));
        }
        // 1, 7, 31, 1021 and row widths around 4, 8 and 16 lanes (the vector lengths of common species)
        for (int cols : new int[] {1, 3, 4, 5, 7, 8, 9, 14, 15, 16, 17, 28, 31, 32, 33, 1021}) {
            for (int rows : new int[] {1, 3}) {
                int srcPitch = cols + 3, dstPitch = cols + 2;
                Rng rng = new Rng(cols * 13L + rows);
                float[] src = ConvTest.random((long) rows * srcPitch + 7, rng);
                float[] before = ConvTest.random((long) rows * dstPitch + 6, rng);
                float[] want = before.clone();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        want[4 + r * dstPitch + j] = src[2 + r * srcPitch + j];
                    }
                }
                for (ConvKernel k : kernels) {
                    float[] got = before.clone();
                    k.copyRows(src, 2, srcPitch, got, 4, dstPitch, rows, cols);
                    assertArrayEquals(want, got, k.getClass().getSimpleName() + " copyRows " + rows + " x " + cols);
                }
            }
        }
    }

    /**
     * The implicit path skips re-zeroing the padding of its per-thread source buffer when the last
     * fill had the same layout: any other use of the buffer, or another layout in between, must
     * make the next fill zero it again.
     */
    @Test
    void sourceBufferPaddingIsRezeroedAfterOtherUses() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            ConvShape a = ConvShape.of(2, 3, 9, 9, 5, 3, 1, 1);
            ConvShape b = ConvShape.of(2, 3, 9, 9, 5, 3, 1, 2);
            Rng rng = new Rng(21);
            float[] xa = ConvTest.random(a.inputSize(), rng), wa = ConvTest.random(a.weightSize(), rng);
            float[] ref = new float[(int) a.outputSize()];
            ConvReference.forward(a, xa, 0, wa, 0, null, 0, ref, 0);
            float[] y = new float[(int) a.outputSize()];
            Conv.forward(a, xa, 0, wa, 0, null, 0, y, 0);
            java.util.Arrays.fill(ConvImplicit.Scratch.get().columns(1), Float.NaN);   // the whole buffer, as im2col may use it
            Conv.forward(a, xa, 0, wa, 0, null, 0, y, 0);
            ConvTest.assertClose(ref, y, "after an im2col use of the buffer");
            float[] yb = new float[(int) b.outputSize()];
            Conv.forward(b, ConvTest.random(b.inputSize(), rng), 0, ConvTest.random(b.weightSize(), rng), 0, null, 0, yb, 0);
            Conv.forward(a, xa, 0, wa, 0, null, 0, y, 0);
            ConvTest.assertClose(ref, y, "after a fill with another padding");
        } finally {
            Parallel.setThreads(before);
        }
    }
}

package org.fnl4j.kernel;

/**
 * Scalar twin of the Vector API convolution loops (same contract as {@link ConvKernel}); used when
 * the Vector API is unavailable and as the parity reference for the SIMD kernel. Uses
 * {@link Math#fma} so that the forward block rounds exactly like the SIMD one.
 */
public final class ScalarConvKernel implements ConvKernel {
    /** Lane count of the scalar layout; any value works, 16 matches a 512-bit SIMD vector. */
    private static final int LANES = 16;

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public void forwardBlock(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                             float[] out, int outOff, int ldo, int nvec) {
        int width = nvec * LANES;
        for (int r = 0; r < MR; r++) {
            int o = outOff + r * ldo;
            for (int p = 0; p < width; p++) {
                out[o + p] = 0f;
            }
        }
        for (int k = 0; k < kCount; k++) {
            int s = srcOff + offs[k];
            for (int r = 0; r < MR; r++) {
                float wv = w[wOff + k * MR + r];
                int o = outOff + r * ldo;
                for (int p = 0; p < width; p++) {
                    out[o + p] = Math.fma(wv, src[s + p], out[o + p]);
                }
            }
        }
    }

    @Override
    public void forwardTile(int channelVectors, int pixels, int kCount, float[] w, int wOff, int ldw, int[] offs, int kOff,
                            float[] src, int srcOff, int[] pix, int pixOff, float[] out, int outOff, int ldo,
                            boolean accumulate) {
        boolean tileSize = false;
        for (int p : ConvKernel.tilePixels(channelVectors)) {
            tileSize |= p == pixels;
        }
        if (!tileSize) {
            throw new IllegalArgumentException("forwardTile: " + channelVectors + " channel vectors by "
                    + pixels + " pixels is not a tile size of ConvKernel.tilePixels");
        }
        int width = channelVectors * LANES;
        for (int t = 0; t < pixels; t++) {
            int s = srcOff + pix[pixOff + t], o = outOff + t * ldo;
            for (int c = 0; c < width; c++) {
                float acc = accumulate ? out[o + c] : 0f;
                for (int k = 0; k < kCount; k++) {
                    acc = Math.fma(w[wOff + k * ldw + c], src[s + offs[kOff + k]], acc);
                }
                out[o + c] = acc;
            }
        }
    }

    @Override
    public void weightBlock(int qVectors, float[] dy, int dyOff, int ldd, float[] src, int srcOff,
                            int[] offs, int kOff, float[] acc, int accOff) {
        for (int r = 0; r < MR; r++) {
            int d = dyOff + r * ldd;
            for (int t = 0; t < NR; t++) {
                int s = srcOff + offs[kOff + t];
                int a = accOff + (r * NR + t) * LANES;
                for (int v = 0; v < qVectors; v++) {
                    int q = v * LANES;
                    for (int l = 0; l < LANES; l++) {
                        acc[a + l] = Math.fma(dy[d + q + l], src[s + q + l], acc[a + l]);
                    }
                }
            }
        }
    }

    @Override
    public void weightTile(int channelVectors, int rows, int cols, int ws, float[] dyT, int dyOff, int ldd,
                           float[] src, int srcOff, int[] offs, int tOff, float[] acc, int accOff, int lda) {
        int width = channelVectors * LANES;
        for (int t = 0, taps = ConvKernel.tapsPerTile(channelVectors); t < taps; t++) {
            int s = srcOff + offs[tOff + t];
            int a = accOff + t * lda;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    float x = src[s + i * ws + j];
                    int d = dyOff + (i * cols + j) * ldd;
                    for (int c = 0; c < width; c++) {
                        acc[a + c] = Math.fma(dyT[d + c], x, acc[a + c]);
                    }
                }
            }
        }
    }

    @Override
    public void forwardRow(int kCount, float[] w, int wOff, int[] offs, float[] src, int srcOff,
                           float[] out, int outOff, int nvec) {
        int width = nvec * LANES;
        for (int p = 0; p < width; p++) {
            out[outOff + p] = 0f;
        }
        for (int k = 0; k < kCount; k++) {
            int s = srcOff + offs[k];
            float wv = w[wOff + k * MR];
            for (int p = 0; p < width; p++) {
                out[outOff + p] = Math.fma(wv, src[s + p], out[outOff + p]);
            }
        }
    }

    @Override
    public void weightRow(int qVectors, float[] dy, int dyOff, float[] src, int srcOff, int[] offs, int kOff,
                          float[] acc, int accOff) {
        for (int t = 0; t < NR; t++) {
            int s = srcOff + offs[kOff + t];
            int a = accOff + t * LANES;
            for (int v = 0; v < qVectors; v++) {
                int q = v * LANES;
                for (int l = 0; l < LANES; l++) {
                    acc[a + l] = Math.fma(dy[dyOff + q + l], src[s + q + l], acc[a + l]);
                }
            }
        }
    }

    @Override
    public void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff, int ldd) {
        final int b = 16;   // a 16 × 16 block's reads and writes stay in L1
        for (int r0 = 0; r0 < rows; r0 += b) {
            int r1 = Math.min(rows, r0 + b);
            for (int p0 = 0; p0 < cols; p0 += b) {
                int p1 = Math.min(cols, p0 + b);
                for (int r = r0; r < r1; r++) {
                    int si = srcOff + r * cols;
                    for (int p = p0; p < p1; p++) {
                        dst[dstOff + p * ldd + r] = src[si + p];
                    }
                }
            }
        }
    }

    @Override
    public void addRows(float[] src, int srcOff, int srcPitch, float[] dst, int dstOff, int dstPitch, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int si = srcOff + r * srcPitch, di = dstOff + r * dstPitch;
            for (int j = 0; j < cols; j++) {
                dst[di + j] += src[si + j];
            }
        }
    }

    @Override
    public void copyRows(float[] src, int srcOff, int srcPitch, float[] dst, int dstOff, int dstPitch, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, srcOff + r * srcPitch, dst, dstOff + r * dstPitch, cols);
        }
    }

    @Override
    public void gather(float[] src, int srcOff, int[] index, int indexOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = src[srcOff + index[indexOff + i]];
        }
    }
}

package org.fnl4j.kernel;

/**
 * Convolution as im2col / col2im around {@link Gemm#sgemm}. Same contract and shapes as
 * {@link Conv}: x (N, C, H, W), w (O, C/g, kh, kw), y and dy (N, O, outH, outW). The column matrix
 * of one image and group is (C/g·kh·kw) × (outH·outW), row (c·kh + u)·kw + v.
 *
 * <ul>
 *   <li>forward, per image and group: y(O/g × P) = W(O/g × K) · col(K × P);
 *   <li>input gradient: col = Wᵀ · dY, then col2im adds col into dx;
 *   <li>weight gradient: dW += dY · colᵀ, summed per fixed chunk of images and the chunk partials
 *       added in chunk order (bit-identical at any thread count).
 * </ul>
 * {@link Conv} uses it for the input gradient of strided convolutions; it is also the baseline the
 * implicit path ({@link ConvImplicit}) is measured against.
 */
public final class ConvIm2col {
    private ConvIm2col() {}

    /** y = conv(x, w) + bias, overwriting y. */
    public static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff,
                               float[] bias, int bOff, float[] y, int yOff) {
        int cg = s.inPerGroup(), og = s.outPerGroup(), kk = cg * s.kh() * s.kw();
        int p = s.outH() * s.outW(), inPlane = s.inH() * s.inW();
        Parallel.forChunks(s.batch(), n -> {
            float[] col = ConvImplicit.Scratch.get().columns(kk * p);
            for (int g = 0; g < s.groups(); g++) {
                im2col(s, x, xOff + (n * s.inChannels() + g * cg) * inPlane, col);
                int yb = yOff + (n * s.outChannels() + g * og) * p;
                Gemm.sgemm(false, false, og, p, kk, 1f, w, wOff + g * og * kk, kk, col, 0, p, 0f, y, yb, p);
                if (bias != null) {
                    for (int o = 0; o < og; o++) {
                        float b = bias[bOff + g * og + o];
                        for (int i = 0; i < p; i++) {
                            y[yb + o * p + i] += b;
                        }
                    }
                }
            }
        });
    }

    /** dx += conv_transpose(dy, w). */
    public static void backwardInput(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        int cg = s.inPerGroup(), og = s.outPerGroup(), kk = cg * s.kh() * s.kw();
        int p = s.outH() * s.outW(), inPlane = s.inH() * s.inW();
        Parallel.forChunks(s.batch(), n -> {
            float[] col = ConvImplicit.Scratch.get().columns(kk * p);
            for (int g = 0; g < s.groups(); g++) {
                Gemm.sgemm(true, false, kk, p, og, 1f, w, wOff + g * og * kk, kk,
                        dy, dyOff + (n * s.outChannels() + g * og) * p, p, 0f, col, 0, p);
                col2im(s, col, dx, dxOff + (n * s.inChannels() + g * cg) * inPlane);
            }
        });
    }

    /** dw += correlation of x with dy. */
    public static void backwardWeight(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        int cg = s.inPerGroup(), og = s.outPerGroup(), kk = cg * s.kh() * s.kw();
        int p = s.outH() * s.outW(), inPlane = s.inH() * s.inW();
        int chunks = ConvImplicit.weightChunks(s.batch());
        float[][] partial = new float[chunks][s.outChannels() * kk];
        Parallel.forChunks(chunks, chunk -> {
            float[] col = ConvImplicit.Scratch.get().columns(kk * p);
            int n0 = Parallel.chunkStart(s.batch(), chunks, chunk);
            int n1 = Parallel.chunkStart(s.batch(), chunks, chunk + 1);
            for (int n = n0; n < n1; n++) {
                for (int g = 0; g < s.groups(); g++) {
                    im2col(s, x, xOff + (n * s.inChannels() + g * cg) * inPlane, col);
                    Gemm.sgemm(false, true, og, kk, p, 1f, dy, dyOff + (n * s.outChannels() + g * og) * p, p,
                            col, 0, p, 1f, partial[chunk], g * og * kk, kk);
                }
            }
        });
        ConvImplicit.addPartials(partial, dw, dwOff);
    }

    /** col[(c·kh + u)·kw + v][i·outW + j] = x[c][i·sh - ph + u·dh][j·sw - pw + v·dw] (0 in the padding). */
    static void im2col(ConvShape s, float[] x, int planeOff, float[] col) {
        int oh = s.outH(), ow = s.outW(), ih = s.inH(), iw = s.inW(), p = oh * ow;
        int row = 0;
        for (int c = 0; c < s.inPerGroup(); c++) {
            int plane = planeOff + c * ih * iw;
            for (int u = 0; u < s.kh(); u++) {
                for (int v = 0; v < s.kw(); v++, row++) {
                    int base = row * p;
                    for (int i = 0; i < oh; i++) {
                        int hi = i * s.strideH() - s.padH() + u * s.dilH();
                        int dst = base + i * ow;
                        if (hi < 0 || hi >= ih) {
                            java.util.Arrays.fill(col, dst, dst + ow, 0f);
                            continue;
                        }
                        int src = plane + hi * iw;
                        for (int j = 0; j < ow; j++) {
                            int wi = j * s.strideW() - s.padW() + v * s.dilW();
                            col[dst + j] = wi >= 0 && wi < iw ? x[src + wi] : 0f;
                        }
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: dx[c][hi][wi] += col[...] over all taps that read (hi, wi). */
    static void col2im(ConvShape s, float[] col, float[] dx, int planeOff) {
        int oh = s.outH(), ow = s.outW(), ih = s.inH(), iw = s.inW(), p = oh * ow;
        int row = 0;
        for (int c = 0; c < s.inPerGroup(); c++) {
            int plane = planeOff + c * ih * iw;
            for (int u = 0; u < s.kh(); u++) {
                for (int v = 0; v < s.kw(); v++, row++) {
                    int base = row * p;
                    for (int i = 0; i < oh; i++) {
                        int hi = i * s.strideH() - s.padH() + u * s.dilH();
                        if (hi < 0 || hi >= ih) {
                            continue;
                        }
                        int dst = plane + hi * iw, src = base + i * ow;
                        for (int j = 0; j < ow; j++) {
                            int wi = j * s.strideW() - s.padW() + v * s.dilW();
                            if (wi >= 0 && wi < iw) {
                                dx[dst + wi] += col[src + j];
                            }
                        }
                    }
                }
            }
        }
    }
}

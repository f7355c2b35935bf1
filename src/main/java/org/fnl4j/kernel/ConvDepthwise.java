package org.fnl4j.kernel;

/**
 * Direct loops for depthwise convolution (one input channel per group, any number of output
 * channels per group). Same contract and shapes as {@link Conv}: x (N, C, H, W), w (O, 1, kh, kw),
 * y and dy (N, O, outH, outW). With a reduction of only kh·kw per output a GEMM formulation
 * would waste most of its register block, so each tap is applied to a whole output row at once
 * (a unit-stride axpy when the stride is 1).
 */
public final class ConvDepthwise {
    private ConvDepthwise() {}

    /** y = conv(x, w) + bias, overwriting y; requires {@code s.inPerGroup() == 1}. */
    public static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff,
                               float[] bias, int bOff, float[] y, int yOff) {
        check(s, "forward");
        int oh = s.outH(), ow = s.outW(), outPlane = oh * ow, inPlane = s.inH() * s.inW();
        Parallel.forChunks(s.batch(), n -> {
            for (int o = 0; o < s.outChannels(); o++) {
                int yb = yOff + (n * s.outChannels() + o) * outPlane;
                int xb = xOff + (n * s.inChannels() + o / s.outPerGroup()) * inPlane;
                java.util.Arrays.fill(y, yb, yb + outPlane, bias == null ? 0f : bias[bOff + o]);
                for (int u = 0; u < s.kh(); u++) {
                    for (int v = 0; v < s.kw(); v++) {
                        float wv = w[wOff + (o * s.kh() + u) * s.kw() + v];
                        int j0 = firstCol(s, v), j1 = endCol(s, v), shift = v * s.dilW() - s.padW();
                        for (int i = 0; i < oh; i++) {
                            int hi = i * s.strideH() - s.padH() + u * s.dilH();
                            if (hi < 0 || hi >= s.inH()) {
                                continue;
                            }
                            int yr = yb + i * ow, xr = xb + hi * s.inW() + shift;
                            for (int j = j0; j < j1; j++) {
                                y[yr + j] += wv * x[xr + j * s.strideW()];
                            }
                        }
                    }
                }
            }
        });
    }

    /** dx += conv_transpose(dy, w). */
    public static void backwardInput(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        check(s, "backwardInput");
        int oh = s.outH(), ow = s.outW(), outPlane = oh * ow, inPlane = s.inH() * s.inW();
        Parallel.forChunks(s.batch(), n -> {
            for (int o = 0; o < s.outChannels(); o++) {
                int yb = dyOff + (n * s.outChannels() + o) * outPlane;
                int xb = dxOff + (n * s.inChannels() + o / s.outPerGroup()) * inPlane;
                for (int u = 0; u < s.kh(); u++) {
                    for (int v = 0; v < s.kw(); v++) {
                        float wv = w[wOff + (o * s.kh() + u) * s.kw() + v];
                        int j0 = firstCol(s, v), j1 = endCol(s, v), shift = v * s.dilW() - s.padW();
                        for (int i = 0; i < oh; i++) {
                            int hi = i * s.strideH() - s.padH() + u * s.dilH();
                            if (hi < 0 || hi >= s.inH()) {
                                continue;
                            }
                            int yr = yb + i * ow, xr = xb + hi * s.inW() + shift;
                            for (int j = j0; j < j1; j++) {
                                dx[xr + j * s.strideW()] += wv * dy[yr + j];
                            }
                        }
                    }
                }
            }
        });
    }

    /** dw += correlation of x with dy, per fixed image chunk, chunk partials added in order. */
    public static void backwardWeight(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        check(s, "backwardWeight");
        int oh = s.outH(), ow = s.outW(), outPlane = oh * ow, inPlane = s.inH() * s.inW();
        int khw = s.kh() * s.kw();
        int chunks = ConvImplicit.weightChunks(s.batch());
        float[][] partial = new float[chunks][s.outChannels() * khw];
        Parallel.forChunks(chunks, chunk -> {
            float[] part = partial[chunk];
            int n0 = Parallel.chunkStart(s.batch(), chunks, chunk);
            int n1 = Parallel.chunkStart(s.batch(), chunks, chunk + 1);
            for (int n = n0; n < n1; n++) {
                for (int o = 0; o < s.outChannels(); o++) {
                    int yb = dyOff + (n * s.outChannels() + o) * outPlane;
                    int xb = xOff + (n * s.inChannels() + o / s.outPerGroup()) * inPlane;
                    for (int u = 0; u < s.kh(); u++) {
                        for (int v = 0; v < s.kw(); v++) {
                            int j0 = firstCol(s, v), j1 = endCol(s, v), shift = v * s.dilW() - s.padW();
                            float sum = 0f;
                            for (int i = 0; i < oh; i++) {
                                int hi = i * s.strideH() - s.padH() + u * s.dilH();
                                if (hi < 0 || hi >= s.inH()) {
                                    continue;
                                }
                                int yr = yb + i * ow, xr = xb + hi * s.inW() + shift;
                                for (int j = j0; j < j1; j++) {
                                    sum += dy[yr + j] * x[xr + j * s.strideW()];
                                }
                            }
                            part[o * khw + u * s.kw() + v] += sum;
                        }
                    }
                }
            }
        });
        ConvImplicit.addPartials(partial, dw, dwOff);
    }

    /** First output column whose tap v lands inside the input row. */
    private static int firstCol(ConvShape s, int v) {
        int need = s.padW() - v * s.dilW();
        return need <= 0 ? 0 : Math.min(s.outW(), (need + s.strideW() - 1) / s.strideW());
    }

    /** One past the last output column whose tap v lands inside the input row. */
    private static int endCol(ConvShape s, int v) {
        int last = s.inW() - 1 + s.padW() - v * s.dilW();
        return last < 0 ? 0 : Math.min(s.outW(), last / s.strideW() + 1);
    }

    private static void check(ConvShape s, String op) {
        if (s.inPerGroup() != 1) {
            throw new IllegalArgumentException("ConvDepthwise." + op + ": needs one input channel per group, got "
                    + s.inChannels() + " channels in " + s.groups() + " groups");
        }
    }
}

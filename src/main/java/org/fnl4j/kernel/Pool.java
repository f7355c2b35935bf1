package org.fnl4j.kernel;

/**
 * 2-D pooling kernels on NCHW planes. A tensor (N, C, H, W) is seen as {@code planes = N·C}
 * independent H×W planes stored one after the other; the output has {@code planes} planes of
 * outH×outW with {@code outH = (H + 2·pad - k) / stride + 1} (likewise outW).
 *
 * <p>Forward kernels overwrite their output; backward kernels <b>accumulate</b> ({@code +=}) into
 * the input gradient. Work is split by plane in a fixed partition, so results do not depend on the
 * thread count.
 */
public final class Pool {
    private Pool() {}

    /** @return pooled extent of an input extent {@code in} (floor mode, as in PyTorch). */
    public static int outSize(int in, int k, int stride, int pad) {
        return (in + 2 * pad - k) / stride + 1;
    }

    /**
     * Max pooling. Padding counts as -∞ (never selected). x: planes×H×W at xOff; y:
     * planes×outH×outW at yOff, overwritten; argmax (same layout as y, at argOff) receives the
     * in-plane index {@code h·W + w} of each maximum (first one on ties).
     */
    public static void maxForward(int planes, int h, int w, int k, int stride, int pad,
                                  float[] x, int xOff, float[] y, int yOff, int[] argmax, int argOff) {
        int oh = outSize(h, k, stride, pad), ow = outSize(w, k, stride, pad);
        int inPlane = h * w, outPlane = oh * ow;
        Norm.forRanges(planes, (long) planes * (inPlane + outPlane), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xb = xOff + p * inPlane;
                int yb = p * outPlane;
                for (int i = 0; i < oh; i++) {
                    int h0 = Math.max(0, i * stride - pad), h1 = Math.min(h, i * stride - pad + k);
                    for (int j = 0; j < ow; j++) {
                        int w0 = Math.max(0, j * stride - pad), w1 = Math.min(w, j * stride - pad + k);
                        float best = Float.NEGATIVE_INFINITY;
                        int at = h0 * w + w0;
                        for (int u = h0; u < h1; u++) {
                            int row = u * w;
                            for (int v = w0; v < w1; v++) {
                                float val = x[xb + row + v];
                                // A NaN wins and stays, so it propagates as in PyTorch.
                                if (val > best || val != val) {
                                    best = val;
                                    at = row + v;
                                }
                            }
                        }
                        int o = yb + i * ow + j;
                        y[yOff + o] = best;
                        argmax[argOff + o] = at;
                    }
                }
            }
        });
    }

    /** dx[argmax] += dy, plane by plane. dy, argmax: planes×outH×outW; dx: planes×H×W. */
    public static void maxBackward(int planes, int inPlane, int outPlane, float[] dy, int dyOff,
                                   int[] argmax, int argOff, float[] dx, int dxOff) {
        Norm.forRanges(planes, (long) planes * (inPlane + outPlane), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int db = dxOff + p * inPlane;
                int ob = p * outPlane;
                for (int o = 0; o < outPlane; o++) {
                    dx[db + argmax[argOff + ob + o]] += dy[dyOff + ob + o];
                }
            }
        });
    }

    /**
     * Average pooling with zero padding counted in the divisor (PyTorch's default
     * {@code count_include_pad=True}): every window divides by k². Shapes as in {@link #maxForward}.
     */
    public static void avgForward(int planes, int h, int w, int k, int stride, int pad,
                                  float[] x, int xOff, float[] y, int yOff) {
        int oh = outSize(h, k, stride, pad), ow = outSize(w, k, stride, pad);
        int inPlane = h * w, outPlane = oh * ow;
        float inv = 1f / (k * k);
        Norm.forRanges(planes, (long) planes * (inPlane + outPlane) * k, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xb = xOff + p * inPlane;
                int yb = yOff + p * outPlane;
                for (int i = 0; i < oh; i++) {
                    int h0 = Math.max(0, i * stride - pad), h1 = Math.min(h, i * stride - pad + k);
                    for (int j = 0; j < ow; j++) {
                        int w0 = Math.max(0, j * stride - pad), w1 = Math.min(w, j * stride - pad + k);
                        float sum = 0f;
                        for (int u = h0; u < h1; u++) {
                            int row = xb + u * w;
                            for (int v = w0; v < w1; v++) {
                                sum += x[row + v];
                            }
                        }
                        y[yb + i * ow + j] = sum * inv;
                    }
                }
            }
        });
    }

    /** dx += the transpose of {@link #avgForward} applied to dy. */
    public static void avgBackward(int planes, int h, int w, int k, int stride, int pad,
                                   float[] dy, int dyOff, float[] dx, int dxOff) {
        int oh = outSize(h, k, stride, pad), ow = outSize(w, k, stride, pad);
        int inPlane = h * w, outPlane = oh * ow;
        float inv = 1f / (k * k);
        Norm.forRanges(planes, (long) planes * (inPlane + outPlane) * k, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int db = dxOff + p * inPlane;
                int yb = dyOff + p * outPlane;
                for (int i = 0; i < oh; i++) {
                    int h0 = Math.max(0, i * stride - pad), h1 = Math.min(h, i * stride - pad + k);
                    for (int j = 0; j < ow; j++) {
                        int w0 = Math.max(0, j * stride - pad), w1 = Math.min(w, j * stride - pad + k);
                        float g = dy[yb + i * ow + j] * inv;
                        for (int u = h0; u < h1; u++) {
                            int row = db + u * w;
                            for (int v = w0; v < w1; v++) {
                                dx[row + v] += g;
                            }
                        }
                    }
                }
            }
        });
    }

    /** y[p] = mean of plane p. x: planes×plane at xOff; y: planes at yOff, overwritten. */
    public static void globalAvgForward(int planes, int plane, float[] x, int xOff, float[] y, int yOff) {
        float inv = 1f / plane;
        Norm.forRanges(planes, (long) planes * plane, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                y[yOff + p] = (float) (Norm.sum(x, xOff + p * plane, plane) * inv);
            }
        });
    }

    /** dx[p, :] += dy[p] / plane. */
    public static void globalAvgBackward(int planes, int plane, float[] dy, int dyOff, float[] dx, int dxOff) {
        float inv = 1f / plane;
        Norm.forRanges(planes, (long) planes * plane, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                float g = dy[dyOff + p] * inv;
                int b = dxOff + p * plane;
                for (int i = 0; i < plane; i++) {
                    dx[b + i] += g;
                }
            }
        });
    }
}

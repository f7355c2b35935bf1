package org.fnl4j.kernel;

/**
 * 2-D convolution kernels, NCHW float32, shapes as in {@link ConvShape}.
 *
 * <p>Forward overwrites its output; the three gradients <b>accumulate</b> ({@code +=}) into theirs,
 * which is what a reverse-mode tape needs. Arrays are read from the given offsets, contiguous.
 */
public final class Conv {
    private Conv() {}

    /**
     * y = conv(x, w) + bias. x: (N, C, H, W) at xOff; w: (O, C/g, kh, kw) at wOff; bias: (O) at bOff
     * or null; y: (N, O, outH, outW) at yOff, overwritten.
     */
    public static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff,
                               float[] bias, int bOff, float[] y, int yOff) {
        ConvReference.forward(s, x, xOff, w, wOff, bias, bOff, y, yOff);
    }

    /** dx += conv_transpose(dy, w). dy: (N, O, outH, outW); dx: (N, C, H, W). */
    public static void backwardInput(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        ConvReference.backwardInput(s, dy, dyOff, w, wOff, dx, dxOff);
    }

    /** dw += correlation of x with dy. dw: (O, C/g, kh, kw). */
    public static void backwardWeight(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        ConvReference.backwardWeight(s, x, xOff, dy, dyOff, dw, dwOff);
    }

    /** db[o] += sum of dy over batch and pixels. db: (O). */
    public static void backwardBias(ConvShape s, float[] dy, int dyOff, float[] db, int dbOff) {
        int plane = s.outH() * s.outW();
        for (int n = 0; n < s.batch(); n++) {
            for (int o = 0; o < s.outChannels(); o++) {
                int base = dyOff + (n * s.outChannels() + o) * plane;
                float sum = 0f;
                for (int p = 0; p < plane; p++) {
                    sum += dy[base + p];
                }
                db[dbOff + o] += sum;
            }
        }
    }
}

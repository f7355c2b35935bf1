package org.fnl4j.kernel;

/**
 * 2-D convolution kernels, NCHW float32, shapes as in {@link ConvShape}: x (N, C, H, W),
 * w (O, C/groups, kh, kw), bias (O), y and dy (N, O, outH, outW).
 *
 * <p>Forward overwrites its output; the three gradients <b>accumulate</b> ({@code +=}) into theirs,
 * which is what a reverse-mode tape needs. Arrays are read from the given offsets, contiguous.
 *
 * <p>Which implementation runs (chosen per call from the shape):
 * <ul>
 *   <li>depthwise (groups &gt; 1 with one input channel per group): {@link ConvDepthwise}, direct loops;
 *   <li>forward and weight gradient otherwise: {@link ConvImplicit}, an implicit GEMM that reads the
 *       taps as shifted windows of one padded copy of each image (any stride, padding, dilation,
 *       kernel size including 1×k and k×1, groups); this includes 1×1 convolutions, whose "copy" is
 *       the plane itself. The weight gradient vectorizes over output channels
 *       ({@code ConvImplicit.backwardWeightChannels}; docs/kernels.md says why);
 *   <li>input gradient: {@link ConvImplicit} when the stride is 1 on both axes, otherwise
 *       {@link ConvIm2col} (Wᵀ·dY through {@link Gemm#sgemm}, then col2im), see
 *       {@link #MAX_UPSAMPLED_STRIDE}.
 * </ul>
 * The implicit path ran the three passes 2.4–11× faster than im2col + GEMM (ConvBench, 16 to 64
 * channels), so the im2col path is used only where the implicit one would need upsampling.
 * <p>Threads: work is split over images (forward, input gradient) or over a fixed number of image
 * chunks whose partial weight gradients are added in chunk order, so every result is
 * bit-identical at any thread count.
 */
public final class Conv {
    private Conv() {}

    /**
     * Largest stride product s_h·s_w for which the input gradient runs on the implicit path (which
     * upsamples dy with zeros and so does s_h·s_w times the useful work). Measured (thread CPU time,
     * JDK 25, batch 128, stride 2, 16→32 at 28×28 and 32→64 at 14×14): the upsampled implicit path
     * took 11–15 ms against 8–10 ms for im2col + GEMM, so strided input gradients go to im2col.
     */
    static final int MAX_UPSAMPLED_STRIDE = 1;

    /**
     * y = conv(x, w) + bias. x: (N, C, H, W) at xOff; w: (O, C/g, kh, kw) at wOff; bias: (O) at bOff
     * or null; y: (N, O, outH, outW) at yOff, overwritten.
     */
    public static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff,
                               float[] bias, int bOff, float[] y, int yOff) {
        forward(s, x, xOff, w, wOff, bias, bOff, y, yOff, null);
    }

    /**
     * {@link #forward(ConvShape, float[], int, float[], int, float[], int, float[], int)}, then the
     * epilogue (or nothing when null) on each output plane as it is written: the same bits as the
     * convolution followed by {@link Norm#batchNormForward} with the epilogue's affine map.
     */
    public static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff,
                               float[] bias, int bOff, float[] y, int yOff, ConvEpilogue epilogue) {
        check("forward", "x", x, xOff, s.inputSize(), s);
        check("forward", "w", w, wOff, s.weightSize(), s);
        if (bias != null) {
            check("forward", "bias", bias, bOff, s.outChannels(), s);
        }
        check("forward", "y", y, yOff, s.outputSize(), s);
        if (epilogue != null) {
            if (epilogue.scale().length != s.outChannels()) {
                throw new IllegalArgumentException("Conv.forward: the epilogue has " + epilogue.scale().length
                        + " channels, expected " + s.outChannels() + " (shape " + s + ")");
            }
            if (epilogue.residual() != null) {
                check("forward", "residual", epilogue.residual(), epilogue.residualOff(), s.outputSize(), s);
            }
        }
        if (depthwise(s)) {
            ConvDepthwise.forward(s, x, xOff, w, wOff, bias, bOff, y, yOff);
            if (epilogue != null) {
                int plane = s.outH() * s.outW();
                for (int p = 0; p < s.batch() * s.outChannels(); p++) {
                    epilogue.applyPlane(y, yOff + p * plane, yOff, p % s.outChannels(), plane);
                }
            }
        } else {
            ConvImplicit.forward(s, x, xOff, w, wOff, bias, bOff, y, yOff, epilogue);
        }
    }

    /** dx += conv_transpose(dy, w). dy: (N, O, outH, outW); w: (O, C/g, kh, kw); dx: (N, C, H, W). */
    public static void backwardInput(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        check("backwardInput", "dy", dy, dyOff, s.outputSize(), s);
        check("backwardInput", "w", w, wOff, s.weightSize(), s);
        check("backwardInput", "dx", dx, dxOff, s.inputSize(), s);
        if (depthwise(s)) {
            ConvDepthwise.backwardInput(s, dy, dyOff, w, wOff, dx, dxOff);
        } else if (s.strideH() * s.strideW() <= MAX_UPSAMPLED_STRIDE) {
            ConvImplicit.backwardInput(s, dy, dyOff, w, wOff, dx, dxOff);
        } else {
            ConvIm2col.backwardInput(s, dy, dyOff, w, wOff, dx, dxOff);
        }
    }

    /** dw += correlation of x with dy. x: (N, C, H, W); dy: (N, O, outH, outW); dw: (O, C/g, kh, kw). */
    public static void backwardWeight(ConvShape s, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        check("backwardWeight", "x", x, xOff, s.inputSize(), s);
        check("backwardWeight", "dy", dy, dyOff, s.outputSize(), s);
        check("backwardWeight", "dw", dw, dwOff, s.weightSize(), s);
        if (depthwise(s)) {
            ConvDepthwise.backwardWeight(s, x, xOff, dy, dyOff, dw, dwOff);
        } else {
            ConvImplicit.backwardWeight(s, x, xOff, dy, dyOff, dw, dwOff);
        }
    }

    /** db[o] += sum of dy over batch and pixels. dy: (N, O, outH, outW); db: (O). */
    public static void backwardBias(ConvShape s, float[] dy, int dyOff, float[] db, int dbOff) {
        check("backwardBias", "dy", dy, dyOff, s.outputSize(), s);
        check("backwardBias", "db", db, dbOff, s.outChannels(), s);
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

    static boolean depthwise(ConvShape s) {
        return s.groups() > 1 && s.inPerGroup() == 1;
    }

    private static void check(String op, String name, float[] a, int off, long size, ConvShape s) {
        if (a == null) {
            throw new IllegalArgumentException("Conv." + op + ": " + name + " is null (shape " + s + ")");
        }
        if (off < 0 || off + size > a.length) {
            throw new IllegalArgumentException("Conv." + op + ": " + name + " needs " + size + " floats from offset "
                    + off + " but has length " + a.length + " (shape " + s + ")");
        }
    }
}

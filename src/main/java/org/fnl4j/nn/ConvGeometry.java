package org.fnl4j.nn;

/**
 * The spatial geometry of a 2-D convolution, per axis: kernel size, stride, zero padding and
 * dilation. An input of height H and width W gives an output of height
 * {@code Ho = (H + 2·padH - dilationH·(kernelH-1) - 1) / strideH + 1} and likewise width Wo
 * (PyTorch's formula), so a layer maps (N, C, H, W) → (N, C', Ho, Wo).
 *
 * <p>Shared by {@link Conv2d} and the factorized convolutions; channels and groups are the layer's
 * business, not the geometry's. Validated on construction: kernel, stride and dilation ≥ 1,
 * padding ≥ 0.
 */
public record ConvGeometry(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilationH,
                           int dilationW) {

    public ConvGeometry {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || padH < 0
                || padW < 0) {
            throw new IllegalArgumentException("ConvGeometry: need kernel, stride and dilation >= 1 and padding >= 0 "
                    + "on both axes; got " + describe(kernelH, kernelW, strideH, strideW, padH, padW,
                    dilationH, dilationW));
        }
    }

    /** A k×k kernel with the same stride, padding and dilation on both axes. */
    public static ConvGeometry square(int k, int stride, int pad, int dilation) {
        return new ConvGeometry(k, k, stride, stride, pad, pad, dilation, dilation);
    }

    /** @return true when kernel, stride, padding and dilation are each equal on both axes. */
    public boolean isSquare() {
        return kernelH == kernelW && strideH == strideW && padH == padW && dilationH == dilationW;
    }

    /** @return the output height Ho for an input height {@code h} (class comment); not checked to be ≥ 1. */
    public int outputHeight(int h) {
        return outputSize(h, kernelH, strideH, padH, dilationH);
    }

    /** @return the output width Wo for an input width {@code w} (class comment); not checked to be ≥ 1. */
    public int outputWidth(int w) {
        return outputSize(w, kernelW, strideW, padW, dilationW);
    }

    private static int outputSize(int in, int k, int stride, int pad, int dil) {
        return (int) ((in + 2L * pad - (long) dil * (k - 1) - 1) / stride + 1);
    }

    private static String describe(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        return "kernel " + kh + "x" + kw + ", stride " + sh + "x" + sw + ", pad " + ph + "x" + pw + ", dilation " + dh
                + "x" + dw;
    }
}

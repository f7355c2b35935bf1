package org.fnl4j.kernel;

/**
 * The geometry of one 2-D convolution in NCHW layout, validated on construction.
 *
 * <p>Input x: (batch, inChannels, inH, inW). Weight w: (outChannels, inChannels/groups, kh, kw).
 * Output y: (batch, outChannels, outH, outW) with
 * {@code outH = (inH + 2*padH - dilH*(kh-1) - 1) / strideH + 1} (likewise outW).
 */
public record ConvShape(int batch, int inChannels, int inH, int inW,
                        int outChannels, int kh, int kw,
                        int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups) {

    public ConvShape {
        if (batch < 1 || inChannels < 1 || inH < 1 || inW < 1 || outChannels < 1 || kh < 1 || kw < 1) {
            throw new IllegalArgumentException("conv2d: sizes must be >= 1, got " + describe(batch, inChannels, inH, inW, outChannels, kh, kw));
        }
        if (strideH < 1 || strideW < 1 || dilH < 1 || dilW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: expected stride >= 1, dilation >= 1, padding >= 0; got stride="
                    + strideH + "x" + strideW + " dilation=" + dilH + "x" + dilW + " padding=" + padH + "x" + padW);
        }
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("conv2d: groups=" + groups + " must divide inChannels=" + inChannels
                    + " and outChannels=" + outChannels);
        }
        int oh = (inH + 2 * padH - dilH * (kh - 1) - 1) / strideH + 1;
        int ow = (inW + 2 * padW - dilW * (kw - 1) - 1) / strideW + 1;
        if (inH + 2 * padH - dilH * (kh - 1) - 1 < 0 || inW + 2 * padW - dilW * (kw - 1) - 1 < 0 || oh < 1 || ow < 1) {
            throw new IllegalArgumentException("conv2d: kernel " + kh + "x" + kw + " (dilation " + dilH + "x" + dilW
                    + ") does not fit the padded input " + (inH + 2 * padH) + "x" + (inW + 2 * padW));
        }
    }

    /** Square kernel, equal stride/padding on both axes, no dilation, one group. */
    public static ConvShape of(int batch, int inChannels, int inH, int inW, int outChannels, int k, int stride, int pad) {
        return new ConvShape(batch, inChannels, inH, inW, outChannels, k, k, stride, stride, pad, pad, 1, 1, 1);
    }

    private static String describe(int n, int c, int h, int w, int o, int kh, int kw) {
        return "input " + n + "x" + c + "x" + h + "x" + w + ", " + o + " output channels, kernel " + kh + "x" + kw;
    }

    public int outH() { return (inH + 2 * padH - dilH * (kh - 1) - 1) / strideH + 1; }
    public int outW() { return (inW + 2 * padW - dilW * (kw - 1) - 1) / strideW + 1; }
    /** Input channels seen by one output channel. */
    public int inPerGroup() { return inChannels / groups; }
    public int outPerGroup() { return outChannels / groups; }
    public long inputSize() { return (long) batch * inChannels * inH * inW; }
    public long outputSize() { return (long) batch * outChannels * outH() * outW(); }
    public long weightSize() { return (long) outChannels * inPerGroup() * kh * kw; }
    /** Multiply-adds of the forward pass. */
    public long macs() { return (long) batch * outChannels * outH() * outW() * inPerGroup() * kh * kw; }
    /** Same geometry with another batch size. */
    public ConvShape withBatch(int newBatch) {
        return new ConvShape(newBatch, inChannels, inH, inW, outChannels, kh, kw, strideH, strideW, padH, padW, dilH, dilW, groups);
    }
}

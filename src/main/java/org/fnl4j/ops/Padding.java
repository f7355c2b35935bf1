package org.fnl4j.ops;

import java.util.Arrays;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;

/** Differentiable zero-padding shortcuts. */
public final class Padding {
    private Padding() {}

    /**
     * The CIFAR ResNet "option A" shortcut: x (N, C, H, W) subsampled as x[:, :, ::stride, ::stride]
     * and zero-padded with (outChannels - C)/2 channels on each side -> (N, outChannels, ⌈H/stride⌉, ⌈W/stride⌉).
     * outChannels - C must be even and non-negative.
     */
    public static Tensor optionAShortcut(Tensor x, int outChannels, int stride) {
        if (x.dim() != 4 || stride < 1 || outChannels < x.shape(1) || (outChannels - x.shape(1)) % 2 != 0) {
            throw new IllegalArgumentException("optionAShortcut: expected input (N,C,H,W), stride >= 1 and outChannels >= C with "
                    + "outChannels - C even; got input " + Arrays.toString(x.shape()) + ", outChannels=" + outChannels
                    + ", stride=" + stride);
        }
        int n = x.shape(0), c = x.shape(1), h = x.shape(2), w = x.shape(3);
        int oh = (h + stride - 1) / stride, ow = (w + stride - 1) / stride, lead = (outChannels - c) / 2;
        Tensor out = Tensor.zeros(n, outChannels, oh, ow);
        float[] src = x.data(), dst = out.data();
        int xo = x.offset();
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                int sp = xo + (b * c + ch) * h * w, dpl = (b * outChannels + ch + lead) * oh * ow;
                for (int i = 0; i < oh; i++) {
                    int sr = sp + i * stride * w, dr = dpl + i * ow;
                    for (int j = 0; j < ow; j++) {
                        dst[dr + j] = src[sr + j * stride];
                    }
                }
            }
        }
        return Autograd.record("optionAShortcut", out, () -> {
            float[] g = out.grad(), dx = TapeAccess.gradBuffer(x);
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    int sp = (b * c + ch) * h * w, dpl = (b * outChannels + ch + lead) * oh * ow;
                    for (int i = 0; i < oh; i++) {
                        int sr = sp + i * stride * w, dr = dpl + i * ow;
                        for (int j = 0; j < ow; j++) {
                            dx[sr + j * stride] += g[dr + j];
                        }
                    }
                }
            }
        }, x);
    }
}

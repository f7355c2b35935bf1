package org.fnl4j.nn;

import org.fnl4j.autograd.Autograd;
import org.fnl4j.ops.Convolution;
import org.fnl4j.ops.Normalization;
import org.fnl4j.tensor.Tensor;

/**
 * {@link BatchNorm} for images: input (N, C, H, W) → output of the same shape, statistics per
 * channel over N·H·W values.
 */
public class BatchNorm2d extends BatchNorm {
    /** Momentum 0.1, eps 1e-5 (PyTorch's defaults). */
    public BatchNorm2d(int channels) {
        this(channels, DEFAULT_EPS, DEFAULT_MOMENTUM);
    }

    public BatchNorm2d(int channels, float eps, float momentum) {
        super(channels, eps, momentum);
    }

    /** @param input (N, C, H, W) */
    @Override
    public Tensor forward(Tensor input) {
        checkInput(input, "(N, C, H, W)", 4);
        return normalize(input);
    }

    /**
     * {@code relu(bn(input))} as one fused op (same values as {@link #forward} then a ReLU).
     *
     * @param input (N, C, H, W)
     * @return (N, C, H, W)
     */
    public Tensor forwardRelu(Tensor input) {
        checkInput(input, "(N, C, H, W)", 4);
        return normalize(input, null, true);
    }

    /**
     * {@code relu(bn(input) + residual)} as one fused op, the tail of a residual block.
     *
     * @param input    (N, C, H, W)
     * @param residual (N, C, H, W), the shortcut branch
     * @return (N, C, H, W)
     */
    public Tensor forwardAddRelu(Tensor input, Tensor residual) {
        checkInput(input, "(N, C, H, W)", 4);
        return normalize(input, residual, true);
    }

    /**
     * {@code relu?(bn(conv(x)) + residual)}: {@link #forwardAddRelu} (or {@link #forward} without
     * ReLU) on the convolution's output. In inference (eval mode, no gradients) and with a
     * {@link FusableConv}, the normalization, sum and ReLU run inside the convolution's output pass,
     * with the same bits and one pass over memory less.
     *
     * @param conv     the convolution producing (N, C, H', W') from x
     * @param x        the convolution's input
     * @param residual (N, C, H', W'), or null for no sum
     * @param relu     whether max(·, 0) follows
     * @return (N, C, H', W')
     */
    public Tensor forwardAfter(Module conv, Tensor x, Tensor residual, boolean relu) {
        if (!isTraining() && !Autograd.isGradEnabled() && conv instanceof FusableConv fused) {
            return fused.forwardFused(x, new Convolution.Epilogue(Normalization.evalAffine(weight().value(),
                    bias().value(), runningMean(), runningVar(), eps()), residual, relu));
        }
        Tensor y = conv.forward(x);
        checkInput(y, "(N, C, H, W)", 4);
        return normalize(y, residual, relu);
    }
}

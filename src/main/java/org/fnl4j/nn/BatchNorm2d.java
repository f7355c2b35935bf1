package org.fnl4j.nn;

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
}

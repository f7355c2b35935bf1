package org.fnl4j.nn;

import org.fnl4j.ops.Shapes;
import org.fnl4j.tensor.Tensor;

/**
 * {@link BatchNorm} for features: input (N, C) or (N, C, L) → output of the same shape, statistics
 * per channel over N (or N·L) values.
 */
public class BatchNorm1d extends BatchNorm {
    /** Momentum 0.1, eps 1e-5 (PyTorch's defaults). */
    public BatchNorm1d(int channels) {
        this(channels, DEFAULT_EPS, DEFAULT_MOMENTUM);
    }

    public BatchNorm1d(int channels, float eps, float momentum) {
        super(channels, eps, momentum);
    }

    /** @param input (N, C) or (N, C, L) */
    @Override
    public Tensor forward(Tensor input) {
        checkInput(input, "(N, C) or (N, C, L)", 2, 3);
        if (input.dim() == 2) {
            return normalize(input);
        }
        // (N, C, L) is (N, C, L, 1) for the 2-d op: same per-channel statistics.
        int[] s = input.shape();
        Tensor y = normalize(Shapes.reshape(input, s[0], s[1], s[2], 1));
        return Shapes.reshape(y, s);
    }
}

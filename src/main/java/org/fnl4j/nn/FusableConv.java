package org.fnl4j.nn;

import org.fnl4j.ops.Convolution;
import org.fnl4j.tensor.Tensor;

/**
 * A convolution layer that can apply what follows it in inference (an evaluation-mode BatchNorm,
 * a residual sum, a ReLU) as it writes its output, instead of in separate passes over memory.
 * {@link BatchNorm2d#forwardAfter} uses it when the network runs in eval mode without gradients.
 */
public interface FusableConv {
    /**
     * {@code relu?(affine(this.forward(x)) + residual)} with the same bits as the separate ops;
     * inference only (no gradients are recorded, inputs that need them are refused).
     *
     * @param x (N, in, H, W)
     * @param epilogue the affine map (per output channel), the residual (N, out, outH, outW) or null, the ReLU
     * @return (N, out, outH, outW)
     */
    Tensor forwardFused(Tensor x, Convolution.Epilogue epilogue);
}

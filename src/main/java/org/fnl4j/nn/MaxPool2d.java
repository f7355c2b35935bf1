package org.fnl4j.nn;

import java.util.Arrays;
import org.fnl4j.ops.Pooling;
import org.fnl4j.tensor.Tensor;

/**
 * Max pooling with a k×k window: (N, C, H, W) → (N, C, Ho, Wo),
 * {@code Ho = (H + 2·pad - k) / stride + 1} (padding never wins the max).
 */
public class MaxPool2d extends Module {
    private final int k;
    private final int stride;
    private final int pad;

    /** Window k, stride k, no padding. */
    public MaxPool2d(int k) {
        this(k, k, 0);
    }

    public MaxPool2d(int k, int stride, int pad) {
        if (k <= 0 || stride <= 0 || pad < 0 || 2 * pad > k) {
            throw new IllegalArgumentException("MaxPool2d: need k > 0, stride > 0 and 0 <= pad <= k/2, got k=" + k
                    + ", stride=" + stride + ", pad=" + pad);
        }
        this.k = k;
        this.stride = stride;
        this.pad = pad;
    }

    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() != 4 || input.shape(2) + 2 * pad < k || input.shape(3) + 2 * pad < k) {
            throw new IllegalArgumentException(describe() + ": input must have shape (N, C, H, W) with H, W >= "
                    + (k - 2 * pad) + ", got " + Arrays.toString(input.shape()));
        }
        return Pooling.maxPool2d(input, k, stride, pad);
    }

    /** @return the window size k (k×k). */
    public int kernel() { return k; }

    public int stride() { return stride; }

    /** @return the padding on every side (padding never wins the max). */
    public int padding() { return pad; }

    @Override
    protected String describe() {
        return "MaxPool2d(" + k + "x" + k + (stride == k ? "" : ", stride " + stride) + (pad == 0 ? "" : ", pad " + pad)
                + ")";
    }
}

package org.fnl4j.ops;

import java.util.Arrays;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.kernel.Pool;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;

/**
 * Differentiable pooling over NCHW tensors on the {@link Pool} kernels. Output extents follow
 * PyTorch's floor mode: {@code out = (in + 2·pad - k) / stride + 1}.
 */
public final class Pooling {
    private Pooling() {}

    /**
     * Max pooling of x (N, C, H, W) with a k×k window -> (N, C, outH, outW). Padding never wins;
     * the gradient goes to the first maximum of each window.
     */
    public static Tensor maxPool2d(Tensor x, int k, int stride, int pad) {
        int[] os = outShape("maxPool2d", x, k, stride, pad);
        int planes = os[0] * os[1], h = x.shape(2), w = x.shape(3);
        Tensor out = Tensor.zeros(os);
        boolean grad = Autograd.needsGrad(x);
        int[] argmax = new int[out.size()];
        Pool.maxForward(planes, h, w, k, stride, pad, x.data(), x.offset(), out.data(), 0, argmax, 0);
        if (!grad) {
            return out;
        }
        int outPlane = os[2] * os[3];
        return Autograd.record("maxPool2d", out,
                () -> Pool.maxBackward(planes, h * w, outPlane, out.grad(), 0, argmax, 0, TapeAccess.gradBuffer(x), 0),
                x);
    }

    /**
     * Average pooling of x (N, C, H, W) with a k×k window -> (N, C, outH, outW); zero padding counts
     * in the divisor k² (PyTorch's default count_include_pad=True).
     */
    public static Tensor avgPool2d(Tensor x, int k, int stride, int pad) {
        int[] os = outShape("avgPool2d", x, k, stride, pad);
        int planes = os[0] * os[1], h = x.shape(2), w = x.shape(3);
        Tensor out = Tensor.zeros(os);
        Pool.avgForward(planes, h, w, k, stride, pad, x.data(), x.offset(), out.data(), 0);
        return Autograd.record("avgPool2d", out,
                () -> Pool.avgBackward(planes, h, w, k, stride, pad, out.grad(), 0, TapeAccess.gradBuffer(x), 0), x);
    }

    /** Mean over each H×W plane: x (N, C, H, W) -> (N, C). */
    public static Tensor globalAvgPool(Tensor x) {
        if (x.dim() != 4) {
            throw new IllegalArgumentException("globalAvgPool: expected input (N,C,H,W), got " + Arrays.toString(x.shape()));
        }
        int planes = x.shape(0) * x.shape(1), plane = x.shape(2) * x.shape(3);
        Tensor out = Tensor.zeros(x.shape(0), x.shape(1));
        Pool.globalAvgForward(planes, plane, x.data(), x.offset(), out.data(), 0);
        return Autograd.record("globalAvgPool", out,
                () -> Pool.globalAvgBackward(planes, plane, out.grad(), 0, TapeAccess.gradBuffer(x), 0), x);
    }

    private static int[] outShape(String op, Tensor x, int k, int stride, int pad) {
        if (x.dim() != 4) {
            throw new IllegalArgumentException(op + ": expected input (N,C,H,W), got " + Arrays.toString(x.shape()));
        }
        if (k < 1 || stride < 1 || pad < 0 || pad > k / 2) {
            throw new IllegalArgumentException(op + ": expected kernel >= 1, stride >= 1 and 0 <= padding <= kernel/2, got kernel="
                    + k + " stride=" + stride + " padding=" + pad);
        }
        int h = x.shape(2), w = x.shape(3);
        if (h + 2 * pad < k || w + 2 * pad < k) {
            throw new IllegalArgumentException(op + ": kernel " + k + " does not fit input " + Arrays.toString(x.shape())
                    + " with padding " + pad);
        }
        return new int[] {x.shape(0), x.shape(1), Pool.outSize(h, k, stride, pad), Pool.outSize(w, k, stride, pad)};
    }
}

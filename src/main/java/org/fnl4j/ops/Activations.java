package org.fnl4j.ops;

import org.fnl4j.autograd.Autograd;
import org.fnl4j.kernel.Elementwise;
import org.fnl4j.kernel.Elementwise.Unary;
import org.fnl4j.kernel.Softmax;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;

/**
 * Differentiable activations, all shape-preserving: relu, gelu (tanh form), tanh, sigmoid,
 * softmax and log-softmax over one axis, and inverted dropout.
 */
public final class Activations {
    private Activations() {}

    /** max(x, 0); the gradient at 0 is 0. */
    public static Tensor relu(Tensor x) {
        return Arith.unary("relu", Unary.RELU, x);
    }

    /** GELU, tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    public static Tensor gelu(Tensor x) {
        return Arith.unary("gelu", Unary.GELU, x);
    }

    /** Hyperbolic tangent. */
    public static Tensor tanh(Tensor x) {
        return Arith.unary("tanh", Unary.TANH, x);
    }

    /** Logistic sigmoid 1 / (1 + e^-x). */
    public static Tensor sigmoid(Tensor x) {
        return Arith.unary("sigmoid", Unary.SIGMOID, x);
    }

    /** Softmax over {@code axis} (negative counts from the end). */
    public static Tensor softmax(Tensor x, int axis) {
        return softmaxImpl("softmax", x, axis, false);
    }

    /** Log-softmax over {@code axis} (negative counts from the end); stable for large inputs. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return softmaxImpl("logSoftmax", x, axis, true);
    }

    private static Tensor softmaxImpl(String name, Tensor x, int axis, boolean log) {
        int[] s = x.shape();
        int ax = Shapes.axis(name, s, axis);
        int outer = 1, inner = 1, len = s[ax];
        for (int d = 0; d < ax; d++) outer *= s[d];
        for (int d = ax + 1; d < s.length; d++) inner *= s[d];
        int rows = outer * inner;
        Tensor out = Tensor.zeros(s);
        float[] y = out.data();
        if (inner == 1) {
            forward(log, x.data(), x.offset(), y, 0, rows, len);
        } else {
            // The kernels work on the last axis: move the axis there and back.
            float[] t = new float[x.size()];
            moveAxis(x.data(), x.offset(), t, outer, len, inner, true);
            forward(log, t, 0, t, 0, rows, len);
            moveAxis(t, 0, y, outer, len, inner, false);
        }
        final int fInner = inner, fOuter = outer;
        return Autograd.record(name, out, () -> {
            if (!x.requiresGrad()) {
                return;
            }
            float[] g = out.grad(), gx = TapeAccess.gradBuffer(x);
            if (fInner == 1) {
                backward(log, y, g, gx, rows, len);
            } else {
                int n = y.length;
                float[] yt = new float[n], gt = new float[n], dt = new float[n];
                moveAxis(y, 0, yt, fOuter, len, fInner, true);
                moveAxis(g, 0, gt, fOuter, len, fInner, true);
                backward(log, yt, gt, dt, rows, len);
                moveAxis(dt, 0, gt, fOuter, len, fInner, false);
                Elementwise.axpy(1f, gt, 0, gx, 0, n);
            }
        }, x);
    }

    private static void forward(boolean log, float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        if (log) {
            Softmax.logSoftmax(x, xOff, y, yOff, rows, cols);
        } else {
            Softmax.softmax(x, xOff, y, yOff, rows, cols);
        }
    }

    private static void backward(boolean log, float[] y, float[] g, float[] gx, int rows, int cols) {
        if (log) {
            Softmax.logSoftmaxBackward(y, 0, g, 0, gx, 0, rows, cols);
        } else {
            Softmax.softmaxBackward(y, 0, g, 0, gx, 0, rows, cols);
        }
    }

    /**
     * Copies between (outer, len, inner) layout and (outer, inner, len) layout: toLast moves the
     * middle axis last, otherwise back.
     */
    private static void moveAxis(float[] src, int srcOff, float[] dst, int outer, int len, int inner, boolean toLast) {
        for (int o = 0; o < outer; o++) {
            int base = o * len * inner;
            for (int a = 0; a < len; a++) {
                for (int i = 0; i < inner; i++) {
                    int mid = base + a * inner + i, last = base + i * len + a;
                    if (toLast) {
                        dst[last] = src[srcOff + mid];
                    } else {
                        dst[mid] = src[srcOff + last];
                    }
                }
            }
        }
    }

    /**
     * Inverted dropout: in training each element is zeroed with probability p and the survivors
     * are scaled by 1/(1-p), so evaluation needs no rescaling; in evaluation (or with p = 0) x is
     * returned unchanged. The mask is drawn from {@code rng} (one {@code nextFloat()} per element,
     * in order), so the same seed replays the same mask.
     *
     * @param p drop probability in [0, 1]
     */
    public static Tensor dropout(Tensor x, float p, Rng rng, boolean training) {
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("dropout: probability p=" + p + " must be in [0, 1]");
        }
        if (!training || p == 0f) {
            return x;
        }
        if (rng == null) {
            throw new IllegalArgumentException("dropout: rng is null in training mode (p=" + p + ", input "
                    + java.util.Arrays.toString(x.shape()) + "); pass a seeded Rng");
        }
        int n = x.size();
        float keep = p == 1f ? 0f : 1f / (1f - p);
        float[] mask = new float[n];
        for (int i = 0; i < n; i++) {
            mask[i] = rng.nextFloat() < p ? 0f : keep;
        }
        Tensor out = Tensor.zeros(x.shape());
        Elementwise.mul(x.data(), x.offset(), mask, 0, out.data(), 0, n);
        return Autograd.record("dropout", out, () -> {
            if (x.requiresGrad()) {
                Elementwise.addMul(out.grad(), 0, mask, 0, TapeAccess.gradBuffer(x), 0, n);
            }
        }, x);
    }
}

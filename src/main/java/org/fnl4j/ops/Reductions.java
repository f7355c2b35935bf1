package org.fnl4j.ops;

import org.fnl4j.autograd.Autograd;
import org.fnl4j.kernel.Elementwise;
import org.fnl4j.kernel.Reduce;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;

/**
 * Differentiable sums and means, over all elements (result: a 0-d scalar tensor) or over one axis
 * (negative axes count from the end; the axis is removed, or kept with size 1 when keepDim).
 */
public final class Reductions {
    private Reductions() {}

    /** Σ x over all elements, as a 0-d tensor. */
    public static Tensor sum(Tensor x) {
        return all("sum", x, 1f);
    }

    /** Mean of all elements, as a 0-d tensor (NaN for an empty tensor). */
    public static Tensor mean(Tensor x) {
        return all("mean", x, 1f / x.size());
    }

    /** Σ x over {@code axis}: (..., A, ...) -> (..., ...) or (..., 1, ...) with keepDim. */
    public static Tensor sum(Tensor x, int axis, boolean keepDim) {
        return overAxis("sum", x, axis, keepDim, false);
    }

    /** Mean of x over {@code axis}: (..., A, ...) -> (..., ...) or (..., 1, ...) with keepDim. */
    public static Tensor mean(Tensor x, int axis, boolean keepDim) {
        return overAxis("mean", x, axis, keepDim, true);
    }

    private static Tensor all(String name, Tensor x, float scale) {
        int n = x.size();
        Tensor out = Tensor.scalar(Reduce.sum(x.data(), x.offset(), n) * scale);
        return Autograd.record(name, out, () -> {
            if (x.requiresGrad()) {
                float[] g = TapeAccess.gradBuffer(x);
                Elementwise.addScalar(out.grad()[0] * scale, g, 0, g, 0, n);
            }
        }, x);
    }

    /** @return the product of shape[from .. to). */
    static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int d = from; d < to; d++) {
            p *= shape[d];
        }
        return p;
    }

    private static Tensor overAxis(String name, Tensor x, int axis, boolean keepDim, boolean mean) {
        int[] s = x.shape();
        int ax = Shapes.axis(name, s, axis);
        final int outer = prod(s, 0, ax), inner = prod(s, ax + 1, s.length), len = s[ax];
        int[] os;
        if (keepDim) {
            os = s.clone();
            os[ax] = 1;
        } else {
            os = new int[s.length - 1];
            for (int d = 0, j = 0; d < s.length; d++) {
                if (d != ax) os[j++] = s[d];
            }
        }
        Tensor out = Tensor.zeros(os);
        float[] o = out.data();
        float[] xd = x.data();
        int xo = x.offset();
        if (inner == 1) {
            Reduce.rowSums(xd, xo, outer, len, o, 0);
        } else {
            for (int i = 0; i < outer; i++) {
                Reduce.colSums(xd, xo + i * len * inner, len, inner, o, i * inner);
            }
        }
        float scale = mean ? 1f / len : 1f;
        if (mean) {
            Elementwise.scale(scale, o, 0, o, 0, o.length);
        }
        return Autograd.record(name, out, () -> {
            if (!x.requiresGrad()) {
                return;
            }
            float[] g = out.grad();
            float[] gx = TapeAccess.gradBuffer(x);
            for (int i = 0; i < outer; i++) {
                if (inner == 1) {
                    Elementwise.addScalar(scale * g[i], gx, i * len, gx, i * len, len);
                } else {
                    for (int a = 0; a < len; a++) {
                        Elementwise.axpy(scale, g, i * inner, gx, (i * len + a) * inner, inner);
                    }
                }
            }
        }, x);
    }
}

package org.fnl4j.ops;

import java.util.Arrays;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.kernel.Elementwise;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;

/**
 * Differentiable shape ops. {@link #reshape} and {@link #flatten} return views that share the
 * input's data, as does {@link #slice} when the slice is contiguous (every dimension before the
 * axis has size 1); {@link #transpose}, {@link #permute}, {@link #concat} and other slices copy.
 * Negative axes count from the end.
 */
public final class Shapes {
    private Shapes() {}

    /** @return axis normalised to [0, rank), or an IllegalArgumentException naming op and shape. */
    static int axis(String op, int[] shape, int axis) {
        int r = shape.length;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape "
                    + Arrays.toString(shape) + " (expected " + -r + " .. " + (r - 1) + ")");
        }
        return a;
    }

    /**
     * The same data viewed with another shape of equal size; one dimension may be -1 (inferred).
     * (..) -> shape.
     */
    public static Tensor reshape(Tensor x, int... shape) {
        int[] s = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: more than one -1 in target shape " + Arrays.toString(shape)
                            + " for input " + Arrays.toString(x.shape()));
                }
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape: negative dimension in target shape " + Arrays.toString(shape)
                        + " for input " + Arrays.toString(x.shape()));
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 in target shape " + Arrays.toString(shape)
                        + " for input " + Arrays.toString(x.shape()) + " (" + x.size() + " elements)");
            }
            s[infer] = (int) (x.size() / known);
            known *= s[infer];
        }
        if (known != x.size()) {
            throw new IllegalArgumentException("reshape: input " + Arrays.toString(x.shape()) + " (" + x.size()
                    + " elements) cannot be viewed as " + Arrays.toString(shape) + " (" + known + " elements)");
        }
        Tensor out = Tensor.wrap(x.data(), x.offset(), s);
        return Autograd.record("reshape", out, () -> {
            if (x.requiresGrad()) {
                Elementwise.axpy(1f, out.grad(), 0, TapeAccess.gradBuffer(x), 0, x.size());
            }
        }, x);
    }

    /** Merges dimensions startDim..end into one: (d0, .., d_start, .., d_last) -> (d0, .., d_start·…·d_last). A view. */
    public static Tensor flatten(Tensor x, int startDim) {
        int[] s = x.shape();
        if (s.length == 0) {
            return reshape(x, 1);
        }
        int a = axis("flatten", s, startDim);
        int[] os = Arrays.copyOf(s, a + 1);
        os[a] = -1;
        if (x.size() == 0) {
            int p = 1;
            for (int d = a; d < s.length; d++) p *= s[d];
            os[a] = p;
        }
        return reshape(x, os);
    }

    /** Swaps two dimensions (copy). */
    public static Tensor transpose(Tensor x, int d0, int d1) {
        int r = x.dim();
        int a = axis("transpose", x.shape(), d0), b = axis("transpose", x.shape(), d1);
        int[] order = new int[r];
        for (int i = 0; i < r; i++) order[i] = i;
        order[a] = b;
        order[b] = a;
        return permuteImpl("transpose", x, order);
    }

    /** Reorders dimensions: output dimension i is input dimension order[i] (copy). */
    public static Tensor permute(Tensor x, int... order) {
        int[] s = x.shape();
        if (order.length != s.length) {
            throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " has " + order.length
                    + " entries but the input shape " + Arrays.toString(s) + " has " + s.length + " dimensions");
        }
        int[] o = new int[order.length];
        boolean[] seen = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            o[i] = axis("permute", s, order[i]);
            if (seen[o[i]]) {
                throw new IllegalArgumentException("permute: order " + Arrays.toString(order)
                        + " is not a permutation of the dimensions of " + Arrays.toString(s));
            }
            seen[o[i]] = true;
        }
        return permuteImpl("permute", x, o);
    }

    private static Tensor permuteImpl(String name, Tensor x, int[] order) {
        int[] s = x.shape();
        int r = s.length;
        int[] inStrides = Broadcast.contiguousStrides(s);
        int[] os = new int[r];
        int[] src = new int[r];
        for (int i = 0; i < r; i++) {
            os[i] = s[order[i]];
            src[i] = inStrides[order[i]];
        }
        Tensor out = Tensor.zeros(os);
        strided(x.data(), x.offset(), src, os, out.data(), false);
        return Autograd.record(name, out, () -> {
            if (x.requiresGrad()) {
                strided(TapeAccess.gradBuffer(x), 0, src, os, out.grad(), true);
            }
        }, x);
    }

    /**
     * Walks the contiguous array {@code dense} (shape shape) together with {@code strided} (start
     * off, strides per dimension of shape): copies strided -> dense, or with {@code scatterAdd}
     * accumulates dense into strided.
     */
    static void strided(float[] strided, int off, int[] strides, int[] shape, float[] dense, boolean scatterAdd) {
        int r = shape.length;
        int total = 1;
        for (int d : shape) total *= d;
        if (total == 0) {
            return;
        }
        if (r == 0) {
            if (scatterAdd) strided[off] += dense[0];
            else dense[0] = strided[off];
            return;
        }
        int n = shape[r - 1], inc = strides[r - 1];
        int[] idx = new int[r - 1];
        int p = off;
        for (int at = 0; at < total; at += n) {
            if (scatterAdd) {
                if (inc == 1) {
                    Elementwise.axpy(1f, dense, at, strided, p, n);
                } else {
                    for (int i = 0, q = p; i < n; i++, q += inc) strided[q] += dense[at + i];
                }
            } else if (inc == 1) {
                System.arraycopy(strided, p, dense, at, n);
            } else {
                for (int i = 0, q = p; i < n; i++, q += inc) dense[at + i] = strided[q];
            }
            for (int d = r - 2; d >= 0; d--) {
                p += strides[d];
                if (++idx[d] < shape[d]) {
                    break;
                }
                p -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    /** Joins tensors along {@code axis}; all other dimensions must match. */
    public static Tensor concat(int axis, Tensor... ts) {
        if (ts.length == 0) {
            throw new IllegalArgumentException("concat: no tensors given");
        }
        int[] s0 = ts[0].shape();
        int ax = axis("concat", s0, axis);
        int total = 0;
        for (Tensor t : ts) {
            int[] s = t.shape();
            boolean ok = s.length == s0.length;
            for (int d = 0; ok && d < s.length; d++) {
                ok = d == ax || s[d] == s0[d];
            }
            if (!ok) {
                throw new IllegalArgumentException("concat: shapes " + Arrays.toString(s0) + " and " + Arrays.toString(s)
                        + " differ outside axis " + axis);
            }
            total += s[ax];
        }
        int outer = 1, inner = 1;
        for (int d = 0; d < ax; d++) outer *= s0[d];
        for (int d = ax + 1; d < s0.length; d++) inner *= s0[d];
        int[] os = s0.clone();
        os[ax] = total;
        Tensor out = Tensor.zeros(os);
        float[] o = out.data();
        int outBlock = total * inner;
        int[] pos = new int[ts.length];
        for (int k = 0, p = 0; k < ts.length; k++) {
            pos[k] = p;
            p += ts[k].shape(ax) * inner;
        }
        for (int k = 0; k < ts.length; k++) {
            Tensor t = ts[k];
            int blk = t.shape(ax) * inner;
            for (int i = 0; i < outer; i++) {
                System.arraycopy(t.data(), t.offset() + i * blk, o, i * outBlock + pos[k], blk);
            }
        }
        final int fOuter = outer, fInner = inner;
        return Autograd.record("concat", out, () -> {
            float[] g = out.grad();
            for (int k = 0; k < ts.length; k++) {
                Tensor t = ts[k];
                if (!t.requiresGrad()) {
                    continue;
                }
                int blk = t.shape(ax) * fInner;
                float[] gt = TapeAccess.gradBuffer(t);
                for (int i = 0; i < fOuter; i++) {
                    Elementwise.axpy(1f, g, i * outBlock + pos[k], gt, i * blk, blk);
                }
            }
        }, ts.clone());
    }

    /** Splits along {@code axis} into pieces of the given sizes, which must add up to that dimension. */
    public static Tensor[] split(Tensor x, int axis, int... sizes) {
        int[] s = x.shape();
        int ax = axis("split", s, axis);
        long sum = 0;
        for (int z : sizes) {
            if (z < 0) {
                throw new IllegalArgumentException("split: negative size in " + Arrays.toString(sizes)
                        + " for shape " + Arrays.toString(s));
            }
            sum += z;
        }
        if (sum != s[ax]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + sum
                    + " but axis " + axis + " of shape " + Arrays.toString(s) + " has " + s[ax]);
        }
        Tensor[] parts = new Tensor[sizes.length];
        for (int k = 0, start = 0; k < sizes.length; k++) {
            parts[k] = sliceImpl("split", x, ax, start, start + sizes[k]);
            start += sizes[k];
        }
        return parts;
    }

    /** x[..., start:end, ...] along {@code axis}, 0 ≤ start ≤ end ≤ dim. */
    public static Tensor slice(Tensor x, int axis, int start, int end) {
        int[] s = x.shape();
        int ax = axis("slice", s, axis);
        if (start < 0 || end < start || end > s[ax]) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") is invalid for axis " + axis
                    + " of shape " + Arrays.toString(s) + " (expected 0 <= start <= end <= " + s[ax] + ")");
        }
        return sliceImpl("slice", x, ax, start, end);
    }

    private static Tensor sliceImpl(String name, Tensor x, int ax, int start, int end) {
        int[] s = x.shape();
        int outer = 1, inner = 1;
        for (int d = 0; d < ax; d++) outer *= s[d];
        for (int d = ax + 1; d < s.length; d++) inner *= s[d];
        int[] os = s.clone();
        os[ax] = end - start;
        int blk = (end - start) * inner, inBlock = s[ax] * inner, first = start * inner;
        Tensor out;
        if (outer == 1) {
            out = Tensor.wrap(x.data(), x.offset() + first, os);
        } else {
            out = Tensor.zeros(os);
            for (int i = 0; i < outer; i++) {
                System.arraycopy(x.data(), x.offset() + i * inBlock + first, out.data(), i * blk, blk);
            }
        }
        final int fOuter = outer;
        return Autograd.record(name, out, () -> {
            if (x.requiresGrad()) {
                float[] g = out.grad(), gx = TapeAccess.gradBuffer(x);
                for (int i = 0; i < fOuter; i++) {
                    Elementwise.axpy(1f, g, i * blk, gx, i * inBlock + first, blk);
                }
            }
        }, x);
    }
}

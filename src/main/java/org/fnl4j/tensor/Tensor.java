package org.fnl4j.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor: a row-major, contiguous block of a {@code float[]} starting at
 * {@link #offset()}, with a shape. Several tensors may share one array (views made by reshape);
 * the values of a tensor are {@code data()[offset() .. offset() + size())}.
 *
 * <p>Autograd state: {@link #requiresGrad()}, the gradient buffer {@link #grad()} (same shape,
 * its own array starting at 0, allocated on first use) and the {@link GradFn} of the op that
 * produced it ({@code null} for leaves such as parameters and inputs). The tape and the ops reach
 * the gradient buffer and the op record through {@link TapeAccess}, which is internal to fnl4j.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int size;
    private float[] grad;
    private boolean requiresGrad;
    private boolean retainGrad;
    private GradFn gradFn;

    private Tensor(float[] data, int offset, int[] shape) {
        this.shape = shape.clone();
        long n = 1;
        for (int d : this.shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor: negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Tensor: shape " + Arrays.toString(shape) + " has " + n
                    + " elements, more than a Java array holds");
        }
        if (offset < 0 || offset + n > data.length) {
            throw new IllegalArgumentException("Tensor: shape " + Arrays.toString(shape) + " at offset " + offset
                    + " needs " + (offset + n) + " elements but the array has " + data.length);
        }
        this.data = data;
        this.offset = offset;
        this.size = (int) n;
    }

    /** A new zero tensor of the given shape. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[checkedSize(shape)], 0, shape);
    }

    /** A new tensor filled with {@code value}. */
    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /** Wraps {@code data} (not copied) as a tensor of the given shape; its length must equal the shape's size. */
    public static Tensor of(float[] data, int... shape) {
        if (data.length != checkedSize(shape)) {
            throw new IllegalArgumentException("Tensor.of: " + data.length + " values do not fill shape "
                    + Arrays.toString(shape) + " (" + checkedSize(shape) + " elements)");
        }
        return new Tensor(data, 0, shape);
    }

    /** Wraps {@code data[offset ..]} (not copied) as a tensor of the given shape. */
    public static Tensor wrap(float[] data, int offset, int... shape) {
        return new Tensor(data, offset, shape);
    }

    /** A 0-dimensional tensor holding {@code value}. */
    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, 0, new int[0]);
    }

    /** Standard-normal samples scaled by {@code std}. */
    public static Tensor randn(Rng rng, float std, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.size; i++) {
            t.data[i] = (float) (rng.nextGaussian() * std);
        }
        return t;
    }

    /** Uniform samples in [lo, hi). */
    public static Tensor uniform(Rng rng, float lo, float hi, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.size; i++) {
            t.data[i] = lo + (hi - lo) * rng.nextFloat();
        }
        return t;
    }

    private static int checkedSize(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor: negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Tensor: shape " + Arrays.toString(shape) + " is too large");
        }
        return (int) n;
    }

    /** @return the backing array (shared, not copied). */
    public float[] data() { return data; }
    /** @return index in {@link #data()} of the first element. */
    public int offset() { return offset; }
    /** @return a copy of the shape. */
    public int[] shape() { return shape.clone(); }
    /** @return size of dimension {@code i}; negative i counts from the end. */
    public int shape(int i) { return shape[i < 0 ? shape.length + i : i]; }
    /** @return number of dimensions. */
    public int dim() { return shape.length; }
    /** @return number of elements. */
    public int size() { return size; }

    /** @return true when this tensor's shape equals {@code other}. */
    public boolean sameShape(int... other) { return Arrays.equals(shape, other); }

    /** @return the element at a multi-index. */
    public float get(int... index) {
        return data[offset + flatIndex(index)];
    }

    /** Sets the element at a multi-index (no autograd). */
    public void set(float value, int... index) {
        data[offset + flatIndex(index)] = value;
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("Tensor.get: " + index.length + " indices for a " + shape.length
                    + "-d tensor of shape " + Arrays.toString(shape));
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("Tensor.get: index " + Arrays.toString(index) + " outside shape "
                        + Arrays.toString(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return flat;
    }

    /** @return the single value of a one-element tensor. */
    public float item() {
        if (size != 1) {
            throw new IllegalStateException("Tensor.item: expected one element, shape is " + Arrays.toString(shape));
        }
        return data[offset];
    }

    /** @return a copy of the values as a new array of length {@link #size()}. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    /** A new tensor with copied values and no autograd history. */
    public Tensor copy() {
        return new Tensor(toArray(), 0, shape);
    }

    /** The same values (shared) with no autograd history and {@code requiresGrad == false}. */
    public Tensor detach() {
        return new Tensor(data, offset, shape);
    }

    /** A view with another shape of the same size, sharing data; no autograd (use the reshape op for that). */
    public Tensor view(int... newShape) {
        if (checkedSize(newShape) != size) {
            throw new IllegalArgumentException("Tensor.view: cannot view shape " + Arrays.toString(shape) + " ("
                    + size + " elements) as " + Arrays.toString(newShape));
        }
        return new Tensor(data, offset, newShape);
    }

    // ---- autograd state -------------------------------------------------------------------

    public boolean requiresGrad() { return requiresGrad; }

    /** Marks a leaf as needing a gradient; returns this. */
    public Tensor requiresGrad(boolean on) {
        this.requiresGrad = on;
        return this;
    }

    /** @return the gradient values (length {@link #size()}, offset 0) or null if none has been computed. */
    public float[] grad() { return grad; }

    /** @return the gradient array, allocated as zeros on first use (possibly a recycled, zeroed array). */
    float[] gradBuffer() {
        if (grad == null) {
            grad = GradPool.take(size);
        }
        return grad;
    }

    /**
     * Drops the gradient and lets a later {@link #gradBuffer()} (of any tensor of the same size)
     * reuse its array. For the tape, which calls it on intermediate tensors once their backward has
     * run: nothing may hold the array afterwards, so {@link #grad()} must not have been kept.
     */
    void recycleGrad() {
        float[] g = grad;
        grad = null;
        if (g != null) {
            GradPool.give(g);
        }
    }

    /** @return the gradient as a tensor of this shape, or null. */
    public Tensor gradTensor() {
        return grad == null ? null : new Tensor(grad, 0, shape);
    }

    /** Replaces the gradient array (length must be {@link #size()}), or drops it with null. */
    public void setGrad(float[] g) {
        if (g != null && g.length != size) {
            throw new IllegalArgumentException("Tensor.setGrad: gradient has " + g.length + " values, tensor "
                    + Arrays.toString(shape) + " has " + size);
        }
        this.grad = g;
    }

    /** Zeroes the gradient in place if it exists. */
    public void zeroGrad() {
        if (grad != null) {
            Arrays.fill(grad, 0f);
        }
    }

    /** Keeps this non-leaf tensor's gradient after backward (leaves always keep theirs). */
    public Tensor retainGrad() {
        this.retainGrad = true;
        return this;
    }

    public boolean retainsGrad() { return retainGrad || gradFn == null; }

    public GradFn gradFn() { return gradFn; }

    /** Set by the autograd when an op records this tensor as its output. */
    void setGradFn(GradFn fn) {
        this.gradFn = fn;
        if (fn != null) {
            this.requiresGrad = true;
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Arrays.toString(shape));
        if (gradFn != null) {
            sb.append(" grad_fn=").append(gradFn.name());
        } else if (requiresGrad) {
            sb.append(" requires_grad");
        }
        sb.append(" [");
        int show = Math.min(size, 8);
        for (int i = 0; i < show; i++) {
            if (i > 0) sb.append(", ");
            sb.append(data[offset + i]);
        }
        if (size > show) sb.append(", ...");
        return sb.append(']').toString();
    }
}

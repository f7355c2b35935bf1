package org.fnl4j.kernel;

/**
 * Reduction kernels over contiguous float runs and row-major (rows × cols) blocks. They allocate
 * nothing and never see a Tensor. {@link #rowSums} and {@link #colSums} <b>accumulate</b> into
 * their output. Scalar and SIMD twins may sum in different orders (so their results differ in the
 * last bits), but each is deterministic: the same inputs give the same bits on every call.
 */
public final class Reduce {
    private static final ReduceKernel IMPL = Kernels.active().reduce();

    private Reduce() {}

    /** @return the implementation in use (SIMD or scalar). */
    public static ReduceKernel impl() {
        return IMPL;
    }

    /** @return Σ x[off .. off+n). */
    public static float sum(float[] x, int off, int n) {
        return IMPL.sum(x, off, n);
    }

    /** @return Σ x[off .. off+n)². */
    public static float sumSquares(float[] x, int off, int n) {
        return IMPL.sumSquares(x, off, n);
    }

    /** @return Σ x·y over n elements. */
    public static float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        return IMPL.dot(x, xOff, y, yOff, n);
    }

    /** @return the largest of n elements ({@code -Infinity} for n = 0). */
    public static float max(float[] x, int off, int n) {
        return IMPL.max(x, off, n);
    }

    /** {@code out[r] += Σ_c x[r, c]}, x a row-major (rows × cols) block. */
    public static void rowSums(float[] x, int off, int rows, int cols, float[] out, int outOff) {
        IMPL.rowSums(x, off, rows, cols, out, outOff);
    }

    /** {@code out[c] += Σ_r x[r, c]}, x a row-major (rows × cols) block. */
    public static void colSums(float[] x, int off, int rows, int cols, float[] out, int outOff) {
        IMPL.colSums(x, off, rows, cols, out, outOff);
    }
}

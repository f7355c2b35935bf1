package org.fnl4j.kernel;

/**
 * The inner loops of the {@link Reduce} family on arrays, offsets and lengths, following {@link Reduce}'s
 * contract: {@link ScalarReduce} is the scalar twin, {@code org.fnl4j.kernel.simd.SimdReduce} the Vector API one.
 */
public interface ReduceKernel {
    /** @return Σ x[off .. off+n), 0 for n = 0. */
    float sum(float[] x, int off, int n);

    /** @return Σ x², 0 for n = 0. */
    float sumSquares(float[] x, int off, int n);

    /** @return Σ x·y, 0 for n = 0. */
    float dot(float[] x, int xOff, float[] y, int yOff, int n);

    /** @return max x, {@code -Infinity} for n = 0 (NaN if any element is NaN). */
    float max(float[] x, int off, int n);

    /** {@code out[r] += Σ_c x[r, c]} for the (rows × cols) block at x[off]; out has length rows at outOff. */
    void rowSums(float[] x, int off, int rows, int cols, float[] out, int outOff);

    /** {@code out[c] += Σ_r x[r, c]} for the (rows × cols) block at x[off]; out has length cols at outOff. */
    void colSums(float[] x, int off, int rows, int cols, float[] out, int outOff);
}

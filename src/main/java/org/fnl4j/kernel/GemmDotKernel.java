package org.fnl4j.kernel;

/**
 * The inner kernel of {@link Gemm}'s dot-product path, for C = A·Bᵀ with A (m×k) and B (n×k) both
 * row-major, so that every element of C is a dot product of two contiguous rows. That is the shape
 * of a weight gradient (dW = dY·colᵀ: a small C, k = batch × pixels), where the broadcast
 * micro-kernel ({@link GemmMicroKernel}) would run with most of its panel columns empty and would
 * first have to gather one operand into k-major panels.
 *
 * <p>A call covers a {@code rows() × cols()} tile of C (or a smaller edge tile) over {@code kc}
 * steps of k and adds <em>lane partials</em> into {@code part}: element (i, j) of the tile owns
 * {@code lanes()} consecutive floats at {@code part[partOff + i*ldp + j*lanes()]}, whose sum is
 * the dot product of A's row i and B's row j over the kc steps. How the products are spread over
 * the lanes depends on kc only, so the result is a function of the shape, never of the thread
 * count. The caller sums the lanes once, after the last k block, which spares a horizontal
 * reduction per block. Implementations: {@link ScalarGemmDotKernel} (one lane) and the Vector API
 * {@code org.fnl4j.kernel.simd.SimdGemmDotKernel}, chosen by {@link Kernels#active()}.
 */
public interface GemmDotKernel {
    /** @return rows of A (and of C) in a full tile */
    int rows();

    /** @return rows of B (columns of C) in a full tile */
    int cols();

    /** @return floats of lane partials per element of C */
    int lanes();

    /**
     * Adds the lane partials of a full tile: for {@code i < rows(), j < cols()}, the products
     * {@code a[aOff + i*lda + p] * b[bOff + j*ldb + p]}, {@code p < kc}, into the lanes of element (i, j).
     */
    void dotAdd(int kc, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] part, int partOff, int ldp);

    /**
     * As {@link #dotAdd} for an edge tile of {@code tileRows ≤ rows()} rows and {@code tileCols ≤ cols()}
     * columns; each element gets exactly the bits it would get inside a full tile.
     */
    void dotAddEdge(int tileRows, int tileCols, int kc, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float[] part, int partOff, int ldp);
}

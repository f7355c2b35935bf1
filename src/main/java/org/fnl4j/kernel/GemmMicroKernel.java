package org.fnl4j.kernel;

/**
 * The register-blocked inner kernel of {@link Gemm}: one {@code mr() × nr()} tile of C from a packed
 * sliver of A and a packed panel of B. Implementations: {@link ScalarGemmKernel} and the Vector API
 * {@code org.fnl4j.kernel.simd.SimdGemmKernel}, chosen by {@link Kernels#select}.
 *
 * <p>Packed layouts (both k-major): the A sliver holds {@code kc × mr()} floats, element (row i, step p)
 * at {@code ap[aOff + p*mr() + i]}; the B panel holds {@code kc × nr()} floats, element (step p,
 * column j) at {@code bp[bOff + p*nr() + j]}. Rows or columns beyond the matrix edge are zero-padded
 * by the packing routine.
 *
 * <p>The product and the update of C are two calls so that the k loop's method holds nothing but
 * the accumulators: with the alpha/beta epilogue inlined into it, C2 ran out of inlining budget and
 * boxed the vectors (2.5 GFLOP/s instead of 100+).
 */
public interface GemmMicroKernel {
    /** @return rows of the C tile (rows of an A sliver) */
    int mr();

    /** @return columns of the C tile (columns of a B panel) */
    int nr();

    /**
     * {@code acc[i*nr() + j] = Σ_{p<kc} ap[aOff+p*mr()+i] * bp[bOff+p*nr()+j]} for {@code i < mr(),
     * j < nr()}, accumulated in increasing p (the SIMD kernel with fused multiply-adds).
     */
    void multiply(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] acc);

    /**
     * {@code C[cOff+i*ldc+j] = alpha*acc[i*nr()+j] + beta*C[cOff+i*ldc+j]} over the full tile, with
     * exactly the rounding of {@link GemmDriver#combine} (the driver uses that for edge tiles, so an
     * element gets the same bits whichever tile it falls in).
     */
    void store(float[] acc, float alpha, float beta, float[] c, int cOff, int ldc);
}

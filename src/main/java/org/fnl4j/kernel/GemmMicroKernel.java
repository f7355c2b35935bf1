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
 */
public interface GemmMicroKernel {
    /** @return rows of the C tile (rows of an A sliver) */
    int mr();

    /** @return columns of the C tile (columns of a B panel) */
    int nr();

    /**
     * For {@code i < mr(), j < nr()}: {@code acc = Σ_{p<kc} ap[aOff+p*mr()+i] * bp[bOff+p*nr()+j]},
     * accumulated in increasing p, then {@code C[cOff+i*ldc+j] = alpha*acc + beta*C[...]}, evaluated
     * as the float product {@code alpha*acc} (skipped when alpha == 1), plus the float product
     * {@code beta*C} (skipped when beta == 1; not evaluated and C not read when beta == 0). The
     * edge path of the driver relies on this exact rounding sequence to give the same bits as a
     * full tile.
     */
    void compute(int kc, float[] ap, int aOff, float[] bp, int bOff, float alpha, float beta,
                 float[] c, int cOff, int ldc);
}

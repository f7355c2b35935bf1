package org.fnl4j.kernel;

/**
 * The register-blocked inner kernel of {@link Gemm}: one {@code mr() × nr()} tile of C from a packed
 * sliver of A and a packed panel of B. Implementations: {@link ScalarGemmKernel} and the Vector API
 * {@code org.fnl4j.kernel.simd.SimdGemmKernel}, chosen by {@link Kernels#active()}.
 *
 * <p>A is read with two strides: element (row i, step p) of the sliver is {@code ap[aOff + p*ks + i*rs]}.
 * A packed sliver (k-major, {@code kc × mr()} floats) has {@code ks = mr(), rs = 1}; the driver also
 * passes A unpacked, straight from the caller's matrix ({@code ks = 1, rs = lda} for a row-major
 * A, {@code ks = lda, rs = 1} for a transposed one), when packing would cost more than it saves.
 * B is read k-major with a step: element (step p, column j) of the panel is {@code bp[bOff + p*bs + j]}.
 * A packed panel ({@code kc × nr()} floats) has {@code bs = nr()}; a full-width panel of a row-major,
 * untransposed B is also read in place ({@code bs = ldb}). Rows or columns beyond the matrix edge
 * are zero-padded by the packing routine.
 *
 * <p>A general alpha/beta update of C is a separate call ({@link #store}) so that the k loop's method
 * holds nothing but the accumulators and plain stores: with the alpha/beta epilogue inlined into it,
 * C2 ran out of inlining budget and boxed the vectors (2.5 GFLOP/s instead of 100+). The common
 * cases C = A·B and C += A·B write C directly.
 */
public interface GemmMicroKernel {
    /** @return rows of the C tile (rows of an A sliver) */
    int mr();

    /** @return columns of the C tile (columns of a B panel) */
    int nr();

    /**
     * {@code out[outOff + i*ldo + j] = acc(i, j)} for {@code i < mr(), j < nr()}, where
     * {@code acc(i, j) = Σ_{p<kc} ap[aOff+p*ks+i*rs] * bp[bOff+p*bs+j]} accumulated in increasing p
     * (the SIMD kernel with fused multiply-adds).
     */
    void multiply(int kc, float[] ap, int aOff, int ks, int rs, float[] bp, int bOff, int bs, float[] out, int outOff, int ldo);

    /**
     * {@code out[outOff + i*ldo + j] += acc(i, j)}, with {@code acc} as in {@link #multiply}; the
     * case alpha = beta = 1 of {@link #store} without the temp tile.
     */
    void multiplyAdd(int kc, float[] ap, int aOff, int ks, int rs, float[] bp, int bOff, int bs, float[] out, int outOff,
                     int ldo);

    /**
     * {@code C[cOff+i*ldc+j] = alpha*acc[i*nr()+j] + beta*C[cOff+i*ldc+j]} over the full tile (acc as
     * written by {@link #multiply} with {@code ldo = nr()}), with
     * exactly the rounding of {@link GemmDriver#combine} (the driver uses that for edge tiles, so an
     * element gets the same bits whichever tile it falls in).
     */
    void store(float[] acc, float alpha, float beta, float[] c, int cOff, int ldc);
}

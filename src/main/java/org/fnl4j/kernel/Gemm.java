package org.fnl4j.kernel;

/**
 * Single-precision general matrix multiply with the BLAS shape:
 * {@code C = alpha * op(A) * op(B) + beta * C}, row-major, op(X) = X or Xᵀ.
 *
 * <p>Shapes: op(A) is m×k, op(B) is k×n, C is m×n. A is stored m×k (lda ≥ k) when not
 * transposed and k×m (lda ≥ m) when transposed; likewise B is k×n (ldb ≥ n) or n×k (ldb ≥ k).
 * Only C is modified. When {@code beta == 0} C is overwritten without being read (NaNs in C do
 * not propagate), as in BLAS.
 *
 * <p>Threads: the number of worker threads comes from the system property {@code fnl4j.threads}
 * (default: available processors); see {@link Parallel}. The work is split in a fixed partition
 * over columns of C and every element of C is reduced over k in the same order whatever the thread
 * count, so a result is bit-identical at any thread count.
 */
public final class Gemm {
    private Gemm() {}

    /**
     * {@code C[cOffset..] = alpha * op(A) * op(B) + beta * C}.
     *
     * @throws IllegalArgumentException on a negative dimension, a leading dimension too small for its
     *         matrix, or an array too short for the offsets and dimensions given
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                             float beta, float[] c, int cOffset, int ldc) {
        checkArgs(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        GemmDriver.INSTANCE.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    static void checkArgs(boolean transA, boolean transB, int m, int n, int k,
                          float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                          float[] c, int cOffset, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: dimensions must be >= 0, got m=" + m + " n=" + n + " k=" + k);
        }
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        checkMatrix("A", a, aOffset, lda, aRows, aCols);
        checkMatrix("B", b, bOffset, ldb, bRows, bCols);
        checkMatrix("C", c, cOffset, ldc, m, n);
    }

    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("sgemm: ld" + name.toLowerCase() + "=" + ld + " is smaller than the "
                    + cols + " columns of " + name + " (" + rows + "x" + cols + " as stored)");
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || x == null || last > x.length) {
            throw new IllegalArgumentException("sgemm: " + name + " (" + rows + "x" + cols + ", ld=" + ld
                    + ", offset=" + off + ") needs " + last + " elements but the array has "
                    + (x == null ? "none (null)" : String.valueOf(x.length)));
        }
    }
}

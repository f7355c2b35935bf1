package org.fnl4j.kernel;

/**
 * Placeholder driver: a correct, unblocked reference GEMM. The packed, blocked, multi-threaded
 * driver replaces it (issue 2).
 */
final class GemmDriver {
    static final GemmDriver INSTANCE = new GemmDriver();

    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc) {
        ScalarGemm.reference(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}

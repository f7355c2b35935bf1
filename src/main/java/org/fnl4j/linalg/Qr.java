package org.fnl4j.linalg;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * QR-based orthonormalization (EJML float32 Householder QR), used for orthogonal initialization.
 */
public final class Qr {
    private Qr() {}

    /**
     * The Q factor of the thin QR decomposition {@code A = Q·R} of a row-major m×n matrix with
     * m ≥ n: an m×n row-major matrix with orthonormal columns spanning the columns of A. Column j is
     * multiplied by sign(R_jj) so that R has a non-negative diagonal; with a Gaussian A this makes Q
     * uniformly (Haar) distributed, as in PyTorch's {@code orthogonal_}. {@code a} is not modified.
     *
     * @throws IllegalArgumentException if m &lt; n or {@code a} is not m·n long
     */
    public static float[] orthonormalColumns(float[] a, int m, int n) {
        Svd.checkMatrix("Qr.orthonormalColumns", a, m, n);
        if (m < n) {
            throw new IllegalArgumentException("Qr.orthonormalColumns: a " + m + "x" + n + " matrix cannot have "
                    + n + " orthonormal columns (needs rows >= columns); use semiOrthogonal for wide matrices");
        }
        FMatrixRMaj mat = new FMatrixRMaj(m, n);
        System.arraycopy(a, 0, mat.data, 0, m * n);
        QRDecomposition<FMatrixRMaj> qr = DecompositionFactory_FDRM.qr(m, n);
        if (!qr.decompose(mat)) {
            throw new ArithmeticException("Qr.orthonormalColumns: EJML's QR failed on a " + m + "x" + n
                    + " matrix (NaN or infinite entries?)");
        }
        FMatrixRMaj q = qr.getQ(null, true);
        FMatrixRMaj r = qr.getR(null, true);
        float[] out = new float[m * n];
        for (int j = 0; j < n; j++) {
            float sign = r.get(j, j) < 0 ? -1f : 1f;
            for (int i = 0; i < m; i++) {
                out[i * n + j] = sign * q.get(i, j);
            }
        }
        return out;
    }

    /**
     * A semi-orthogonal m×n matrix built from {@code a}: orthonormal columns when m ≥ n
     * ({@link #orthonormalColumns}), orthonormal rows (the transpose of the Q of Aᵀ) when m &lt; n.
     */
    public static float[] semiOrthogonal(float[] a, int m, int n) {
        Svd.checkMatrix("Qr.semiOrthogonal", a, m, n);
        if (m >= n) {
            return orthonormalColumns(a, m, n);
        }
        float[] qt = orthonormalColumns(transpose(a, m, n), n, m);
        return transpose(qt, n, m);
    }

    /** @return the n×m transpose of the row-major m×n matrix {@code a}. */
    public static float[] transpose(float[] a, int m, int n) {
        float[] t = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                t[j * m + i] = a[i * n + j];
            }
        }
        return t;
    }
}

package org.fnl4j.linalg;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.SingularOps_FDRM;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F32;

/**
 * A thin singular value decomposition {@code A = U·diag(s)·Vᵀ} of a row-major m×n float matrix,
 * computed with EJML's float32 SVD ({@code DecompositionFactory_FDRM.svd}).
 *
 * <p>Shapes (all row-major): {@code u} is m×p, {@code s} has p values sorted in descending order,
 * {@code v} is n×p, where p = min(m, n). Column i of {@code u} and of {@code v} belong to
 * {@code s[i]}.
 *
 * <p>Signs are made canonical: in each pair (u_i, v_i) the entry of u_i with the largest magnitude
 * (first one on ties) is positive, so the result does not depend on EJML's internal sign choices.
 *
 * <p>Why float32 and not EJML's double SVD: the matrices come from float32 weights, the results go
 * back into float32 factors, and the float decomposition reconstructs its input to about
 * 1e-6·‖A‖ (tested), far below the float32 rounding of the training itself; it also avoids a
 * second EJML artifact and a double copy of every weight. SVDs only run at initialization and
 * model surgery, never per step.
 *
 * @param m rows of A
 * @param n columns of A
 * @param u left singular vectors, m×p row-major
 * @param s singular values, p, descending, non-negative
 * @param v right singular vectors, n×p row-major
 */
public record Svd(int m, int n, float[] u, float[] s, float[] v) {

    /** @return p = min(m, n), the number of singular values. */
    public int p() {
        return s.length;
    }

    /**
     * Thin SVD of the row-major m×n matrix {@code a} (not modified).
     *
     * @throws IllegalArgumentException if the dimensions are not positive or {@code a} is not m·n long
     * @throws ArithmeticException if EJML fails to converge (e.g. NaN or infinite entries)
     */
    public static Svd thin(float[] a, int m, int n) {
        checkMatrix("Svd.thin", a, m, n);
        FMatrixRMaj mat = new FMatrixRMaj(m, n);
        System.arraycopy(a, 0, mat.data, 0, m * n);
        SingularValueDecomposition_F32<FMatrixRMaj> dec = DecompositionFactory_FDRM.svd(m, n, true, true, true);
        if (!dec.decompose(mat)) {
            throw new ArithmeticException("Svd.thin: EJML's SVD did not converge on a " + m + "x" + n
                    + " matrix (NaN or infinite entries?)");
        }
        FMatrixRMaj uMat = dec.getU(null, false);
        FMatrixRMaj wMat = dec.getW(null);
        FMatrixRMaj vMat = dec.getV(null, false);
        SingularOps_FDRM.descendingOrder(uMat, false, wMat, vMat, false);
        int p = Math.min(m, n);
        float[] s = new float[p];
        for (int i = 0; i < p; i++) {
            s[i] = wMat.get(i, i);
        }
        float[] u = new float[m * p];
        float[] v = new float[n * p];
        // Compact EJML results are m×p and n×p already; copy through get() to stay independent of
        // whether EJML returned a wider matrix.
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < p; j++) {
                u[i * p + j] = uMat.get(i, j);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                v[i * p + j] = vMat.get(i, j);
            }
        }
        canonicalSigns(u, m, v, n, p);
        return new Svd(m, n, u, s, v);
    }

    /**
     * Singular values only (descending), cheaper than {@link #thin} because no vectors are formed.
     */
    public static float[] singularValues(float[] a, int m, int n) {
        checkMatrix("Svd.singularValues", a, m, n);
        FMatrixRMaj mat = new FMatrixRMaj(m, n);
        System.arraycopy(a, 0, mat.data, 0, m * n);
        SingularValueDecomposition_F32<FMatrixRMaj> dec = DecompositionFactory_FDRM.svd(m, n, false, false, true);
        if (!dec.decompose(mat)) {
            throw new ArithmeticException("Svd.singularValues: EJML's SVD did not converge on a " + m + "x" + n
                    + " matrix (NaN or infinite entries?)");
        }
        float[] raw = dec.getSingularValues();
        int p = Math.min(m, n);
        float[] s = new float[p];
        System.arraycopy(raw, 0, s, 0, p);
        java.util.Arrays.sort(s);
        for (int i = 0; i < p / 2; i++) {
            float t = s[i];
            s[i] = s[p - 1 - i];
            s[p - 1 - i] = t;
        }
        return s;
    }

    /**
     * The leading min(r, m, n) singular values (descending) of the product {@code U·Vᵀ} of a
     * row-major m×r {@code u} and r×n {@code vt}, without forming the m×n product when r is the
     * smaller size: with thin QRs U = Q_U·R_U and V = Q_V·R_V, the product's singular values are
     * those of the r×r matrix R_U·R_Vᵀ. The remaining singular values of U·Vᵀ are zero.
     */
    public static float[] productSingularValues(float[] u, int m, int r, float[] vt, int n) {
        checkMatrix("Svd.productSingularValues (U)", u, m, r);
        checkMatrix("Svd.productSingularValues (Vᵀ)", vt, r, n);
        if (r >= Math.min(m, n)) {
            float[] w = new float[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k < r; k++) {
                        s += (double) u[i * r + k] * vt[k * n + j];
                    }
                    w[i * n + j] = (float) s;
                }
            }
            return singularValues(w, m, n);
        }
        float[] ru = triangularFactor(u, m, r);
        float[] rv = triangularFactor(Qr.transpose(vt, r, n), n, r);
        float[] core = new float[r * r];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                double s = 0;
                for (int k = 0; k < r; k++) {
                    s += (double) ru[i * r + k] * rv[j * r + k];
                }
                core[i * r + j] = (float) s;
            }
        }
        return singularValues(core, r, r);
    }

    /** R = Qᵀ·A (r×r) for a tall m×r matrix A with orthonormal Q from {@link Qr#orthonormalColumns}. */
    private static float[] triangularFactor(float[] a, int m, int r) {
        float[] q = Qr.orthonormalColumns(a, m, r);
        float[] out = new float[r * r];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                double s = 0;
                for (int k = 0; k < m; k++) {
                    s += (double) q[k * r + i] * a[k * r + j];
                }
                out[i * r + j] = (float) s;
            }
        }
        return out;
    }

    /** @return the leading r columns of {@code u}, m×r row-major (r ≤ p). */
    public float[] uColumns(int r) {
        return leadingColumns(u, m, p(), r, "uColumns");
    }

    /** @return the leading r columns of {@code v}, n×r row-major (r ≤ p). */
    public float[] vColumns(int r) {
        return leadingColumns(v, n, p(), r, "vColumns");
    }

    /**
     * The best rank-r approximation {@code Σ_{i<r} s_i·u_i·v_iᵀ}, m×n row-major (accumulated in double).
     * r is clamped to p.
     */
    public float[] reconstruct(int r) {
        int p = p();
        int k = Math.max(0, Math.min(r, p));
        float[] out = new float[m * n];
        double[] row = new double[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(row, 0);
            for (int t = 0; t < k; t++) {
                double ui = (double) u[i * p + t] * s[t];
                if (ui == 0) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    row[j] += ui * v[j * p + t];
                }
            }
            for (int j = 0; j < n; j++) {
                out[i * n + j] = (float) row[j];
            }
        }
        return out;
    }

    private static float[] leadingColumns(float[] x, int rows, int p, int r, String what) {
        if (r < 0 || r > p) {
            throw new IllegalArgumentException("Svd." + what + ": asked for " + r + " columns, the SVD has p=" + p);
        }
        float[] out = new float[rows * r];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(x, i * p, out, i * r, r);
        }
        return out;
    }

    private static void canonicalSigns(float[] u, int m, float[] v, int n, int p) {
        for (int j = 0; j < p; j++) {
            int best = 0;
            float bestAbs = -1;
            for (int i = 0; i < m; i++) {
                float a = Math.abs(u[i * p + j]);
                if (a > bestAbs) {
                    bestAbs = a;
                    best = i;
                }
            }
            if (u[best * p + j] < 0) {
                for (int i = 0; i < m; i++) {
                    u[i * p + j] = -u[i * p + j];
                }
                for (int i = 0; i < n; i++) {
                    v[i * p + j] = -v[i * p + j];
                }
            }
        }
    }

    static void checkMatrix(String op, float[] a, int m, int n) {
        if (m < 1 || n < 1) {
            throw new IllegalArgumentException(op + ": matrix dimensions must be >= 1, got " + m + "x" + n);
        }
        if (a == null || a.length != (long) m * n) {
            throw new IllegalArgumentException(op + ": a " + m + "x" + n + " matrix needs " + ((long) m * n)
                    + " values, got " + (a == null ? "null" : String.valueOf(a.length)));
        }
    }
}

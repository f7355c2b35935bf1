package org.fnl4j.init;

import org.fnl4j.linalg.Svd;

/**
 * Spectral initialization (SI) of a factorized layer (Khodak et al., ICLR 2021): take a sample W
 * of the dense layer's standard init, compute its thin SVD {@code W = A·Σ·Bᵀ}
 * ({@link Svd#thin}, EJML), and set {@code U = A_r·√Σ_r}, {@code V = B_r·√Σ_r}. Then
 * {@code U·Vᵀ} is the best rank-r approximation of W (Eckart–Young: the Frobenius error is
 * √(Σ_{i>r} σ_i²)) and the factors are balanced: {@code UᵀU = VᵀV = Σ_r}.
 *
 * <p><b>Rank above min(m, n)</b> (overcomplete, ratio s &gt; 1): W has only p = min(m, n) singular
 * triples, so columns p..r−1 of U and V are <b>zero</b>, as in the paper's reference code. Such a
 * column pair stays zero for ever under gradient descent, with or without Frobenius decay (the
 * gradient of a zero column pair is zero), so an overcomplete layer initialized spectrally
 * behaves exactly like the rank-p one. Use SI for s ≤ 1 (including the deep U·M·Vᵀ form at
 * r = min(m, n), whose middle M starts at I); overcomplete products should use the default
 * (independent Kaiming) init. {@link Factors#deadColumns()} reports how many columns are zero.
 *
 * <p>All matrices are row-major float arrays.
 */
public final class SpectralInit {
    private SpectralInit() {}

    /**
     * Spectrally initialized factors of an m×n matrix at rank r.
     *
     * @param m rows of W
     * @param n columns of W
     * @param r rank (number of columns of U and V)
     * @param u m×r, {@code A_r·√Σ_r}
     * @param v n×r, {@code B_r·√Σ_r} (so the second factor as stored in a layer is {@link #vt()})
     * @param sigma all p = min(m, n) singular values of W, descending
     */
    public record Factors(int m, int n, int r, float[] u, float[] v, float[] sigma) {
        /** @return Vᵀ, r×n row-major. */
        public float[] vt() {
            float[] t = new float[r * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < r; j++) {
                    t[j * n + i] = v[i * r + j];
                }
            }
            return t;
        }

        /** @return the number of zero column pairs, max(0, r − min(m, n)). */
        public int deadColumns() {
            return Math.max(0, r - sigma.length);
        }

        /** @return √(Σ_{i≥r} σ_i²): the Frobenius distance between W and U·Vᵀ (Eckart–Young). */
        public double truncationError() {
            double s = 0;
            for (int i = r; i < sigma.length; i++) {
                s += (double) sigma[i] * sigma[i];
            }
            return Math.sqrt(s);
        }
    }

    /**
     * SI of the row-major m×n matrix {@code w} (not modified) at rank r ≥ 1.
     *
     * @throws IllegalArgumentException if r &lt; 1 or {@code w} is not m·n long
     */
    public static Factors factorize(float[] w, int m, int n, int r) {
        if (r < 1) {
            throw new IllegalArgumentException("SpectralInit.factorize: rank must be >= 1, got " + r + " for a "
                    + m + "x" + n + " matrix");
        }
        Svd svd = Svd.thin(w, m, n);
        int p = svd.p();
        int keep = Math.min(r, p);
        float[] u = new float[m * r];
        float[] v = new float[n * r];
        for (int j = 0; j < keep; j++) {
            float root = (float) Math.sqrt(svd.s()[j]);
            for (int i = 0; i < m; i++) {
                u[i * r + j] = svd.u()[i * p + j] * root;
            }
            for (int i = 0; i < n; i++) {
                v[i * r + j] = svd.v()[i * p + j] * root;
            }
        }
        return new Factors(m, n, r, u, v, svd.s());
    }
}

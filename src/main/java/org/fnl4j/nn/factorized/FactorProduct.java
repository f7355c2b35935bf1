package org.fnl4j.nn.factorized;

/**
 * A batch of {@code batch} matrix products {@code W_b = U_b·M_b·V_bᵀ} (or {@code U_b·V_bᵀ} when
 * {@code middle} is null) whose factors live in parameter tensors. Shapes: U_b is m×r, M_b is r×r,
 * V_bᵀ is r×n, so each W_b is m×n. Attention layers use batch = heads; every other layer batch = 1.
 *
 * <p>This is what {@code org.fnl4j.regularize.FrobeniusDecay} works on: it reads the factors
 * through the views and adds the gradient of (λ/2)·Σ_b ‖W_b‖²_F to their gradient buffers with
 * r×r Gram matrices, never forming W_b.
 *
 * @param batch number of products
 * @param m rows of each product
 * @param r inner dimension (rank)
 * @param n columns of each product
 * @param u U_b, logical m×r
 * @param middle M_b, logical r×r, or null for two factors
 * @param vt V_bᵀ, logical r×n
 */
public record FactorProduct(int batch, int m, int r, int n, MatrixView u, MatrixView middle, MatrixView vt) {

    public FactorProduct {
        if (batch < 1 || m < 1 || r < 1 || n < 1) {
            throw new IllegalArgumentException("FactorProduct: batch, m, r, n must be >= 1, got batch=" + batch
                    + " m=" + m + " r=" + r + " n=" + n);
        }
        check("U", u, m, r, batch);
        if (middle != null) {
            check("M", middle, r, r, batch);
        }
        check("Vᵀ", vt, r, n, batch);
    }

    /** A single two-factor product U (m×r, row-major tensor) · Vᵀ (r×n, row-major tensor). */
    public static FactorProduct of(org.fnl4j.tensor.Tensor u, org.fnl4j.tensor.Tensor vt, int m, int r, int n) {
        return new FactorProduct(1, m, r, n, MatrixView.whole(u, r), null, MatrixView.whole(vt, n));
    }

    private static void check(String name, MatrixView v, int rows, int cols, int batch) {
        int storedRows = v.transposed() ? cols : rows;
        int storedCols = v.transposed() ? rows : cols;
        if (v.ld() < storedCols) {
            throw new IllegalArgumentException("FactorProduct: " + name + " (" + rows + "x" + cols + (v.transposed()
                    ? ", stored transposed" : "") + ") has ld=" + v.ld() + " < " + storedCols + " stored columns");
        }
        long last = v.offset() + (long) (batch - 1) * v.batchStride() + (long) (storedRows - 1) * v.ld() + storedCols;
        if (v.offset() < 0 || last > v.tensor().size()) {
            throw new IllegalArgumentException("FactorProduct: " + name + " batch of " + batch + " " + rows + "x" + cols
                    + " matrices needs " + last + " elements, its tensor " + java.util.Arrays.toString(v.tensor().shape())
                    + " has " + v.tensor().size());
        }
    }
}

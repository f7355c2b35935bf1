package org.fnl4j.linalg;

import java.util.Arrays;

/**
 * A Tucker decomposition {@code T ≈ G ×₁ A₁ ×₂ A₂ … ×_N A_N} of an N-way row-major tensor, computed
 * by the truncated higher-order SVD (HOSVD): A_k holds the leading r_k left singular vectors of the
 * mode-k unfolding of T, and the core is {@code G = T ×₁ A₁ᵀ … ×_N A_Nᵀ}.
 *
 * <p>Shapes: {@code dims} = (d₁..d_N); {@code ranks} = (r₁..r_N) with 1 ≤ r_k ≤ d_k;
 * {@code core} is r₁×…×r_N row-major; {@code factors[k]} is d_k×r_k row-major with orthonormal
 * columns. When every r_k = d_k the reconstruction is exact (up to float rounding).
 *
 * @param dims tensor dimensions
 * @param ranks multilinear ranks
 * @param core the core tensor G, row-major over ranks
 * @param factors the factor matrices A_k, each d_k×r_k row-major
 */
public record Tucker(int[] dims, int[] ranks, float[] core, float[][] factors) {

    /**
     * Truncated HOSVD of the row-major tensor {@code t} of shape {@code dims} at the given ranks
     * (each clamped to [1, d_k]). {@code t} is not modified.
     */
    public static Tucker hosvd(float[] t, int[] dims, int[] ranks) {
        checkTensor("Tucker.hosvd", t, dims);
        if (ranks.length != dims.length) {
            throw new IllegalArgumentException("Tucker.hosvd: " + ranks.length + " ranks for a " + dims.length
                    + "-way tensor of shape " + Arrays.toString(dims));
        }
        int n = dims.length;
        int[] r = new int[n];
        float[][] factors = new float[n][];
        for (int k = 0; k < n; k++) {
            r[k] = Math.max(1, Math.min(ranks[k], dims[k]));
            int cols = t.length / dims[k];
            float[] unfold = unfold(t, dims, k);
            Svd svd = Svd.thin(unfold, dims[k], cols);
            float[] a = new float[dims[k] * r[k]];
            int keep = Math.min(r[k], svd.p());
            for (int i = 0; i < dims[k]; i++) {
                System.arraycopy(svd.u(), i * svd.p(), a, i * r[k], keep);
            }
            factors[k] = a;
        }
        float[] core = t.clone();
        int[] shape = dims.clone();
        for (int k = 0; k < n; k++) {
            core = modeProduct(core, shape, k, factors[k], dims[k], r[k], true);
            shape[k] = r[k];
        }
        return new Tucker(dims.clone(), r, core, factors);
    }

    /** @return the reconstructed tensor {@code G ×₁ A₁ … ×_N A_N}, row-major of shape {@code dims}. */
    public float[] reconstruct() {
        float[] x = core.clone();
        int[] shape = ranks.clone();
        for (int k = 0; k < dims.length; k++) {
            x = modeProduct(x, shape, k, factors[k], dims[k], ranks[k], false);
            shape[k] = dims[k];
        }
        return x;
    }

    /** @return the number of stored values: core plus all factor matrices. */
    public long parameterCount() {
        long c = core.length;
        for (float[] f : factors) {
            c += f.length;
        }
        return c;
    }

    /**
     * Mode-k unfolding: a d_k × (size/d_k) row-major matrix whose row i holds every entry with index
     * i along mode k, other modes in row-major order.
     */
    public static float[] unfold(float[] t, int[] dims, int k) {
        int pre = 1, post = 1;
        for (int i = 0; i < k; i++) pre *= dims[i];
        for (int i = k + 1; i < dims.length; i++) post *= dims[i];
        int dk = dims[k];
        float[] out = new float[t.length];
        int cols = pre * post;
        for (int a = 0; a < pre; a++) {
            for (int i = 0; i < dk; i++) {
                System.arraycopy(t, (a * dk + i) * post, out, i * cols + a * post, post);
            }
        }
        return out;
    }

    /**
     * Mode-k product of the row-major tensor x (shape {@code shape}, mode k of size
     * {@code transpose ? rows : cols}) with the rows×cols matrix m: with {@code transpose} it
     * contracts mode k with mᵀ (size rows → cols), otherwise with m (size cols → rows).
     * Accumulates in double.
     */
    static float[] modeProduct(float[] x, int[] shape, int k, float[] m, int rows, int cols, boolean transpose) {
        int pre = 1, post = 1;
        for (int i = 0; i < k; i++) pre *= shape[i];
        for (int i = k + 1; i < shape.length; i++) post *= shape[i];
        int in = transpose ? rows : cols;
        int outK = transpose ? cols : rows;
        if (shape[k] != in) {
            throw new IllegalArgumentException("Tucker.modeProduct: mode " + k + " of shape " + Arrays.toString(shape)
                    + " has size " + shape[k] + ", the matrix expects " + in);
        }
        float[] out = new float[pre * outK * post];
        double[] acc = new double[post];
        for (int a = 0; a < pre; a++) {
            for (int j = 0; j < outK; j++) {
                Arrays.fill(acc, 0);
                for (int i = 0; i < in; i++) {
                    double w = transpose ? m[i * cols + j] : m[j * cols + i];
                    if (w == 0) {
                        continue;
                    }
                    int base = (a * in + i) * post;
                    for (int b = 0; b < post; b++) {
                        acc[b] += w * x[base + b];
                    }
                }
                int ob = (a * outK + j) * post;
                for (int b = 0; b < post; b++) {
                    out[ob + b] = (float) acc[b];
                }
            }
        }
        return out;
    }

    static void checkTensor(String op, float[] t, int[] dims) {
        if (dims.length < 1) {
            throw new IllegalArgumentException(op + ": a tensor needs at least one dimension");
        }
        long size = 1;
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException(op + ": dimensions must be >= 1, got " + Arrays.toString(dims));
            }
            size *= d;
        }
        if (t == null || t.length != size) {
            throw new IllegalArgumentException(op + ": shape " + Arrays.toString(dims) + " needs " + size
                    + " values, got " + (t == null ? "null" : String.valueOf(t.length)));
        }
    }
}

package org.fnl4j.linalg;

import java.util.Arrays;

/**
 * A tensor-train (TT, matrix product state) decomposition of an N-way row-major tensor,
 * computed by TT-SVD (Oseledets 2011): sequential truncated SVDs of reshaped remainders.
 *
 * <p>Shapes: {@code dims} = (d₁..d_N); {@code ranks} has N+1 entries with
 * {@code ranks[0] = ranks[N] = 1}; core k is {@code ranks[k] × d_k × ranks[k+1]} row-major, and
 * {@code T[i₁..i_N] = G₁[:, i₁, :]·G₂[:, i₂, :]···G_N[:, i_N, :]}. Inner ranks are clamped to what
 * the tensor can carry ({@code ranks[k] ≤ min(d₁⋯d_k, d_{k+1}⋯d_N)}); at those maximal ranks the
 * reconstruction is exact up to float rounding.
 *
 * @param dims tensor dimensions
 * @param ranks the N+1 TT ranks, first and last 1
 * @param cores the N cores, core k of shape ranks[k]×dims[k]×ranks[k+1]
 */
public record TensorTrain(int[] dims, int[] ranks, float[][] cores) {

    /**
     * TT-SVD of the row-major tensor {@code t} of shape {@code dims} with the N−1 inner ranks
     * {@code innerRanks} (each clamped to [1, max feasible]). {@code t} is not modified.
     * The singular values of each step are folded into the next remainder, so cores 1..N−1 have
     * orthonormal unfoldings (left-orthogonal TT).
     */
    public static TensorTrain ttSvd(float[] t, int[] dims, int[] innerRanks) {
        Tucker.checkTensor("TensorTrain.ttSvd", t, dims);
        int n = dims.length;
        if (innerRanks.length != n - 1) {
            throw new IllegalArgumentException("TensorTrain.ttSvd: a " + n + "-way tensor of shape "
                    + Arrays.toString(dims) + " needs " + (n - 1) + " inner ranks, got " + innerRanks.length);
        }
        int[] r = new int[n + 1];
        r[0] = 1;
        r[n] = 1;
        float[][] cores = new float[n][];
        float[] rest = t.clone();
        long remaining = t.length;
        for (int k = 0; k < n - 1; k++) {
            int rows = r[k] * dims[k];
            int cols = (int) (remaining / dims[k]);
            // rest holds an (r[k]·d_k) × (d_{k+1}⋯d_N) matrix, row-major.
            Svd svd = Svd.thin(rest, rows, cols);
            int keep = Math.max(1, Math.min(innerRanks[k], svd.p()));
            r[k + 1] = keep;
            float[] core = new float[rows * keep];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(svd.u(), i * svd.p(), core, i * keep, keep);
            }
            cores[k] = core;
            float[] next = new float[keep * cols];
            for (int j = 0; j < keep; j++) {
                float sj = svd.s()[j];
                for (int c = 0; c < cols; c++) {
                    next[j * cols + c] = sj * svd.v()[c * svd.p() + j];
                }
            }
            rest = next;
            remaining = cols;
        }
        cores[n - 1] = rest;
        return new TensorTrain(dims.clone(), r, cores);
    }

    /** @return the reconstructed tensor, row-major of shape {@code dims} (accumulated in double). */
    public float[] reconstruct() {
        // Left to right: acc is a (d₁⋯d_k) × r_{k+1} matrix.
        double[] acc = new double[dims[0] * ranks[1]];
        for (int i = 0; i < acc.length; i++) {
            acc[i] = cores[0][i];
        }
        int lead = dims[0];
        for (int k = 1; k < dims.length; k++) {
            int rk = ranks[k], dk = dims[k], rn = ranks[k + 1];
            double[] next = new double[lead * dk * rn];
            float[] g = cores[k];
            for (int a = 0; a < lead; a++) {
                for (int q = 0; q < rk; q++) {
                    double v = acc[a * rk + q];
                    if (v == 0) {
                        continue;
                    }
                    for (int i = 0; i < dk; i++) {
                        int gb = (q * dk + i) * rn;
                        int ob = (a * dk + i) * rn;
                        for (int b = 0; b < rn; b++) {
                            next[ob + b] += v * g[gb + b];
                        }
                    }
                }
            }
            acc = next;
            lead *= dk;
        }
        float[] out = new float[acc.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) acc[i];
        }
        return out;
    }

    /** @return the number of stored values in all cores. */
    public long parameterCount() {
        long c = 0;
        for (float[] g : cores) {
            c += g.length;
        }
        return c;
    }
}

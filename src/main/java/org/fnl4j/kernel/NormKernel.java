package org.fnl4j.kernel;

/**
 * The memory-bound inner loops of batch and layer normalization, each on one contiguous span of
 * {@code len} floats. {@link Norm} drives them; {@link ScalarNorm} is the scalar twin and
 * {@code org.fnl4j.kernel.simd.SimdNorm} the Vector API implementation, chosen by
 * {@link Kernels#active()}. Partial sums come back in double so that {@link Norm} can combine many
 * spans without float32 drift.
 */
public interface NormKernel {
    /** @return Σ x[off .. off+len). */
    double sum(float[] x, int off, int len);

    /** @return Σ (x[i] - mean)² over the span. */
    double sumSqDiff(float[] x, int off, int len, float mean);

    /** y[i] = a·x[i] + b (overwrites y). */
    void affine(float[] x, int xOff, float[] y, int yOff, int len, float a, float b);

    /**
     * y[i] = a·x[i] + b, then {@code + r[i]} when r is not null, then {@code max(·, 0)} when relu
     * (overwrites y): {@link #affine}, the residual sum and the ReLU in one pass over the span, each
     * element getting the same operations in the same order as the three separate loops.
     */
    void affineAddRelu(float[] x, int xOff, float[] r, int rOff, boolean relu, float[] y, int yOff, int len,
                       float a, float b);

    /** acc[0] += Σ dy[i]; acc[1] += Σ dy[i]·(x[i] - mean). */
    void sumAndDotCentered(float[] dy, int dyOff, float[] x, int xOff, int len, float mean, double[] acc);

    /**
     * The gradient behind a ReLU and its batch-norm sums, in one pass over the span:
     * g[i] = 0 + (y[i] &gt; 0 ? dy[i] : 0) (overwritten; y is the ReLU's output), then
     * dr[i] += g[i] when dr is not null, then acc[0] += Σ g[i] and acc[1] += Σ g[i]·(x[i] - mean)
     * as {@link #sumAndDotCentered} sums them.
     */
    void reluGradSums(float[] dy, int dyOff, float[] y, int yOff, float[] g, int gOff, float[] dr, int drOff,
                      float[] x, int xOff, int len, float mean, double[] acc);

    /** dx[i] += p·dy[i] + q·x[i] + r. */
    void accumulateLinear(float[] dy, int dyOff, float[] x, int xOff, float[] dx, int dxOff, int len,
                          float p, float q, float r);

    /** y[i] = (x[i] - mean)·invStd·gamma[i] + beta[i] (overwrites y). */
    void normalizeAffine(float[] x, int xOff, float[] gamma, int gOff, float[] beta, int bOff,
                         float[] y, int yOff, int len, float mean, float invStd);

    /**
     * One layer-norm row of the backward pass, first half: with xhat = (x - mean)·invStd and
     * g = dy·gamma, acc[0] += Σ g, acc[1] += Σ g·xhat, and (each when not null)
     * dgamma[i] += dy[i]·xhat[i], dbeta[i] += dy[i] (dgamma, dbeta at offset 0).
     */
    void layerNormBackwardRow(float[] x, int xOff, float[] dy, int dyOff, float[] gamma, int gOff,
                              int len, float mean, float invStd, float[] dgamma, float[] dbeta, double[] acc);

    /** Second half: dx[i] += invStd·(dy[i]·gamma[i] - c1 - xhat[i]·c2). */
    void layerNormBackwardApply(float[] x, int xOff, float[] dy, int dyOff, float[] gamma, int gOff,
                                float[] dx, int dxOff, int len, float mean, float invStd, float c1, float c2);
}

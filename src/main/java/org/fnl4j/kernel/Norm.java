package org.fnl4j.kernel;

/**
 * Batch and layer normalization kernels (float32, row-major), built on the span loops of
 * {@link NormKernel} (Vector API when {@link Kernels#simdActive()}, else {@link ScalarNorm}).
 *
 * <p>Batch norm sees its input as (n, c, s): n samples, c channels, s = H·W positions per channel
 * (s = 1 for an (N, C) input); statistics are per channel over n·s values. Layer norm sees its
 * input as (rows, d) and normalizes each row. Forward kernels overwrite their outputs; gradient
 * outputs <b>accumulate</b> ({@code +=}). Sums are combined in double in a fixed order.
 */
public final class Norm {
    static final NormKernel IMPL = Kernels.active().norm();

    private Norm() {}

    /** @return Σ x[off .. off+len) (double accumulation of the kernel's partial sums). */
    public static double sum(float[] x, int off, int len) {
        return IMPL.sum(x, off, len);
    }

    /**
     * Per-channel mean and biased variance of x (n, c, s) at xOff into mean[0..c) and var[0..c)
     * (overwritten). Two passes (mean, then squared deviations) for accuracy.
     */
    public static void batchStats(float[] x, int xOff, int n, int c, int s, float[] mean, float[] var) {
        forRanges(c, (long) n * c * s, (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                channelStats(x, xOff, n, c, s, ch, mean, var);
            }
        });
    }

    /** mean[ch] and var[ch] of channel ch of x (n, c, s): the mean, then the squared deviations from it. */
    private static void channelStats(float[] x, int xOff, int n, int c, int s, int ch, float[] mean, float[] var) {
        double count = (double) n * s;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += IMPL.sum(x, xOff + (i * c + ch) * s, s);
        }
        float m = (float) (sum / count);
        double sq = 0;
        for (int i = 0; i < n; i++) {
            sq += IMPL.sumSqDiff(x, xOff + (i * c + ch) * s, s, m);
        }
        mean[ch] = m;
        var[ch] = (float) (sq / count);
    }

    /**
     * Training-mode batch norm in one sweep over the channels: {@link #batchStats} of x (n, c, s) at
     * xOff into mean[0..c) and var[0..c), invStd[ch] = 1/√(var[ch] + eps), then the normalization with
     * the optional residual r and ReLU of {@link #batchNormForward(float[], int, int, int, int, float[],
     * float[], float[], int, float[], int, float[], int, boolean, float[], int)} into y, one channel at a
     * time, so the channel's n·s values are still in cache from the statistics when they are
     * normalized. The same float operations in the same order as those separate calls: the same bits.
     */
    public static void batchNormTrainForward(float[] x, int xOff, int n, int c, int s, float eps,
                                             float[] gamma, int gOff, float[] beta, int bOff, float[] r, int rOff,
                                             boolean relu, float[] y, int yOff, float[] mean, float[] var, float[] invStd) {
        forRanges(c, (long) n * c * s, (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                channelStats(x, xOff, n, c, s, ch, mean, var);
                float m = mean[ch], is = (float) (1.0 / Math.sqrt(var[ch] + (double) eps));
                invStd[ch] = is;
                float a = is * (gamma == null ? 1f : gamma[gOff + ch]);
                float b = (beta == null ? 0f : beta[bOff + ch]) - m * a;
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * s;
                    IMPL.affineAddRelu(x, xOff + o, r, r == null ? 0 : rOff + o, relu, y, yOff + o, s, a, b);
                }
            }
        });
    }

    /**
     * y = (x - mean[ch])·invStd[ch]·gamma[ch] + beta[ch] for x, y of shape (n, c, s); gamma (at gOff)
     * and beta (at bOff) may be null, meaning 1 and 0.
     */
    public static void batchNormForward(float[] x, int xOff, int n, int c, int s, float[] mean, float[] invStd,
                                        float[] gamma, int gOff, float[] beta, int bOff, float[] y, int yOff) {
        batchNormForward(x, xOff, n, c, s, mean, invStd, gamma, gOff, beta, bOff, null, 0, false, y, yOff);
    }

    /**
     * The batch norm of {@link #batchNormForward(float[], int, int, int, int, float[], float[], float[], int,
     * float[], int, float[], int)} followed, on each span while it is in L1, by {@code + residual}
     * (r of shape (n, c, s) at rOff, or null) and {@code max(·, 0)} when {@code relu}: the same
     * arithmetic, in the same order, as the three separate ops, in one pass over memory.
     */
    public static void batchNormForward(float[] x, int xOff, int n, int c, int s, float[] mean, float[] invStd,
                                        float[] gamma, int gOff, float[] beta, int bOff, float[] r, int rOff,
                                        boolean relu, float[] y, int yOff) {
        float[] a = new float[c], b = new float[c];
        affineOf(c, mean, invStd, gamma, gOff, beta, bOff, a, b);
        forRanges(c, (long) n * c * s, (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * s;
                    IMPL.affineAddRelu(x, xOff + o, r, r == null ? 0 : rOff + o, relu, y, yOff + o, s, a[ch], b[ch]);
                }
            }
        });
    }

    /**
     * The per-channel affine map batch norm applies, y = scale·x + shift: scale[ch] =
     * invStd[ch]·gamma[ch] and shift[ch] = beta[ch] − mean[ch]·scale[ch] (gamma and beta may be
     * null, meaning 1 and 0), into scale[0..c) and shift[0..c).
     */
    public static void affineOf(int c, float[] mean, float[] invStd, float[] gamma, int gOff, float[] beta, int bOff,
                                float[] scale, float[] shift) {
        for (int ch = 0; ch < c; ch++) {
            float a = invStd[ch] * (gamma == null ? 1f : gamma[gOff + ch]);
            scale[ch] = a;
            shift[ch] = (beta == null ? 0f : beta[bOff + ch]) - mean[ch] * a;
        }
    }

    /** y = max?(a·x + b + r) over len floats (r may be null): the span loop of {@link #batchNormForward}. */
    static void affineAddRelu(float[] x, int xOff, float[] r, int rOff, boolean relu, float[] y, int yOff, int len,
                              float a, float b) {
        IMPL.affineAddRelu(x, xOff, r, rOff, relu, y, yOff, len, a, b);
    }

    /**
     * Backward of {@link #batchNormForward}. With {@code batchStats} the mean and variance are
     * functions of x (training), otherwise constants (evaluation with running statistics).
     * Accumulates dx (n, c, s at dxOff), dgamma (c) and dbeta (c); any of them may be null to skip it.
     */
    public static void batchNormBackward(float[] x, int xOff, float[] dy, int dyOff, int n, int c, int s,
                                         float[] mean, float[] invStd, float[] gamma, int gOff, boolean batchStats,
                                         float[] dx, int dxOff, float[] dgamma, float[] dbeta) {
        batchNormBackward(x, xOff, dy, dyOff, null, 0, false, n, c, s, mean, invStd, gamma, gOff, batchStats,
                dx, dxOff, dgamma, dbeta, null, 0);
    }

    /**
     * Backward of the fused {@code relu(batchNorm(x) + residual)}: with {@code relu}, the gradient
     * reaching the sum is g = dy where the output y (at yOff) is positive and 0 elsewhere, else g = dy;
     * g is accumulated into dr (the residual's gradient, (n, c, s) at drOff, may be null) and
     * back-propagated through the batch norm into dx, dgamma, dbeta (each may be null), as
     * {@link #batchNormBackward(float[], int, float[], int, int, int, int, float[], float[], float[], int,
     * boolean, float[], int, float[], float[])} does. g is formed per span in a per-thread buffer, so
     * no tensor-sized intermediate exists; the results equal the separate relu, add and batch-norm
     * backward passes bit for bit.
     */
    public static void batchNormBackward(float[] x, int xOff, float[] dy, int dyOff, float[] y, int yOff, boolean relu,
                                         int n, int c, int s, float[] mean, float[] invStd, float[] gamma, int gOff,
                                         boolean batchStats, float[] dx, int dxOff, float[] dgamma, float[] dbeta,
                                         float[] dr, int drOff) {
        double count = (double) n * s;
        ElementwiseKernel ew = Elementwise.impl();
        forRanges(c, (long) n * c * s, (c0, c1) -> {
            double[] acc = new double[2];
            float[] g = relu ? SPAN.get().take(n * s) : dy;
            for (int ch = c0; ch < c1; ch++) {
                float m = mean[ch], is = invStd[ch];
                acc[0] = 0;
                acc[1] = 0;
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * s;
                    if (relu) {
                        // relu'(z) reads its input z; z > 0 exactly where y = relu(z) > 0.
                        IMPL.reluGradSums(dy, dyOff + o, y, yOff + o, g, i * s, dr, dr == null ? 0 : drOff + o,
                                x, xOff + o, s, m, acc);
                        continue;
                    }
                    if (dr != null) {
                        ew.axpy(1f, dy, dyOff + o, dr, drOff + o, s);
                    }
                    IMPL.sumAndDotCentered(dy, dyOff + o, x, xOff + o, s, m, acc);
                }
                if (dbeta != null) {
                    dbeta[ch] += (float) acc[0];
                }
                if (dgamma != null) {
                    dgamma[ch] += (float) (acc[1] * is);
                }
                if (dx == null) {
                    continue;
                }
                float k = is * (gamma == null ? 1f : gamma[gOff + ch]);
                float p = k, q = 0f, r = 0f;
                if (batchStats) {
                    q = (float) (-k * (double) is * is * acc[1] / count);
                    r = (float) (-k * acc[0] / count - (double) q * m);
                }
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * s;
                    IMPL.accumulateLinear(g, relu ? i * s : dyOff + o, x, xOff + o, dx, dxOff + o, s, p, q, r);
                }
            }
        });
    }

    /** Per-thread buffer for one channel's masked gradient (n·s floats), grown on demand. */
    private static final ThreadLocal<Span> SPAN = ThreadLocal.withInitial(Span::new);

    private static final class Span {
        private float[] buf = new float[0];

        float[] take(int len) {
            if (buf.length < len) {
                buf = new float[len];
            }
            return buf;
        }
    }

    /**
     * Layer norm of x (rows, d) at xOff: y = (x - μ)/√(σ² + eps)·gamma + beta per row, with biased σ².
     * Writes y and, per row, mean[r] and invStd[r] (needed by the backward).
     */
    public static void layerNormForward(float[] x, int xOff, int rows, int d, float[] gamma, int gOff,
                                        float[] beta, int bOff, float eps, float[] y, int yOff,
                                        float[] mean, float[] invStd) {
        forRanges(rows, (long) rows * d, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * d;
                float m = (float) (IMPL.sum(x, xOff + o, d) / d);
                float var = (float) (IMPL.sumSqDiff(x, xOff + o, d, m) / d);
                float is = (float) (1.0 / Math.sqrt(var + (double) eps));
                mean[r] = m;
                invStd[r] = is;
                IMPL.normalizeAffine(x, xOff + o, gamma, gOff, beta, bOff, y, yOff + o, d, m, is);
            }
        });
    }

    /**
     * Backward of {@link #layerNormForward}: accumulates dx (rows, d), dgamma (d), dbeta (d); each may
     * be null. Rows are split into a fixed number of blocks that depends only on the shape; each block
     * sums its dgamma/dbeta into its own buffer and the buffers are added in block order, so the
     * result is the same at any thread count.
     */
    public static void layerNormBackward(float[] x, int xOff, float[] dy, int dyOff, int rows, int d,
                                         float[] gamma, int gOff, float[] mean, float[] invStd,
                                         float[] dx, int dxOff, float[] dgamma, float[] dbeta) {
        int blocks = Math.max(1, Math.min((rows + LN_ROWS_PER_BLOCK - 1) / LN_ROWS_PER_BLOCK, MAX_CHUNKS));
        float[][] pg = new float[blocks][], pb = new float[blocks][];
        java.util.function.IntConsumer block = bl -> {
            int r0 = Parallel.chunkStart(rows, blocks, bl), r1 = Parallel.chunkStart(rows, blocks, bl + 1);
            float[] g = dgamma == null ? null : blocks == 1 ? dgamma : new float[d];
            float[] b = dbeta == null ? null : blocks == 1 ? dbeta : new float[d];
            pg[bl] = g;
            pb[bl] = b;
            double[] acc = new double[2];
            for (int r = r0; r < r1; r++) {
                int o = r * d;
                acc[0] = 0;
                acc[1] = 0;
                IMPL.layerNormBackwardRow(x, xOff + o, dy, dyOff + o, gamma, gOff, d, mean[r], invStd[r], g, b, acc);
                if (dx != null) {
                    IMPL.layerNormBackwardApply(x, xOff + o, dy, dyOff + o, gamma, gOff, dx, dxOff + o, d,
                            mean[r], invStd[r], (float) (acc[0] / d), (float) (acc[1] / d));
                }
            }
        };
        if (blocks == 1 || (long) rows * d < PARALLEL_MIN) {
            for (int bl = 0; bl < blocks; bl++) {
                block.accept(bl);
            }
        } else {
            Parallel.forChunks(blocks, block);
        }
        if (blocks > 1) {
            for (int bl = 0; bl < blocks; bl++) {
                for (int j = 0; j < d; j++) {
                    if (dgamma != null) {
                        dgamma[j] += pg[bl][j];
                    }
                    if (dbeta != null) {
                        dbeta[j] += pb[bl][j];
                    }
                }
            }
        }
    }

    /** Work (in elements) below which fork/join costs more than it saves. */
    static final long PARALLEL_MIN = 1 << 15;
    private static final int MAX_CHUNKS = 16;
    private static final int LN_ROWS_PER_BLOCK = 64;

    /** A half-open range of channel or row indices. */
    interface Range {
        void run(int from, int to);
    }

    /**
     * Runs body over [0, count) in a fixed split into at most 16 contiguous ranges. Every index is
     * computed the same way whatever the split, so the split only decides parallelism; small jobs
     * (fewer than {@link #PARALLEL_MIN} elements) stay on the caller.
     */
    static void forRanges(int count, long work, Range body) {
        int chunks = Math.min(count, MAX_CHUNKS);
        if (chunks <= 1 || work < PARALLEL_MIN) {
            body.run(0, count);
            return;
        }
        Parallel.forChunks(chunks, i -> body.run(Parallel.chunkStart(count, chunks, i), Parallel.chunkStart(count, chunks, i + 1)));
    }
}

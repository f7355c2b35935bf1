package org.fnl4j.kernel;

import java.util.Arrays;

/**
 * Packed, cache-blocked, multi-threaded driver behind {@link Gemm#sgemm}, in the BLIS loop order
 * jc (NC columns) &gt; pc (KC steps of k) &gt; ic (MC rows) &gt; jr (NR-column panel) &gt; ir (MR-row
 * sliver) around a {@link GemmMicroKernel}. op(B) is packed k-major in NR-column panels and op(A)
 * in MR-row slivers, so the transposes cost nothing beyond the packing.
 *
 * <p>Determinism: the k blocking depends only on k, every C element is reduced over k in increasing
 * order inside one micro-kernel call per k block, and edge tiles (finished from the temp tile by
 * {@link #combine}) round exactly like full tiles. So the value of each C element does not depend on how rows and
 * columns are split into blocks or among threads, and the result is bit-identical at any thread
 * count. The split itself: C goes to {@link Parallel#threads()} contiguous chunks of rows (MR
 * slivers) when it has more rows than columns, else of columns (NR panels), so that each thread
 * reads its share of the larger operand and all of the smaller one; products of fewer than
 * {@link #PARALLEL_MIN_WORK} multiply-adds, and calls made from inside a parallel chunk, stay on the
 * calling thread. A product with a small output and a long k (a weight gradient over a batch) is
 * instead split into a fixed, shape-determined number of k ranges ({@link #kParts}) whose partial
 * products are summed in a fixed order, again independent of the thread count. When such a product
 * is A·Bᵀ with both operands read along contiguous rows, each range runs on the dot-product kernel
 * ({@link GemmDotKernel}, see {@link #dotProducts}) instead of the packed micro-kernel; which path
 * runs depends on the shape only.
 *
 * <p>Pack buffers are per thread and grow-only, so steady-state calls allocate no arrays.
 */
final class GemmDriver {
    /** Depth of a k block: a KC×NR panel of B plus an MR×KC sliver of A stay near L1. */
    static final int KC = 384;
    /** Target rows of an A block (MC×KC floats stay in L2). */
    static final int MC = 96;
    /** Target columns of a packed B block. */
    static final int NC = 1024;
    /** Multiply-adds (m·n·k) below which the product runs on the calling thread only. */
    static final long PARALLEL_MIN_WORK = 1L << 22;
    /** k steps per block of the transposing B pack. */
    private static final int TRANSPOSE_STEP = 16;
    /**
     * Most B panels per block for which A is read unpacked: below this an A element is reused too
     * few times for its packing (a strided copy) to pay off. Tuning knob: system property
     * {@code fnl4j.gemm.directPanels} (0 always packs A).
     */
    static final int DIRECT_A_MAX_PANELS = Integer.getInteger("fnl4j.gemm.directPanels", 8);
    /**
     * Most rows of C per block for which full-width panels of an untransposed B are read in place
     * instead of packed (a convolution's forward product has as many rows as output channels).
     * Raised from 48 to 64 after GemmBench.conv measured the 64-channel forward product (JDK 25,
     * same window) at 119 vs 67 GFLOP/s on 1 thread and 225 vs 134 on 2 with B read in place.
     * Tuning knob: system property {@code fnl4j.gemm.directBRows} (0 always packs B).
     */
    static final int DIRECT_B_MAX_ROWS = Integer.getInteger("fnl4j.gemm.directBRows", 64);
    /** Shortest k, and largest output m·n, for which the k dimension is split into {@link #kParts} ranges. */
    static final int K_SPLIT_MIN = 4096;
    static final long K_SPLIT_MAX_OUTPUT = 1L << 16;
    /** Most k ranges of a split product (also enough chunks to balance a few threads). */
    static final int K_PARTS = 8;

    /**
     * Whether products of the {@link #dotProducts} shape run on the dot-product kernel. Tuning knob
     * and A/B switch: system property {@code fnl4j.gemm.dot} ({@code false} sends them to the packed path).
     */
    static final boolean DOT_PATH = !"false".equals(System.getProperty("fnl4j.gemm.dot"));
    /** k steps per block of the dot-product path: a 4-row A tile (16 KB) stays in L1. A multiple of any vector length. */
    static final int DOT_KC = 1024;
    /** Rows of B per block of the dot-product path: DOT_NB × DOT_KC floats (384 KB) stay in L2. */
    static final int DOT_NB = 96;
    /**
     * Largest m·n for the dot-product path. Its lane partials (m·n·16 floats on AVX-512) are updated
     * once per k block and must stay in L2 next to the A and B blocks: 4096 elements is 256 KB.
     * Measured (GemmBench.conv, JDK 25): weight gradient at 16 channels (m·n = 2 304) 58 vs 34
     * GFLOP/s on 1 thread, 122 vs 64 on 2, against the packed path; at 32 channels (9 216) a tie;
     * at 64 (36 864) the dot path ran at half the packed path's speed.
     */
    static final int DOT_MAX_OUTPUT = 4096;

    /**
     * A product with at most this many rows of C (a linear layer on a batch of 1 to 4) takes the
     * dot-product path at any k: the packed path would first pack all of B (the whole weight matrix,
     * gathered across its rows) to multiply it by one row, which made a batch of one through a
     * 784-512-512-10 MLP cost about 0.6 ms. Batches this small do not occur in training.
     */
    static final int DOT_FEW_ROWS = 4;
    /** Largest m·n for {@link #DOT_FEW_ROWS}: lane partials of 64 Ki elements (4 MB) at most. */
    static final long DOT_FEW_ROWS_MAX_OUTPUT = 1L << 16;

    /** The shared driver; declared after the settings above, which its constructor reads. */
    static final GemmDriver INSTANCE = new GemmDriver(
            Kernels.active().gemm(), Kernels.active().gemmDot());

    private final GemmMicroKernel kernel;
    private final GemmDotKernel dot;
    private final int mr, nr, mcMax, ncMax, directPanels, directBRows;
    private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

    GemmDriver(GemmMicroKernel kernel, GemmDotKernel dot) {
        this(kernel, dot, DIRECT_A_MAX_PANELS, DIRECT_B_MAX_ROWS);
    }

    /**
     * A driver reading A unpacked when a block has at most {@code directPanels} B panels, and B in place
     * when a block has at most {@code directBRows} rows (tests pin every path).
     */
    GemmDriver(GemmMicroKernel kernel, GemmDotKernel dot, int directPanels, int directBRows) {
        this.kernel = kernel;
        this.dot = dot;
        this.directPanels = directPanels;
        this.directBRows = directBRows;
        this.mr = kernel.mr();
        this.nr = kernel.nr();
        this.mcMax = Math.max(mr, MC / mr * mr);
        this.ncMax = Math.max(nr, NC / nr * nr);
    }

    GemmMicroKernel kernel() {
        return kernel;
    }

    GemmDotKernel dotKernel() {
        return dot;
    }

    /** @return the most rows per block for which this driver reads B in place */
    int directBRows() {
        return directBRows;
    }

    /** @return the most B panels per block for which this driver reads A unpacked */
    int directPanels() {
        return directPanels;
    }

    /** Same contract as {@link Gemm#sgemm}; arguments are assumed checked. */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (dotProducts(transA, transB, m, n, k)) {
            dotSplitK(kParts(m, n, k), m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        if (swapOperands(transB, m, n)) {
            sgemmTransposed(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int parts = kParts(m, n, k);
        if (parts > 1) {
            splitK(parts, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        partitioned(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null);
    }

    /** What a chunk of {@link #partitioned} does once its block of C, rows [i0, i1) × columns [j0, j1), is final. */
    private interface BlockDone {
        void done(int i0, int i1, int j0, int j1);
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C over all of k, C split into one block per thread (rows by MR
     * slivers when C has more rows than columns, else columns by NR panels) when the product is big
     * enough; {@code then} (may be null)
     * runs on the same thread right after each block.
     */
    private void partitioned(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc, BlockDone then) {
        int panels = ceilDiv(n, nr), slivers = ceilDiv(m, mr);
        int t = Parallel.insideChunk() ? 1 : Parallel.threads();
        int nChunks = 1, mChunks = 1;
        if (t > 1 && (long) m * n * k >= PARALLEL_MIN_WORK) {
            // Each thread reads all of one operand and its share of the other: share the larger one.
            if (m > n && slivers >= t) {
                mChunks = t;
            } else if (panels >= t) {
                nChunks = t;
            } else if (slivers >= t) {
                mChunks = t;
            } else {
                nChunks = panels;
            }
        }
        if (nChunks * mChunks == 1) {
            block(0, m, 0, n, transA, transB, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            if (then != null) {
                then.done(0, m, 0, n);
            }
            return;
        }
        final int nc = nChunks, mcCount = mChunks;
        Parallel.forChunks(nc * mcCount, ch -> {
            int mi = ch / nc, ni = ch % nc;
            int i0 = Parallel.chunkStart(slivers, mcCount, mi) * mr;
            int i1 = Math.min(m, Parallel.chunkStart(slivers, mcCount, mi + 1) * mr);
            int j0 = Parallel.chunkStart(panels, nc, ni) * nr;
            int j1 = Math.min(n, Parallel.chunkStart(panels, nc, ni + 1) * nr);
            block(i0, i1, j0, j1, transA, transB, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            if (then != null && i0 < i1 && j0 < j1) {
                then.done(i0, i1, j0, j1);
            }
        });
    }

    /**
     * Whether to compute C as the transpose of op(B)ᵀ·op(A)ᵀ. A transposed B is packed by a strided
     * gather of all n·k of its elements; swapped, the gather covers op(A)'s m·k elements instead
     * (and op(B)ᵀ is read unpacked), which pays when m is well below n, as in the forward pass of
     * a linear layer (batch × out = x·wᵀ) or a conv weight gradient (dW = dY·colᵀ). The swapped
     * product's panels span C's rows, so a small m leaves them part empty; the rule weighs the
     * gather (measured ≈ {@value #GATHER_FLOPS} flop-equivalents per element) against the
     * micro-kernel time lost to empty panel columns. Depends on the shape only, so results do not
     * depend on the thread count.
     */
    boolean swapOperands(boolean transB, int m, int n) {
        if (!transB || m >= n) {
            return false;
        }
        double flops = 2.0 * m * n;
        double kept = GATHER_FLOPS * n + flops / panelUse(n);
        double swapped = GATHER_FLOPS * m + flops / panelUse(m);
        return swapped < kept;
    }

    /** Flop-equivalents of the micro-kernel per element of a transposing pack (1.5 ns at 170 GFLOP/s). */
    static final int GATHER_FLOPS = 255;

    /** Fraction of the columns of the B panels covering x columns that hold data. */
    private double panelUse(int x) {
        return (double) x / (ceilDiv(x, nr) * nr);
    }

    /**
     * C = alpha·(op(B)ᵀ·op(A)ᵀ)ᵀ + beta·C through a scratch n×m product T. Each thread transposes the
     * block of T it computed, while it is still in its cache.
     */
    private void sgemmTransposed(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        float[] t = buffers.get().swapped(n * m);
        // op(B)ᵀ is B as stored (n×k, row-major); op(A)ᵀ is A read with the opposite transpose flag.
        if (kParts(n, m, k) > 1) {
            sgemm(false, !transA, n, m, k, 1f, b, bOff, ldb, a, aOff, lda, 0f, t, 0, m);
            transposeInto(t, m, 0, n, 0, m, alpha, beta, c, cOff, ldc);
            return;
        }
        partitioned(false, !transA, n, m, k, 1f, b, bOff, ldb, a, aOff, lda, 0f, t, 0, m,
                (j0, j1, i0, i1) -> transposeInto(t, m, j0, j1, i0, i1, alpha, beta, c, cOff, ldc));
    }

    /**
     * C[i][j] = combine(T[j][i]) for T rows [j0, j1) × columns [i0, i1) (T is n×m, leading dimension
     * ldt), in square blocks so that both the reads and the writes stay within a few cache lines.
     */
    private static void transposeInto(float[] t, int ldt, int j0, int j1, int i0, int i1, float alpha, float beta,
                                      float[] c, int cOff, int ldc) {
        for (int ib = i0; ib < i1; ib += TRANSPOSE_STEP) {
            int ie = Math.min(i1, ib + TRANSPOSE_STEP);
            for (int jb = j0; jb < j1; jb += TRANSPOSE_STEP) {
                int je = Math.min(j1, jb + TRANSPOSE_STEP);
                for (int i = ib; i < ie; i++) {
                    int ci = cOff + i * ldc;
                    for (int j = jb; j < je; j++) {
                        c[ci + j] = combine(t[j * ldt + i], alpha, beta, c, ci + j);
                    }
                }
            }
        }
    }

    /**
     * Number of k ranges a small-output, long-k product (a weight gradient: C is m×n, k = batch
     * pixels) is split into, 1 for no split. It depends on the shape only, never on the thread count,
     * so the summation order, and the result, is the same at any thread count.
     */
    static int kParts(int m, int n, int k) {
        if (k < K_SPLIT_MIN || (long) m * n > K_SPLIT_MAX_OUTPUT) {
            return 1;
        }
        return Math.min(K_PARTS, k / (2 * KC));
    }

    /**
     * C = alpha·(Σ_q P_q) + beta·C where P_q = op(A)·op(B) over the q-th contiguous k range, each
     * computed by one chunk into scratch and summed in increasing q.
     */
    private void splitK(int parts, boolean transA, boolean transB, int m, int n, int k, float alpha,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc) {
        int mn = m * n;
        float[] scratch = buffers.get().parts(parts * mn);
        Parallel.forChunks(parts, q -> {
            int p0 = Parallel.chunkStart(k, parts, q), p1 = Parallel.chunkStart(k, parts, q + 1);
            int ao = aOff + (transA ? p0 * lda : p0), bo = bOff + (transB ? p0 : p0 * ldb);
            block(0, m, 0, n, transA, transB, p1 - p0, 1f, a, ao, lda, b, bo, ldb, 0f, scratch, q * mn, n);
        });
        sumParts(parts, m, n, scratch, alpha, beta, c, cOff, ldc);
    }

    /**
     * Whether C = A·Bᵀ goes to the dot-product path: A and B both read along contiguous rows
     * (op(A) = A, op(B) = Bᵀ), and either at most {@link #DOT_FEW_ROWS} rows of C, or a long k for
     * which {@link #kParts} splits k and a C of at most {@link #DOT_MAX_OUTPUT} elements (a weight gradient dW = dY·colᵀ over a batch with few
     * channels). There the broadcast micro-kernel would have to gather one operand into k-major
     * panels and, swapped or not, run with part of its panel empty (16 of 64 columns for a
     * 16-channel convolution); the dot kernel reads both operands in place with every lane busy.
     * Depends on the shape only.
     */
    static boolean dotProducts(boolean transA, boolean transB, int m, int n, int k) {
        if (!DOT_PATH || transA || !transB) {
            return false;
        }
        return (long) m * n <= DOT_MAX_OUTPUT && kParts(m, n, k) > 1
                || m <= DOT_FEW_ROWS && (long) m * n <= DOT_FEW_ROWS_MAX_OUTPUT;
    }

    /**
     * C = alpha·A·Bᵀ + beta·C by the dot-product kernel: k is cut into {@code parts} contiguous ranges
     * as in {@link #splitK}, each range's m×n product is computed by one chunk ({@link #dotRange})
     * and the ranges are summed in increasing order, so the result is the same at any thread count.
     */
    private void dotSplitK(int parts, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                           float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        int mn = m * n;
        float[] scratch = buffers.get().parts(parts * mn);
        Parallel.forChunks(parts, q -> {
            int p0 = Parallel.chunkStart(k, parts, q), p1 = Parallel.chunkStart(k, parts, q + 1);
            dotRange(m, n, p1 - p0, a, aOff + p0, lda, b, bOff + p0, ldb, scratch, q * mn);
        });
        sumParts(parts, m, n, scratch, alpha, beta, c, cOff, ldc);
    }

    /**
     * out[outOff + i*n + j] = Σ_{p<k} a[aOff + i*lda + p]·b[bOff + j*ldb + p]: lane partials are
     * accumulated over blocks of {@link #DOT_KC} steps (B in blocks of {@link #DOT_NB} rows, so that a
     * block is read from L2 once per A tile) and summed over the lanes in increasing order at the end.
     */
    private void dotRange(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] out, int outOff) {
        int w = dot.lanes(), rows = dot.rows(), cols = dot.cols(), ldp = n * w;
        float[] lanes = buffers.get().lanes(m * ldp);
        Arrays.fill(lanes, 0, m * ldp, 0f);
        int nb = Math.max(cols, DOT_NB / cols * cols);
        for (int pk = 0; pk < k; pk += DOT_KC) {
            int kc = Math.min(DOT_KC, k - pk);
            for (int jb = 0; jb < n; jb += nb) {
                int je = Math.min(n, jb + nb);
                for (int i = 0; i < m; i += rows) {
                    int tileRows = Math.min(rows, m - i), ao = aOff + i * lda + pk;
                    for (int j = jb; j < je; j += cols) {
                        int tileCols = Math.min(cols, je - j), bo = bOff + j * ldb + pk, po = i * ldp + j * w;
                        if (tileRows == rows && tileCols == cols) {
                            dot.dotAdd(kc, a, ao, lda, b, bo, ldb, lanes, po, ldp);
                        } else {
                            dot.dotAddEdge(tileRows, tileCols, kc, a, ao, lda, b, bo, ldb, lanes, po, ldp);
                        }
                    }
                }
            }
        }
        for (int e = 0, mn = m * n; e < mn; e++) {
            int lo = e * w;
            float sum = lanes[lo];
            for (int l = 1; l < w; l++) {
                sum += lanes[lo + l];
            }
            out[outOff + e] = sum;
        }
    }

    /** C = alpha·(Σ_q P_q) + beta·C, the m×n partial products P_q at {@code scratch[q·m·n]}, summed in increasing q. */
    private static void sumParts(int parts, int m, int n, float[] scratch, float alpha, float beta,
                                 float[] c, int cOff, int ldc) {
        int mn = m * n;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc, si = i * n;
            for (int j = 0; j < n; j++) {
                float sum = scratch[si + j];
                for (int q = 1; q < parts; q++) {
                    sum += scratch[q * mn + si + j];
                }
                c[ci + j] = combine(sum, alpha, beta, c, ci + j);
            }
        }
    }

    /** Rows [i0, i1) × columns [j0, j1) of C, all of k. */
    private void block(int i0, int i1, int j0, int j1, boolean transA, boolean transB, int k, float alpha,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        if (i0 >= i1 || j0 >= j1) {
            return;
        }
        int kcStep = ceilDiv(k, ceilDiv(k, KC));
        int rows = i1 - i0;
        int mcStep = roundUp(ceilDiv(rows, ceilDiv(rows, mcMax)), mr);
        int cols = j1 - j0;
        int ncStep = roundUp(ceilDiv(cols, ceilDiv(cols, ncMax)), nr);
        Buffers buf = buffers.get();
        float[] ap = buf.a(mcStep * kcStep);
        float[] bp = buf.b(ncStep * kcStep);
        float[] tile = buf.tile(mr * nr);
        // With few A rows, each B element is used by too few slivers to pay for its packing: full-width
        // panels of an untransposed B are then read in place, row p of the panel ldb floats after row p-1.
        boolean directB = !transB && rows <= directBRows;
        for (int jc = j0; jc < j1; jc += ncStep) {
            int ncb = Math.min(ncStep, j1 - jc);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                float betaBlock = pc == 0 ? beta : 1f;
                int directCols = directB ? ncb / nr * nr : 0;
                if (directCols < ncb) {
                    packB(transB, b, bOff, ldb, pc, kc, jc + directCols, ncb - directCols, bp);
                }
                int bBase = bOff + pc * ldb + jc;
                // With few B panels per A block, each A element is used too few times to pay for its packing.
                boolean direct = ceilDiv(ncb, nr) <= directPanels;
                for (int ic = i0; ic < i1; ic += mcStep) {
                    int mcb = Math.min(mcStep, i1 - ic);
                    if (direct) {
                        int full = mcb / mr * mr;
                        if (full < mcb) {
                            packA(transA, a, aOff, lda, ic + full, mcb - full, pc, kc, ap);
                        }
                        int base = transA ? aOff + pc * lda + ic : aOff + ic * lda + pc;
                        macro(kc, mcb, ncb, a, base, transA ? lda : 1, transA ? 1 : lda, full, ap,
                                b, bBase, ldb, directCols, bp, alpha, betaBlock, c, cOff + ic * ldc + jc, ldc, tile);
                    } else {
                        packA(transA, a, aOff, lda, ic, mcb, pc, kc, ap);
                        macro(kc, mcb, ncb, null, 0, 0, 0, 0, ap, b, bBase, ldb, directCols, bp, alpha, betaBlock,
                                c, cOff + ic * ldc + jc, ldc, tile);
                    }
                }
            }
        }
    }

    /**
     * One A block against the B panels. Slivers starting below {@code directRows} are read
     * straight from {@code da} (element (i, p) of the block at {@code da[dBase + p*dks + i*drs]}); the
     * rest from the packed slivers in {@code pa}, the first of them at offset 0. Panels starting below
     * {@code directCols} are read in place from {@code db} (column j, step p at {@code db[dbBase + p*dbs + j]});
     * the rest from the packed panels in {@code bp}, the first of them at offset 0.
     */
    private void macro(int kc, int mcb, int ncb, float[] da, int dBase, int dks, int drs, int directRows, float[] pa,
                       float[] db, int dbBase, int dbs, int directCols, float[] bp, float alpha, float beta,
                       float[] c, int cOff, int ldc, float[] tile) {
        for (int jr = 0; jr < ncb; jr += nr) {
            int nrb = Math.min(nr, ncb - jr);
            float[] bs;
            int bo, bstep;
            if (jr < directCols) {
                bs = db;
                bo = dbBase + jr;
                bstep = dbs;
            } else {
                bs = bp;
                bo = (jr - directCols) * kc;
                bstep = nr;
            }
            for (int ir = 0; ir < mcb; ir += mr) {
                int mrb = Math.min(mr, mcb - ir);
                float[] as;
                int ao, ks, rs;
                if (ir < directRows) {
                    as = da;
                    ao = dBase + ir * drs;
                    ks = dks;
                    rs = drs;
                } else {
                    as = pa;
                    ao = (ir - directRows) * kc;
                    ks = mr;
                    rs = 1;
                }
                int co = cOff + ir * ldc + jr;
                if (mrb == mr && nrb == nr && alpha == 1f && (beta == 0f || beta == 1f)) {
                    if (beta == 0f) {
                        kernel.multiply(kc, as, ao, ks, rs, bs, bo, bstep, c, co, ldc);
                    } else {
                        kernel.multiplyAdd(kc, as, ao, ks, rs, bs, bo, bstep, c, co, ldc);
                    }
                    continue;
                }
                kernel.multiply(kc, as, ao, ks, rs, bs, bo, bstep, tile, 0, nr);
                if (mrb == mr && nrb == nr) {
                    kernel.store(tile, alpha, beta, c, co, ldc);
                } else {
                    for (int r = 0; r < mrb; r++) {
                        int cr = co + r * ldc, tr = r * nr;
                        for (int j = 0; j < nrb; j++) {
                            c[cr + j] = combine(tile[tr + j], alpha, beta, c, cr + j);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code alpha*acc + beta*c[ci]} as two float products and a sum, c not read when beta is zero.
     * {@link GemmMicroKernel#store} rounds the same way.
     */
    static float combine(float acc, float alpha, float beta, float[] c, int ci) {
        return beta == 0f ? alpha * acc : alpha * acc + beta * c[ci];
    }

    /** Rows [ic, ic+mcb) × k steps [pc, pc+kc) of op(A) into MR-row slivers, k-major, zero-padded rows. */
    private void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mcb, int pc, int kc, float[] ap) {
        for (int i = ic; i < ic + mcb; i += mr) {
            int rows = Math.min(mr, ic + mcb - i);
            int d = (i - ic) * kc;
            if (transA) {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + i, dd = d + p * mr;
                    for (int r = 0; r < rows; r++) {
                        ap[dd + r] = a[src + r];
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (i + r) * lda + pc, dd = d + r;
                    for (int p = 0; p < kc; p++) {
                        ap[dd + p * mr] = a[src + p];
                    }
                }
            }
            for (int r = rows; r < mr; r++) {
                for (int p = 0; p < kc; p++) {
                    ap[d + p * mr + r] = 0f;
                }
            }
        }
    }

    /** k steps [pc, pc+kc) × columns [jc, jc+ncb) of op(B) into NR-column panels, k-major, zero-padded columns. */
    private void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int ncb, float[] bp) {
        if (!transB) {
            for (int j = 0; j < ncb; j += nr) {
                int cols = Math.min(nr, ncb - j), d = j * kc;
                for (int p = 0; p < kc; p++) {
                    int dd = d + p * nr;
                    System.arraycopy(b, bOff + (pc + p) * ldb + jc + j, bp, dd, cols);
                    for (int x = cols; x < nr; x++) {
                        bp[dd + x] = 0f;
                    }
                }
            }
            return;
        }
        for (int j = 0; j < ncb; j += nr) {
            int cols = Math.min(nr, ncb - j), d = j * kc;
            // Blocks of TRANSPOSE_STEP k steps keep the destination lines written by the column loop in L1.
            for (int p0 = 0; p0 < kc; p0 += TRANSPOSE_STEP) {
                int p1 = Math.min(kc, p0 + TRANSPOSE_STEP);
                for (int x = 0; x < cols; x++) {
                    int src = bOff + (jc + j + x) * ldb + pc, dd = d + x;
                    for (int p = p0; p < p1; p++) {
                        bp[dd + p * nr] = b[src + p];
                    }
                }
                for (int p = p0; p < p1; p++) {
                    for (int x = cols; x < nr; x++) {
                        bp[d + p * nr + x] = 0f;
                    }
                }
            }
        }
    }

    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
            }
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int y) {
        return ceilDiv(x, y) * y;
    }

    /** Per-thread packing buffers, grown on demand and kept. */
    private static final class Buffers {
        private float[] a = new float[0], b = new float[0], tile = new float[0], parts = new float[0],
                swapped = new float[0], lanes = new float[0];

        float[] lanes(int size) {
            if (lanes.length < size) {
                lanes = new float[size];
            }
            return lanes;
        }

        float[] swapped(int size) {
            if (swapped.length < size) {
                swapped = new float[size];
            }
            return swapped;
        }

        float[] parts(int size) {
            if (parts.length < size) {
                parts = new float[size];
            }
            return parts;
        }

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }

        float[] tile(int size) {
            if (tile.length < size) {
                tile = new float[size];
            }
            return tile;
        }
    }
}

package org.fnl4j.kernel;

/**
 * Row softmax and log-softmax over the last axis of a row-major (rows × cols) block, forward and
 * backward. Forward overwrites its output (which may alias the input); backward <b>accumulates</b>
 * into dx. Rows are shifted by their maximum, so large logits do not overflow.
 *
 * <p>Threads: blocks of at least {@value #PARALLEL_MIN} elements are split by rows into a number of
 * chunks that depends only on the block's size, on {@link Parallel}; rows are independent, so the
 * results are bit-identical at any thread count.
 */
public final class Softmax {
    private static final SoftmaxKernel IMPL = Kernels.active().softmax();

    /** Smallest block (rows·cols) split across threads. */
    public static final int PARALLEL_MIN = 1 << 15;
    private static final int CHUNK = 1 << 13;

    private Softmax() {}

    /** The body of one row range [r0, r1). */
    private interface Rows {
        void run(int r0, int r1);
    }

    private static void rows(int rows, int cols, Rows body) {
        long size = (long) rows * cols;
        if (size < PARALLEL_MIN || rows < 2) {
            body.run(0, rows);
            return;
        }
        int chunks = (int) Math.min(rows, (size + CHUNK - 1) / CHUNK);
        Parallel.forChunks(chunks, c -> body.run(Parallel.chunkStart(rows, chunks, c), Parallel.chunkStart(rows, chunks, c + 1)));
    }

    /** @return the implementation in use (SIMD or scalar). */
    public static SoftmaxKernel impl() {
        return IMPL;
    }

    /** Row softmax; see {@link SoftmaxKernel#softmax}. */
    public static void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        rows(rows, cols, (r0, r1) -> IMPL.softmax(x, xOff + r0 * cols, y, yOff + r0 * cols, r1 - r0, cols));
    }

    /** Row log-softmax; see {@link SoftmaxKernel#logSoftmax}. */
    public static void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        rows(rows, cols, (r0, r1) -> IMPL.logSoftmax(x, xOff + r0 * cols, y, yOff + r0 * cols, r1 - r0, cols));
    }

    /** Softmax backward, accumulating; see {@link SoftmaxKernel#softmaxBackward}. */
    public static void softmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                       int rows, int cols) {
        rows(rows, cols, (r0, r1) -> IMPL.softmaxBackward(y, yOff + r0 * cols, dy, dyOff + r0 * cols,
                dx, dxOff + r0 * cols, r1 - r0, cols));
    }

    /** Log-softmax backward, accumulating; see {@link SoftmaxKernel#logSoftmaxBackward}. */
    public static void logSoftmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                          int rows, int cols) {
        rows(rows, cols, (r0, r1) -> IMPL.logSoftmaxBackward(y, yOff + r0 * cols, dy, dyOff + r0 * cols,
                dx, dxOff + r0 * cols, r1 - r0, cols));
    }
}

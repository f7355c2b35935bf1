package org.fnl4j.kernel;

/**
 * Row softmax and log-softmax over the last axis of a row-major (rows × cols) block, forward and
 * backward. Forward overwrites its output (which may alias the input); backward <b>accumulates</b>
 * into dx. Rows are shifted by their maximum, so large logits do not overflow.
 */
public final class Softmax {
    /** One implementation of the family (scalar or SIMD). */
    public interface Impl {
        /** {@code y[r, :] = exp(x[r, :] - max) / Σ exp(x[r, :] - max)}. */
        void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

        /** {@code y[r, :] = (x[r, :] - max) - ln Σ exp(x[r, :] - max)}. */
        void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

        /** Given y = softmax(x): {@code dx[r, :] += y[r, :] · (dy[r, :] - Σ_c dy[r, c]·y[r, c])}. */
        void softmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols);

        /** Given y = logSoftmax(x): {@code dx[r, :] += dy[r, :] - exp(y[r, :]) · Σ_c dy[r, c]}. */
        void logSoftmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols);
    }

    private static final Impl IMPL = Kernels.select("org.fnl4j.kernel.simd.SimdSoftmax", Impl.class, new ScalarSoftmax());

    private Softmax() {}

    /** @return the implementation in use (SIMD or scalar). */
    public static Impl impl() {
        return IMPL;
    }

    /** Row softmax; see {@link Impl#softmax}. */
    public static void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        IMPL.softmax(x, xOff, y, yOff, rows, cols);
    }

    /** Row log-softmax; see {@link Impl#logSoftmax}. */
    public static void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        IMPL.logSoftmax(x, xOff, y, yOff, rows, cols);
    }

    /** Softmax backward, accumulating; see {@link Impl#softmaxBackward}. */
    public static void softmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                       int rows, int cols) {
        IMPL.softmaxBackward(y, yOff, dy, dyOff, dx, dxOff, rows, cols);
    }

    /** Log-softmax backward, accumulating; see {@link Impl#logSoftmaxBackward}. */
    public static void logSoftmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                          int rows, int cols) {
        IMPL.logSoftmaxBackward(y, yOff, dy, dyOff, dx, dxOff, rows, cols);
    }
}

package org.fnl4j.kernel;

/**
 * The inner loops of the {@link Softmax} family on arrays, offsets and lengths, following {@link Softmax}'s
 * contract: {@link ScalarSoftmax} is the scalar twin, {@code org.fnl4j.kernel.simd.SimdSoftmax} the Vector API one.
 */
public interface SoftmaxKernel {
    /** {@code y[r, :] = exp(x[r, :] - max) / Σ exp(x[r, :] - max)}. */
    void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

    /** {@code y[r, :] = (x[r, :] - max) - ln Σ exp(x[r, :] - max)}. */
    void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

    /** Given y = softmax(x): {@code dx[r, :] += y[r, :] · (dy[r, :] - Σ_c dy[r, c]·y[r, c])}. */
    void softmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols);

    /** Given y = logSoftmax(x): {@code dx[r, :] += dy[r, :] - exp(y[r, :]) · Σ_c dy[r, c]}. */
    void logSoftmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols);
}

package org.fnl4j.kernel;

/** Scalar twin of the row softmax kernels (contract in {@link Softmax}); sums accumulate in double. */
public final class ScalarSoftmax implements SoftmaxKernel {
    private static final ScalarReduce REDUCE = new ScalarReduce();

    @Override
    public void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            float m = REDUCE.max(x, xi, cols);
            double s = 0;
            for (int c = 0; c < cols; c++) {
                float e = (float) Math.exp(x[xi + c] - m);
                y[yi + c] = e;
                s += e;
            }
            float inv = (float) (1.0 / s);
            for (int c = 0; c < cols; c++) {
                y[yi + c] *= inv;
            }
        }
    }

    @Override
    public void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            float m = REDUCE.max(x, xi, cols);
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += Math.exp(x[xi + c] - m);
            }
            // (x - m) - ln s rather than x - (m + ln s): the latter loses the small term next to a large max.
            float lse = (float) Math.log(s);
            for (int c = 0; c < cols; c++) {
                y[yi + c] = (x[xi + c] - m) - lse;
            }
        }
    }

    @Override
    public void softmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int yi = yOff + r * cols, gi = dyOff + r * cols, di = dxOff + r * cols;
            float dot = REDUCE.dot(dy, gi, y, yi, cols);
            for (int c = 0; c < cols; c++) {
                dx[di + c] += y[yi + c] * (dy[gi + c] - dot);
            }
        }
    }

    @Override
    public void logSoftmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int yi = yOff + r * cols, gi = dyOff + r * cols, di = dxOff + r * cols;
            float s = REDUCE.sum(dy, gi, cols);
            for (int c = 0; c < cols; c++) {
                dx[di + c] += dy[gi + c] - (float) Math.exp(y[yi + c]) * s;
            }
        }
    }
}

package org.fnl4j.kernel;

/** Scalar twin of the reductions (contract in {@link Reduce}); sums accumulate in double. */
public final class ScalarReduce implements ReduceKernel {
    @Override
    public float sum(float[] x, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x[off + i];
        }
        return (float) s;
    }

    @Override
    public float sumSquares(float[] x, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double v = x[off + i];
            s += v * v;
        }
        return (float) s;
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) x[xOff + i] * y[yOff + i];
        }
        return (float) s;
    }

    @Override
    public float max(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            if (v > m || v != v) {
                m = v;
                if (v != v) {
                    return v;
                }
            }
        }
        return m;
    }

    @Override
    public void rowSums(float[] x, int off, int rows, int cols, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            out[outOff + r] += sum(x, off + r * cols, cols);
        }
    }

    @Override
    public void colSums(float[] x, int off, int rows, int cols, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int base = off + r * cols;
            for (int c = 0; c < cols; c++) {
                out[outOff + c] += x[base + c];
            }
        }
    }
}

package org.fnl4j.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.fnl4j.kernel.Softmax;
import org.fnl4j.kernel.SoftmaxKernel;

/** Vector API twin of the row softmax kernels (contract in {@link Softmax}). */
public final class SimdSoftmax implements SoftmaxKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final SimdReduce REDUCE = new SimdReduce();

    /** Writes e^(x - m) to y (which may alias x) and returns the sum of those values. */
    private static float expShifted(float[] x, int xi, float[] y, int yi, int cols, float m) {
        int bound = S.loopBound(cols);
        FloatVector acc = FloatVector.zero(S);
        int c = 0;
        for (; c < bound; c += L) {
            FloatVector e = VMath.exp(FloatVector.fromArray(S, x, xi + c).sub(m));
            e.intoArray(y, yi + c);
            acc = acc.add(e);
        }
        float s = VMath.sumLanes(acc);
        for (; c < cols; c++) {
            float e = (float) Math.exp(x[xi + c] - m);
            y[yi + c] = e;
            s += e;
        }
        return s;
    }

    @Override
    public void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            float m = REDUCE.max(x, xi, cols);
            float inv = 1f / expShifted(x, xi, y, yi, cols, m);
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector.fromArray(S, y, yi + c).mul(inv).intoArray(y, yi + c);
            }
            for (; c < cols; c++) {
                y[yi + c] *= inv;
            }
        }
    }

    @Override
    public void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            float m = REDUCE.max(x, xi, cols);
            FloatVector acc = FloatVector.zero(S);
            int c = 0;
            for (; c < bound; c += L) {
                acc = acc.add(VMath.exp(FloatVector.fromArray(S, x, xi + c).sub(m)));
            }
            float s = VMath.sumLanes(acc);
            for (; c < cols; c++) {
                s += (float) Math.exp(x[xi + c] - m);
            }
            float lse = (float) Math.log(s);
            c = 0;
            for (; c < bound; c += L) {
                FloatVector.fromArray(S, x, xi + c).sub(m).sub(lse).intoArray(y, yi + c);
            }
            for (; c < cols; c++) {
                y[yi + c] = (x[xi + c] - m) - lse;
            }
        }
    }

    @Override
    public void softmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int yi = yOff + r * cols, gi = dyOff + r * cols, di = dxOff + r * cols;
            float dot = REDUCE.dot(dy, gi, y, yi, cols);
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector.fromArray(S, dy, gi + c).sub(dot).fma(FloatVector.fromArray(S, y, yi + c),
                        FloatVector.fromArray(S, dx, di + c)).intoArray(dx, di + c);
            }
            for (; c < cols; c++) {
                dx[di + c] += y[yi + c] * (dy[gi + c] - dot);
            }
        }
    }

    @Override
    public void logSoftmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int yi = yOff + r * cols, gi = dyOff + r * cols, di = dxOff + r * cols;
            float s = REDUCE.sum(dy, gi, cols);
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector p = VMath.exp(FloatVector.fromArray(S, y, yi + c));
                FloatVector.fromArray(S, dy, gi + c).sub(p.mul(s)).add(FloatVector.fromArray(S, dx, di + c))
                        .intoArray(dx, di + c);
            }
            for (; c < cols; c++) {
                dx[di + c] += dy[gi + c] - (float) Math.exp(y[yi + c]) * s;
            }
        }
    }
}

package org.fnl4j.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.fnl4j.kernel.Reduce;
import org.fnl4j.kernel.ReduceKernel;

/**
 * Vector API twin of the reductions (contract in {@link Reduce}). Sums keep two vector
 * accumulators (lane j of accumulator k sums elements ≡ k·L + j mod 2L), add them, sum the lanes in
 * lane order ({@link VMath#sumLanes}, not reduceLanes, whose order may vary), then add the scalar
 * tail in order: a fixed order, so results are deterministic, but not the scalar twin's order.
 */
public final class SimdReduce implements ReduceKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public float sum(float[] x, int off, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            a0 = a0.add(FloatVector.fromArray(S, x, off + i));
            a1 = a1.add(FloatVector.fromArray(S, x, off + i + L));
        }
        if (i + L <= n) {
            a0 = a0.add(FloatVector.fromArray(S, x, off + i));
            i += L;
        }
        float s = VMath.sumLanes(a0.add(a1));
        for (; i < n; i++) {
            s += x[off + i];
        }
        return s;
    }

    @Override
    public float sumSquares(float[] x, int off, int n) {
        return dot(x, off, x, off, n);
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            a0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), a0);
            a1 = FloatVector.fromArray(S, x, xOff + i + L).fma(FloatVector.fromArray(S, y, yOff + i + L), a1);
        }
        if (i + L <= n) {
            a0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), a0);
            i += L;
        }
        float s = VMath.sumLanes(a0.add(a1));
        for (; i < n; i++) {
            s = Math.fma(x[xOff + i], y[yOff + i], s);
        }
        return s;
    }

    @Override
    public float max(float[] x, int off, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (bound > 0) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i < bound; i += L) {
                acc = acc.max(FloatVector.fromArray(S, x, off + i));
            }
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            m = Math.max(m, x[off + i]);
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
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int base = off + r * cols;
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector.fromArray(S, out, outOff + c).add(FloatVector.fromArray(S, x, base + c)).intoArray(out, outOff + c);
            }
            for (; c < cols; c++) {
                out[outOff + c] += x[base + c];
            }
        }
    }
}

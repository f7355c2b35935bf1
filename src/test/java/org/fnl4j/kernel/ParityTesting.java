package org.fnl4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.fnl4j.tensor.Rng;

/** Helpers for the scalar-vs-SIMD kernel parity tests. */
final class ParityTesting {
    /** The sizes every parity test covers: one element, below one vector, odd multi-vector, large odd. */
    static final int[] SIZES = {1, 7, 31, 1021};
    /** Offset at which arrays start, so that kernels must honour offsets. */
    static final int OFF = 3;
    /** Guard cells after the run, which no kernel may touch. */
    static final int GUARD = 5;

    private ParityTesting() {}

    /** OFF + n + GUARD uniform values in [lo, hi). */
    static float[] rand(long seed, int n, float lo, float hi) {
        Rng r = new Rng(seed);
        float[] a = new float[OFF + n + GUARD];
        for (int i = 0; i < a.length; i++) a[i] = lo + (hi - lo) * r.nextFloat();
        return a;
    }

    /** |e - a| ≤ abs + rel·|e| for every element, including the untouched guard cells. */
    static void close(String what, float[] expected, float[] actual, double abs, double rel) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double tol = abs + rel * Math.abs(expected[i]);
            if (!(Math.abs(expected[i] - actual[i]) <= tol) && !(Float.isNaN(expected[i]) && Float.isNaN(actual[i]))
                    && expected[i] != actual[i]) {
                throw new AssertionError(what + ": element " + i + " expected " + expected[i] + " but SIMD gave "
                        + actual[i] + " (tolerance " + tol + ")");
            }
        }
    }
}

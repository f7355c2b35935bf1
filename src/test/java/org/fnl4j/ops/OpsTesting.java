package org.fnl4j.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.fnl4j.autograd.GradCheck;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/** Shared helpers for the op tests: seeded inputs and a gradient check with one tolerance. */
final class OpsTesting {
    /**
     * GradCheck's error is relative for values above 1 and absolute below; with h = 1e-2 the float32
     * noise of these small ops stays under about 3e-4, while a wrong or missing term gives errors of
     * order 0.1 to 1.
     */
    static final double TOL = 2e-3;

    private OpsTesting() {}

    /** Uniform values in [-1, 1), requiring a gradient. */
    static Tensor rand(long seed, int... shape) {
        return Tensor.uniform(new Rng(seed), -1f, 1f, shape).requiresGrad(true);
    }

    /** Uniform values in [lo, hi), requiring a gradient. */
    static Tensor rand(long seed, float lo, float hi, int... shape) {
        return Tensor.uniform(new Rng(seed), lo, hi, shape).requiresGrad(true);
    }

    /** Uniform values with |x| in [0.1, 1) and random signs, away from kinks at 0. */
    static Tensor awayFromZero(long seed, int... shape) {
        Tensor t = Tensor.uniform(new Rng(seed), 0.1f, 1f, shape);
        Rng signs = new Rng(seed ^ 0x5DEECE66DL);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            if (signs.nextFloat() < 0.5f) d[i] = -d[i];
        }
        return t.requiresGrad(true);
    }

    static GradCheck.Result check(String what, Function<Tensor[], Tensor> f, Tensor... inputs) {
        GradCheck.Result r = GradCheck.check(f, 1e-2, 1234, inputs);
        assertTrue(r.passed(TOL), what + ": " + r);
        assertTrue(!r.where().equals("nothing checked"), what + ": no input was checked");
        return r;
    }

    static void assertValues(float[] expected, Tensor actual, double tol) {
        assertEquals(expected.length, actual.size(), "size of " + actual);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual.data()[actual.offset() + i], tol, "element " + i + " of " + actual);
        }
    }
}

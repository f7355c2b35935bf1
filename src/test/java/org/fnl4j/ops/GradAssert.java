package org.fnl4j.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.autograd.GradCheck;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/** Shared helpers for the opsb gradient checks. */
final class GradAssert {
    private GradAssert() {}

    static Tensor leaf(Rng rng, int... shape) {
        return Tensor.randn(rng, 1f, shape).requiresGrad(true);
    }

    /** Values that are a shuffled ramp with spacing 0.1, so max-pool windows never hold near-ties. */
    static Tensor distinct(Rng rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        int[] perm = new int[t.size()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        rng.shuffle(perm);
        for (int i = 0; i < perm.length; i++) {
            t.data()[i] = 0.1f * (perm[i] - perm.length / 2f);
        }
        return t.requiresGrad(true);
    }

    /** Backward with a seed of ones (the gradient of the sum of out). */
    static void backwardOnes(Tensor out) {
        float[] seed = new float[out.size()];
        java.util.Arrays.fill(seed, 1f);
        Autograd.backward(out, seed);
    }

    static void check(String what, Function<Tensor[], Tensor> f, double tol, Tensor... inputs) {
        GradCheck.Result r = GradCheck.check(f, 1e-2, 42, inputs);
        assertTrue(r.passed(tol), what + ": " + r);
    }
}

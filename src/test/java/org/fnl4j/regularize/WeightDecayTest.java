package org.fnl4j.regularize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.fnl4j.nn.Parameter;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * WeightDecay gives exactly the bits of the plain loop it ran before its update moved into
 * {@link org.fnl4j.kernel.ParamUpdate#addDecay}: the gradient accumulates λ·θ, rounded after the
 * product and after the sum (no fused multiply-add), for a parameter at an offset into its array.
 */
class WeightDecayTest {
    @Test
    void applyIsBitIdenticalToThePlainLoop() {
        int off = 3;
        for (int n : new int[] {1, 7, 31, 1021}) {
            Rng rng = new Rng(n);
            float[] data = new float[off + n + 2];
            for (int i = 0; i < data.length; i++) data[i] = (float) rng.nextGaussian();
            Parameter p = new Parameter(Tensor.wrap(data, off, n), Parameter.Kind.WEIGHT);
            float[] g = p.value().gradBuffer();
            for (int i = 0; i < n; i++) g[i] = (float) rng.nextGaussian();
            float[] expected = g.clone();
            float lambda = 3.7e-4f;
            WeightDecay wd = new WeightDecay(lambda, List.of(p));
            for (int round = 0; round < 2; round++) {
                wd.apply();
                for (int i = 0; i < n; i++) {
                    expected[i] += lambda * data[off + i];
                }
                assertArrayEquals(expected, p.value().grad(), "n=" + n + " round " + round);
            }
        }
    }
}

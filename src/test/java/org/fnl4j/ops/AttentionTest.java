package org.fnl4j.ops;

import static org.fnl4j.ops.GradAssert.check;
import static org.fnl4j.ops.GradAssert.leaf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AttentionTest {
    private static final double TOL = 5e-3;

    @Test
    void gradientsWithoutMask() {
        Rng rng = new Rng(41);
        Tensor q = leaf(rng, 2, 2, 3, 4), k = leaf(rng, 2, 2, 5, 4), v = leaf(rng, 2, 2, 5, 3);
        check("attention", in -> Attention.scaledDotProduct(in[0], in[1], in[2], false), TOL, q, k, v);
    }

    @Test
    void gradientsCausal() {
        Rng rng = new Rng(42);
        Tensor q = leaf(rng, 1, 3, 5, 4), k = leaf(rng, 1, 3, 5, 4), v = leaf(rng, 1, 3, 5, 4);
        check("attention causal", in -> Attention.scaledDotProduct(in[0], in[1], in[2], true), TOL, q, k, v);
    }

    @Test
    void forwardMatchesDirectSoftmax() {
        Rng rng = new Rng(43);
        int t = 4, s = 4, d = 3;
        Tensor q = Tensor.randn(rng, 1f, 1, 1, t, d), k = Tensor.randn(rng, 1f, 1, 1, s, d), v = Tensor.randn(rng, 1f, 1, 1, s, d);
        for (boolean causal : new boolean[] {false, true}) {
            Tensor out = Attention.scaledDotProduct(q, k, v, causal);
            for (int i = 0; i < t; i++) {
                double[] w = new double[s];
                double z = 0;
                for (int j = 0; j < s; j++) {
                    if (causal && j > i) continue;
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += q.get(0, 0, i, c) * k.get(0, 0, j, c);
                    }
                    w[j] = Math.exp(dot / Math.sqrt(d));
                    z += w[j];
                }
                for (int c = 0; c < d; c++) {
                    double o = 0;
                    for (int j = 0; j < s; j++) {
                        o += w[j] / z * v.get(0, 0, j, c);
                    }
                    assertEquals(o, out.get(0, 0, i, c), 1e-5, "causal=" + causal + " row " + i);
                }
            }
        }
    }

    @Test
    void causalFirstRowCopiesFirstValue() {
        Rng rng = new Rng(44);
        Tensor q = Tensor.randn(rng, 1f, 1, 1, 3, 2), k = Tensor.randn(rng, 1f, 1, 1, 3, 2), v = Tensor.randn(rng, 1f, 1, 1, 3, 2);
        Tensor out = Attention.scaledDotProduct(q, k, v, true);
        assertEquals(v.get(0, 0, 0, 0), out.get(0, 0, 0, 0), 1e-6);
        assertEquals(v.get(0, 0, 0, 1), out.get(0, 0, 0, 1), 1e-6);
    }

    @Test
    void mismatchNamesShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Attention.scaledDotProduct(
                Tensor.zeros(1, 2, 3, 4), Tensor.zeros(1, 2, 3, 5), Tensor.zeros(1, 2, 3, 4), false));
        assertTrue(e.getMessage().contains("scaledDotProduct") && e.getMessage().contains("[1, 2, 3, 5]"), e.getMessage());
    }
}

package org.fnl4j.regularize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fnl4j.nn.Linear;
import org.fnl4j.nn.Sequential;
import org.fnl4j.nn.factorized.FactorProduct;
import org.fnl4j.nn.factorized.FactorizedAttention;
import org.fnl4j.nn.factorized.FactorizedConv2d;
import org.fnl4j.nn.factorized.FactorizedLinear;
import org.fnl4j.nn.factorized.Factorized;
import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * ‖UVᵀ‖_F of every factorized product against the explicit product in double, and rescaling to
 * target norms for two and three factors, conv layouts and per-head (strided, transposed) attention.
 */
class FactorNormsTest {
    /** A module holding one factorized layer of each kind (never run forward). */
    private static Sequential model(long seed) {
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(5, 5, rng), new FactorizedLinear(7, 6, 3, false, true, rng),
                new FactorizedLinear(6, 9, 4, true, false, rng),
                new FactorizedConv2d(3, 5, 3, 1, 1, 1, false, FactorizedConv2d.Scheme.PAPER, 4, false, rng),
                new FactorizedConv2d(3, 4, 3, 1, 1, 1, false, FactorizedConv2d.Scheme.CHANNEL, 2, true, rng),
                new FactorizedAttention(8, 2, 3, 4, false, rng));
    }

    /** ‖W_b‖_F of every product of every factorized layer, in double from the explicit products. */
    private static double[] explicit(Sequential m) {
        List<Double> out = new java.util.ArrayList<>();
        for (var mod : m.namedModules().values()) {
            if (!(mod instanceof Factorized f)) continue;
            for (FactorProduct p : f.factorProducts()) {
                for (int b = 0; b < p.batch(); b++) {
                    double sq = 0;
                    for (int i = 0; i < p.m(); i++) {
                        double[] row = new double[p.r()];
                        for (int k = 0; k < p.r(); k++) {
                            if (p.middle() == null) {
                                row[k] = FrobeniusDecayTest.get(p.u(), b, i, k);
                            } else {
                                for (int q = 0; q < p.r(); q++) {
                                    row[k] += FrobeniusDecayTest.get(p.u(), b, i, q)
                                            * FrobeniusDecayTest.get(p.middle(), b, q, k);
                                }
                            }
                        }
                        for (int j = 0; j < p.n(); j++) {
                            double w = 0;
                            for (int k = 0; k < p.r(); k++) w += row[k] * FrobeniusDecayTest.get(p.vt(), b, k, j);
                            sq += w * w;
                        }
                    }
                    out.add(Math.sqrt(sq));
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void assertRelative(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * Math.abs(want[i]), what + " entry " + i);
        }
    }

    @Test
    void normsAreThoseOfTheExplicitProductsAndNamedPerLayerProductAndHead() {
        Sequential m = model(1);
        FactorNorms n = new FactorNorms(m);
        assertEquals(List.of("1", "2", "3", "4", "5/0[0]", "5/0[1]", "5/1[0]", "5/1[1]"), n.names());
        assertRelative(explicit(m), n.norms(), 1e-5, "norms");
        // The dense product of a two-factor linear layer gives the same norm.
        double sq = 0;
        for (float v : ((Factorized) m.namedModules().get("1")).product().toArray()) sq += (double) v * v;
        assertEquals(Math.sqrt(sq), n.norms()[0], 1e-5 * Math.sqrt(sq));
        assertEquals(0, new FactorNorms(new Sequential(new Linear(3, 3, new Rng(1)))).size());
    }

    @Test
    void rescalingHitsTheTargetNormsAndScalesTheFactorsEqually() {
        Sequential m = model(2);
        FactorNorms n = new FactorNorms(m);
        double[] before = n.norms();
        double[] targets = new double[before.length];
        for (int i = 0; i < targets.length; i++) targets[i] = before[i] * (0.3 + 0.4 * i);
        FactorizedLinear two = (FactorizedLinear) m.namedModules().get("1");
        FactorizedLinear three = (FactorizedLinear) m.namedModules().get("2");
        float[] u2 = two.factors().get(0).value().toArray();
        float[] u3 = three.factors().get(0).value().toArray();
        n.rescaleTo(targets);
        assertRelative(targets, n.norms(), 1e-5, "after rescaling");
        assertRelative(targets, explicit(m), 1e-5, "explicit after rescaling");
        // Two factors: each by √s; three: each by ∛s.
        float[] u2After = two.factors().get(0).value().toArray();
        float[] u3After = three.factors().get(0).value().toArray();
        double s0 = targets[0] / before[0];
        double s1 = targets[1] / before[1];
        for (int i = 0; i < u2.length; i++) assertEquals(u2[i] * Math.sqrt(s0), u2After[i], 1e-5 * Math.abs(u2[i]) + 1e-7);
        for (int i = 0; i < u3.length; i++) assertEquals(u3[i] * Math.cbrt(s1), u3After[i], 1e-5 * Math.abs(u3[i]) + 1e-7);

        // Rescaling to the current norms changes nothing beyond rounding; to 0 zeroes the product.
        double[] now = n.norms();
        n.rescaleTo(now);
        assertRelative(now, n.norms(), 1e-6, "identity rescale");
        double[] zero = now.clone();
        zero[0] = 0;
        n.rescaleTo(zero);
        assertEquals(0, n.norms()[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> n.rescaleTo(now));
        assertTrue(e.getMessage().contains("the product 1 is 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> n.rescaleTo(new double[3]));
        double[] bad = now.clone();
        bad[2] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> n.rescaleTo(bad));
    }

    @Test
    void squaredNormsPerBatchEntrySumToTheHalfPenalty() {
        Sequential m = model(3);
        FactorizedAttention a = (FactorizedAttention) m.namedModules().get("5");
        for (FactorProduct p : a.factorProducts()) {
            double[] sq = FrobeniusDecay.squaredNorms(p);
            assertEquals(2, sq.length);
            assertEquals(FrobeniusDecay.squaredNormHalf(p), 0.5 * (sq[0] + sq[1]), 1e-6 * (sq[0] + sq[1]));
        }
        assertArrayEquals(new FactorNorms(m).norms(), new FactorNorms(m).norms(), "a pure function of the values");
    }
}

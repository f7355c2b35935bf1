package org.fnl4j.ops;

import static org.fnl4j.ops.GradAssert.check;
import static org.fnl4j.ops.GradAssert.leaf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class NormalizationTest {
    private static final double TOL = 1e-2;

    @Test
    void batchNormTrainingGradients4d() {
        Rng rng = new Rng(31);
        Tensor x = leaf(rng, 3, 2, 3, 3), g = leaf(rng, 2), b = leaf(rng, 2);
        Tensor rm = Tensor.zeros(2), rv = Tensor.full(1f, 2);
        check("batchNorm train (N,C,H,W)", in -> Normalization.batchNorm(in[0], in[1], in[2], rm, rv, true, 0.1f, 1e-5f),
                TOL, x, g, b);
    }

    /** Planes and rows longer than one 512-bit vector, so the SIMD main loops run, not only their tails. */
    @Test
    void gradientsThroughTheVectorLoops() {
        Rng rng = new Rng(36);
        Tensor x = leaf(rng, 2, 2, 5, 7), g = leaf(rng, 2), b = leaf(rng, 2);
        check("batchNorm train 5x7 planes", in -> Normalization.batchNorm(in[0], in[1], in[2], null, null, true, 0.1f, 1e-5f),
                TOL, x, g, b);
        Tensor lx = leaf(rng, 3, 37), lg = leaf(rng, 37), lb = leaf(rng, 37);
        check("layerNorm d=37", in -> Normalization.layerNorm(in[0], in[1], in[2], 1e-5f), TOL, lx, lg, lb);
    }

    /** relu(batchNorm(x) + residual) as one op: gradients of x, gamma, beta and the residual. */
    @Test
    void fusedBatchNormAddReluGradients() {
        Rng rng = new Rng(37);
        Tensor x = leaf(rng, 3, 2, 5, 7), g = leaf(rng, 2), b = leaf(rng, 2), r = leaf(rng, 3, 2, 5, 7);
        Tensor rm = Tensor.zeros(2), rv = Tensor.full(1f, 2);
        // Keep the ReLU's input 0.1 away from its kink, where finite differences are meaningless.
        float[] z = Normalization.batchNorm(x.detach(), g.detach(), b.detach(), null, null, true, 0.1f, 1e-5f).toArray();
        for (int i = 0; i < z.length; i++) {
            float zi = z[i] + r.data()[i];
            if (Math.abs(zi) < 0.1f) {
                r.data()[i] += zi >= 0 ? 0.1f : -0.1f;
            }
        }
        check("batchNormAddRelu train", in -> Normalization.batchNormAct(in[0], in[1], in[2], rm, rv, true, 0.1f, 1e-5f,
                in[3], true), TOL, x, g, b, r);
        check("batchNormAdd eval", in -> Normalization.batchNormAct(in[0], in[1], in[2], rm, rv, false, 0.1f, 1e-5f,
                in[3], false), TOL, x, g, b, r);
    }

    /** The fused op computes what relu(add(batchNorm(x), r)) computes, forward and backward. */
    @Test
    void fusedBatchNormAddReluEqualsTheSeparateOps() {
        Rng rng = new Rng(38);
        Tensor x1 = leaf(rng, 4, 3, 6, 5), g1 = leaf(rng, 3), b1 = leaf(rng, 3), r1 = leaf(rng, 4, 3, 6, 5);
        Tensor x2 = x1.copy().requiresGrad(true), g2 = g1.copy().requiresGrad(true), b2 = b1.copy().requiresGrad(true);
        Tensor r2 = r1.copy().requiresGrad(true);
        Tensor fused = Normalization.batchNormAct(x1, g1, b1, null, null, true, 0.1f, 1e-5f, r1, true);
        Tensor separate = Activations.relu(Arith.add(Normalization.batchNorm(x2, g2, b2, null, null, true, 0.1f, 1e-5f), r2));
        assertArrayEquals(separate.toArray(), fused.toArray(), "forward");
        Tensor w = leaf(rng, 4, 3, 6, 5);
        org.fnl4j.autograd.Autograd.backward(Reductions.sum(Arith.mul(fused, w)));
        org.fnl4j.autograd.Autograd.backward(Reductions.sum(Arith.mul(separate, w)));
        assertArrayEquals(x2.grad(), x1.grad(), 1e-6f, "dx");
        assertArrayEquals(g2.grad(), g1.grad(), 1e-5f, "dgamma");
        assertArrayEquals(b2.grad(), b1.grad(), 1e-5f, "dbeta");
        assertArrayEquals(r2.grad(), r1.grad(), "dresidual");
        Tensor x3 = x1.copy().requiresGrad(true), x4 = x1.copy().requiresGrad(true);
        Tensor reluOnly = Normalization.batchNormAct(x3, g1.detach(), b1.detach(), null, null, true, 0.1f, 1e-5f, null, true);
        Tensor reluAfter = Activations.relu(Normalization.batchNorm(x4, g1.detach(), b1.detach(), null, null, true, 0.1f, 1e-5f));
        assertArrayEquals(reluAfter.toArray(), reluOnly.toArray(), "batchNormRelu forward");
        org.fnl4j.autograd.Autograd.backward(Reductions.sum(Arith.mul(reluOnly, w)));
        org.fnl4j.autograd.Autograd.backward(Reductions.sum(Arith.mul(reluAfter, w)));
        assertArrayEquals(x4.grad(), x3.grad(), 1e-6f, "batchNormRelu dx");
        assertThrows(IllegalArgumentException.class, () -> Normalization.batchNormAct(x1, g1, b1, null, null, true,
                0.1f, 1e-5f, Tensor.zeros(4, 3, 6, 4), true), "a residual of another shape");
    }

    @Test
    void batchNormTrainingGradients2dWithoutAffine() {
        Rng rng = new Rng(32);
        Tensor x = leaf(rng, 5, 3), g = leaf(rng, 3), b = leaf(rng, 3);
        check("batchNorm train (N,C)", in -> Normalization.batchNorm(in[0], in[1], in[2], null, null, true, 0.1f, 1e-5f),
                TOL, x, g, b);
        check("batchNorm train no affine", in -> Normalization.batchNorm(in[0], null, null, null, null, true, 0.1f, 1e-5f),
                TOL, leaf(rng, 4, 3, 2, 1));
    }

    @Test
    void batchNormEvalGradients() {
        Rng rng = new Rng(33);
        Tensor x = leaf(rng, 2, 3, 2, 2), g = leaf(rng, 3), b = leaf(rng, 3);
        Tensor rm = Tensor.of(new float[] {0.1f, -0.2f, 0.3f}, 3), rv = Tensor.of(new float[] {0.5f, 1.5f, 2f}, 3);
        check("batchNorm eval", in -> Normalization.batchNorm(in[0], in[1], in[2], rm, rv, false, 0.1f, 1e-5f),
                TOL, x, g, b);
    }

    /** Values worked out by hand with PyTorch's rules (momentum 0.1, unbiased running variance). */
    @Test
    void batchNormRunningStatsFollowPyTorch() {
        Tensor x = Tensor.of(new float[] {1, 2, 2, 4, 3, 6, 4, 10}, 4, 2);
        Tensor rm = Tensor.zeros(2), rv = Tensor.full(1f, 2);
        Tensor y = Normalization.batchNorm(x, null, null, rm, rv, true, 0.1f, 1e-5f);
        // channel 0: mean 2.5, biased var 1.25, unbiased 5/3; channel 1: mean 5.5, biased 8.75, unbiased 35/3.
        assertArrayEquals(new float[] {0.25f, 0.55f}, rm.toArray(), 1e-6f);
        assertArrayEquals(new float[] {0.9f + 0.1f * 5 / 3f, 0.9f + 0.1f * 35 / 3f}, rv.toArray(), 1e-6f);
        assertEquals((1 - 2.5) / Math.sqrt(1.25 + 1e-5), y.get(0, 0), 1e-6);
        assertEquals((10 - 5.5) / Math.sqrt(8.75 + 1e-5), y.get(3, 1), 1e-6);
        Normalization.batchNorm(x, null, null, rm, rv, true, 0.1f, 1e-5f);
        assertArrayEquals(new float[] {0.475f, 0.9f * 0.55f + 0.55f}, rm.toArray(), 1e-6f);
        assertArrayEquals(new float[] {0.9f * (0.9f + 0.1f * 5 / 3f) + 0.1f * 5 / 3f,
                0.9f * (0.9f + 0.1f * 35 / 3f) + 0.1f * 35 / 3f}, rv.toArray(), 1e-5f);
        // Evaluation uses the running statistics and leaves them alone.
        Tensor gamma = Tensor.of(new float[] {2f, 3f}, 2), beta = Tensor.of(new float[] {0.5f, -1f}, 2);
        Tensor e = Normalization.batchNorm(x, gamma, beta, rm, rv, false, 0.1f, 1e-5f);
        assertEquals((4 - 0.475) / Math.sqrt(rv.get(0) + 1e-5) * 2 + 0.5, e.get(3, 0), 1e-5);
        assertEquals(0.475f, rm.get(0), 0f);
    }

    @Test
    void batchNormMatchesDirectFormulaOnImages() {
        Rng rng = new Rng(34);
        Tensor x = Tensor.randn(rng, 2f, 2, 3, 4, 5);
        Tensor y = Normalization.batchNorm(x, null, null, null, null, true, 0.1f, 0f);
        for (int c = 0; c < 3; c++) {
            double s = 0, sq = 0;
            for (int n = 0; n < 2; n++) {
                for (int p = 0; p < 20; p++) {
                    s += x.data()[(n * 3 + c) * 20 + p];
                }
            }
            double mean = s / 40;
            for (int n = 0; n < 2; n++) {
                for (int p = 0; p < 20; p++) {
                    double d = x.data()[(n * 3 + c) * 20 + p] - mean;
                    sq += d * d;
                }
            }
            double std = Math.sqrt(sq / 40);
            for (int n = 0; n < 2; n++) {
                for (int p = 0; p < 20; p++) {
                    int i = (n * 3 + c) * 20 + p;
                    assertEquals((x.data()[i] - mean) / std, y.data()[i], 1e-5);
                }
            }
        }
    }

    @Test
    void layerNormGradients() {
        Rng rng = new Rng(35);
        Tensor x = leaf(rng, 2, 3, 7), g = leaf(rng, 7), b = leaf(rng, 7);
        check("layerNorm", in -> Normalization.layerNorm(in[0], in[1], in[2], 1e-5f), TOL, x, g, b);
    }

    @Test
    void layerNormForwardNormalizesRows() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, -1, 0, 1, 6}, 2, 4);
        Tensor y = Normalization.layerNorm(x, Tensor.full(1f, 4), Tensor.zeros(4), 0f);
        double sd = Math.sqrt(1.25);
        assertArrayEquals(new float[] {(float) (-1.5 / sd), (float) (-0.5 / sd), (float) (0.5 / sd), (float) (1.5 / sd)},
                java.util.Arrays.copyOf(y.toArray(), 4), 1e-5f);
    }

    @Test
    void mismatchesNameOpAndShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Normalization.batchNorm(Tensor.zeros(2, 3, 2, 2), Tensor.zeros(4), null, null, null, true, 0.1f, 1e-5f));
        assertTrue(e.getMessage().contains("batchNorm") && e.getMessage().contains("[4]")
                && e.getMessage().contains("[2, 3, 2, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Normalization.layerNorm(Tensor.zeros(2, 5), Tensor.zeros(4), Tensor.zeros(4), 1e-5f));
        assertTrue(e.getMessage().contains("layerNorm") && e.getMessage().contains("[2, 5]"), e.getMessage());
    }
}

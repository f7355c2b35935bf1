package org.fnl4j.ops;

import static org.fnl4j.ops.OpsTesting.assertValues;
import static org.fnl4j.ops.OpsTesting.rand;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.autograd.GradCheck;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The ops on the tape: accumulation, noGrad, release of intermediates, and that GradCheck can fail. */
class TapeTest {
    @Test
    void tensorUsedTwiceAccumulates() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        // L = Σ (x·x + 3x) -> dL/dx = 2x + 3
        Tensor l = Reductions.sum(Arith.add(Arith.mul(x, x), Arith.mulScalar(x, 3f)));
        Autograd.backward(l);
        assertValues(new float[] {5, 7, 9}, x.gradTensor(), 0);
        // A second backward through a new graph accumulates into the same leaf gradient.
        Autograd.backward(Reductions.sum(x));
        assertValues(new float[] {6, 8, 10}, x.gradTensor(), 0);
    }

    @Test
    void noGradRecordsNothing() {
        Tensor x = rand(1, 4, 3);
        Tensor y;
        try (var scope = Autograd.noGrad()) {
            y = Activations.relu(Arith.mul(Shapes.transpose(x, 0, 1), Tensor.full(2f, 3, 4)));
        }
        assertNull(y.gradFn());
        assertFalse(y.requiresGrad());
        Tensor z = Activations.relu(x);
        assertNotNull(z.gradFn());
        // Constant inputs alone do not record either.
        assertNull(Arith.add(Tensor.zeros(2), Tensor.zeros(2)).gradFn());
    }

    /** Intermediate gradients are recycled between backward passes: they must come back zeroed, and retained ones must never be handed out. */
    @Test
    void recycledGradientsComeBackZeroedAndRetainedOnesAreKept() {
        Rng rng = new Rng(5);
        Tensor w = Tensor.randn(rng, 0.5f, 64, 64).requiresGrad(true);
        Tensor x = Tensor.randn(rng, 1f, 32, 64);
        float[] first = null;
        Tensor kept = null;
        for (int step = 0; step < 3; step++) {
            Tensor h = Activations.relu(MatMul.linear(x, w, null));
            if (step == 1) {
                h.retainGrad();
                kept = h;
            }
            Autograd.backward(Reductions.sum(Arith.mul(h, h), 1, false), ones(32));
            if (step == 1) {
                first = kept.grad().clone();
            }
            // A fresh buffer of a recycled size starts at zero, whatever it held before.
            float[] fresh = TapeAccess.gradBuffer(Tensor.zeros(32, 64));
            for (float v : fresh) {
                assertTrue(v == 0f, "a recycled gradient buffer was not zeroed");
            }
            w.zeroGrad();
        }
        assertNotNull(kept.grad(), "a retained gradient must survive backward");
        org.junit.jupiter.api.Assertions.assertArrayEquals(first, kept.grad(),
                "a retained gradient was handed out again and overwritten by a later step");
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    @Test
    void backwardReleasesIntermediates() {
        Rng rng = new Rng(3);
        Tensor w = Tensor.randn(rng, 0.5f, 8, 4).requiresGrad(true);
        WeakReference<Tensor> firstHidden = null;
        for (int step = 0; step < 200; step++) {
            Tensor x = Tensor.randn(rng, 1f, 5, 8);
            Tensor h = Activations.gelu(Arith.mul(Reductions.sum(Arith.mul(Shapes.reshape(x, 5, 8, 1), w), 1, false),
                    Tensor.scalar(0.5f)));
            Tensor loss = Losses.crossEntropy(h, new int[] {0, 1, 2, 3, 0}, 0.1f);
            Autograd.backward(loss);
            assertNull(h.gradFn(), "gradFn must be dropped after backward");
            assertNull(h.grad(), "non-leaf gradient must be freed");
            if (step == 0) {
                firstHidden = new WeakReference<>(h);
            }
            w.zeroGrad();
        }
        for (int i = 0; i < 20 && firstHidden.get() != null; i++) {
            System.gc();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        assertNull(firstHidden.get(), "the activation of step 0 is still reachable after 200 steps");
        assertNotNull(w.grad());
    }

    @Test
    void gradCheckCatchesAWrongBackward() {
        // A "transpose" whose backward forgets to transpose back: must fail the tolerance the op tests use.
        Tensor x = rand(9, 3, 4);
        GradCheck.Result r = GradCheck.check(in -> {
            Tensor a = in[0];
            Tensor out = Shapes.transpose(a.detach(), 0, 1);
            return Autograd.record("wrongTranspose", out, () -> {
                float[] g = out.grad(), ga = TapeAccess.gradBuffer(a);
                for (int i = 0; i < g.length; i++) ga[i] += g[i];
            }, a);
        }, 1e-2, 1234, x);
        assertFalse(r.passed(OpsTesting.TOL), r.toString());
        // And a gelu derivative missing its x·(1 - t²) term.
        Tensor y = rand(10, 7);
        GradCheck.Result r2 = GradCheck.check(in -> {
            Tensor a = in[0];
            Tensor out = Activations.gelu(a.detach());
            return Autograd.record("wrongGelu", out, () -> {
                float[] g = out.grad(), ga = TapeAccess.gradBuffer(a);
                for (int i = 0; i < g.length; i++) {
                    double t = Math.tanh(0.7978845608 * (a.data()[i] + 0.044715 * Math.pow(a.data()[i], 3)));
                    ga[i] += (float) (g[i] * 0.5 * (1 + t));
                }
            }, a);
        }, 1e-2, 1234, y);
        assertFalse(r2.passed(OpsTesting.TOL), r2.toString());
        assertTrue(r.maxError() > 10 * OpsTesting.TOL, r.toString());
    }
}

package org.fnl4j.ops;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A many-step training loop through conv, batch norm, pooling and linear whose memory does not grow. */
class OpsMemoryTest {
    @Test
    void manyTrainingStepsDoNotKeepActivationsAlive() {
        Rng rng = new Rng(7);
        Tensor x = Tensor.randn(rng, 1f, 4, 3, 8, 8);
        Tensor w1 = Tensor.randn(rng, 0.2f, 4, 3, 3, 3).requiresGrad(true);
        Tensor g1 = Tensor.full(1f, 4).requiresGrad(true), b1 = Tensor.zeros(4).requiresGrad(true);
        Tensor w2 = Tensor.randn(rng, 0.2f, 4, 4, 3, 3).requiresGrad(true);
        Tensor g2 = Tensor.full(1f, 4).requiresGrad(true), b2 = Tensor.zeros(4).requiresGrad(true);
        Tensor wl = Tensor.randn(rng, 0.2f, 10, 4).requiresGrad(true);
        Tensor rm1 = Tensor.zeros(4), rv1 = Tensor.full(1f, 4), rm2 = Tensor.zeros(4), rv2 = Tensor.full(1f, 4);
        Tensor[] params = {w1, g1, b1, w2, g2, b2, wl};
        float[] seed = new float[4 * 10];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = 1e-2f * (i % 7 - 3);
        }
        WeakReference<Tensor> early = null;
        long usedAt50 = 0;
        for (int step = 0; step < 200; step++) {
            Tensor h = Convolution.conv2d(x, w1, null, 1, 1);
            if (step == 0) {
                early = new WeakReference<>(h);
            }
            h = Normalization.batchNorm(h, g1, b1, rm1, rv1, true, 0.1f, 1e-5f);
            h = Pooling.maxPool2d(h, 2, 2, 0);
            h = Convolution.conv2d(h, w2, null, 1, 1);
            h = Normalization.batchNorm(h, g2, b2, rm2, rv2, true, 0.1f, 1e-5f);
            Tensor out = MatMul.linear(Pooling.globalAvgPool(h), wl, null);
            Autograd.backward(out, seed);
            for (Tensor p : params) {
                float[] d = p.data(), gr = p.grad();
                for (int i = 0; i < gr.length; i++) {
                    d[p.offset() + i] -= 0.01f * gr[i];
                }
                p.zeroGrad();
            }
            if (step == 50) {
                usedAt50 = usedAfterGc();
            }
        }
        long usedAtEnd = usedAfterGc();
        assertNull(early.get(), "the first step's conv output is still reachable after 200 steps");
        assertTrue(usedAtEnd - usedAt50 < 16L << 20,
                "heap grew from " + usedAt50 + " to " + usedAtEnd + " bytes between step 50 and 200");
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}

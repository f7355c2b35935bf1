package org.fnl4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.kernel.Parallel;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bit-identical gradients at 1 and 2 threads for a graph that uses every opsb op at sizes large enough to take the parallel paths. */
class OpsDeterminismTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** Runs forward + backward from a fixed seed and returns every leaf gradient. */
    private static List<float[]> gradients() {
        Rng rng = new Rng(2024);
        Tensor x = Tensor.randn(rng, 1f, 8, 4, 24, 24).requiresGrad(true);
        Tensor w1 = Tensor.randn(rng, 0.3f, 8, 4, 3, 3).requiresGrad(true);
        Tensor b1 = Tensor.randn(rng, 0.1f, 8).requiresGrad(true);
        Tensor g = Tensor.randn(rng, 1f, 8).requiresGrad(true), be = Tensor.randn(rng, 1f, 8).requiresGrad(true);
        Tensor w2 = Tensor.randn(rng, 0.3f, 10, 16).requiresGrad(true), b2 = Tensor.randn(rng, 0.1f, 10).requiresGrad(true);
        Tensor q = Tensor.randn(rng, 1f, 2, 4, 32, 16).requiresGrad(true);
        Tensor k = Tensor.randn(rng, 1f, 2, 4, 32, 16).requiresGrad(true);
        Tensor v = Tensor.randn(rng, 1f, 2, 4, 32, 16).requiresGrad(true);
        Tensor lx = Tensor.randn(rng, 1f, 512, 64).requiresGrad(true);
        Tensor lg = Tensor.randn(rng, 1f, 64).requiresGrad(true), lb = Tensor.randn(rng, 1f, 64).requiresGrad(true);
        Tensor a = Tensor.randn(rng, 1f, 3, 40, 50).requiresGrad(true), bm = Tensor.randn(rng, 1f, 3, 60, 50).requiresGrad(true);

        Tensor h = Convolution.conv2d(x, w1, b1, 1, 1);
        h = Normalization.batchNorm(h, g, be, Tensor.zeros(8), Tensor.full(1f, 8), true, 0.1f, 1e-5f);
        h = Pooling.maxPool2d(h, 2, 2, 0);
        h = Pooling.avgPool2d(h, 3, 1, 1);
        h = Padding.optionAShortcut(h, 16, 2);
        Tensor logits = MatMul.linear(Pooling.globalAvgPool(h), w2, b2);
        Tensor att = Attention.scaledDotProduct(q, k, v, true);
        Tensor ln = Normalization.layerNorm(lx, lg, lb, 1e-5f);
        Tensor prod = MatMul.bmm(a, bm, false, true);
        for (Tensor out : new Tensor[] {logits, att, ln, prod}) {
            float[] seed = new float[out.size()];
            for (int i = 0; i < seed.length; i++) {
                seed[i] = (float) rng.nextGaussian();
            }
            Autograd.backward(out, seed);
        }
        List<float[]> grads = new ArrayList<>();
        for (Tensor t : new Tensor[] {x, w1, b1, g, be, w2, b2, q, k, v, lx, lg, lb, a, bm}) {
            grads.add(t.grad());
        }
        return grads;
    }

    @Test
    void gradientsAreBitIdenticalAtOneAndTwoThreads() {
        Parallel.setThreads(1);
        List<float[]> one = gradients();
        Parallel.setThreads(2);
        List<float[]> two = gradients();
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), two.get(i), "gradient of leaf " + i + " differs between 1 and 2 threads");
        }
    }
}

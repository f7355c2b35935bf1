package org.fnl4j.ops;

import static org.fnl4j.ops.OpsTesting.check;
import static org.fnl4j.ops.OpsTesting.rand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LossesTest {
    /** PyTorch's definition, in double: mean_n Σ_c -((1-ε)·[c = t_n] + ε/C)·log_softmax(x_n)_c. */
    private static double reference(float[] x, int n, int c, int[] t, double eps) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) m = Math.max(m, x[i * c + j]);
            double z = 0;
            for (int j = 0; j < c; j++) z += Math.exp(x[i * c + j] - m);
            double lz = m + Math.log(z);
            for (int j = 0; j < c; j++) {
                double q = (j == t[i] ? 1 - eps : 0) + eps / c;
                total -= q * (x[i * c + j] - lz);
            }
        }
        return total / n;
    }

    @Test
    void crossEntropyMatchesPyTorchDefinition() {
        // torch.nn.functional.cross_entropy(torch.tensor([[1., 2., 3.], [1., -1., 0.5]]), torch.tensor([2, 0]))
        // = 0.5 * ((log(e+e²+e³) - 3) + (log(e+e⁻¹+e^0.5) - 1)) = 0.48128
        Tensor logits = Tensor.of(new float[] {1, 2, 3, 1, -1, 0.5f}, 2, 3);
        int[] t = {2, 0};
        double l0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
        double l1 = Math.log(Math.exp(1) + Math.exp(-1) + Math.exp(0.5)) - 1;
        assertEquals((l0 + l1) / 2, Losses.crossEntropy(logits, t, 0f).item(), 1e-6);
        assertEquals(0.48128, Losses.crossEntropy(logits, t, 0f).item(), 1e-4);
        // With label smoothing 0.1, the loss adds 0.1 · (mean over classes of -log p) - 0.1 · (-log p_t).
        double smoothed = reference(logits.data(), 2, 3, t, 0.1);
        assertEquals(smoothed, Losses.crossEntropy(logits, t, 0.1f).item(), 1e-6);
        assertTrue(Math.abs(smoothed - (l0 + l1) / 2) > 1e-2, "smoothing must change the value");
        Tensor big = rand(5, -4f, 4f, 9, 13);
        int[] tb = {0, 12, 3, 3, 7, 1, 11, 5, 6};
        assertEquals(reference(big.data(), 9, 13, tb, 0.2), Losses.crossEntropy(big, tb, 0.2f).item(), 1e-5);
    }

    @Test
    void crossEntropyGradients() {
        int[] t = {2, 0, 4, 4, 1};
        check("crossEntropy", in -> Losses.crossEntropy(in[0], t, 0f), rand(1, -2f, 2f, 5, 5));
        check("crossEntropy smoothing", in -> Losses.crossEntropy(in[0], t, 0.25f), rand(2, -2f, 2f, 5, 7));
        check("crossEntropy one class", in -> Losses.crossEntropy(in[0], new int[] {0}, 0.1f), rand(3, 1, 1));
        check("crossEntropy odd", in -> Losses.crossEntropy(in[0], new int[] {30, 0, 17}, 0.1f), rand(4, 3, 31));
    }

    @Test
    void crossEntropyErrorsNameIndexAndClassCount() {
        Tensor logits = Tensor.zeros(3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.crossEntropy(logits, new int[] {0, 4, 1}, 0f));
        assertTrue(e.getMessage().startsWith("crossEntropy:") && e.getMessage().contains("target 4")
                && e.getMessage().contains("index 1") && e.getMessage().contains("4 classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, new int[] {0, -1, 1}, 0f));
        assertTrue(e.getMessage().contains("target -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, new int[] {0, 1}, 0f));
        assertTrue(e.getMessage().contains("[3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(Tensor.zeros(3), new int[] {0}, 0f));
        assertTrue(e.getMessage().contains("2-D"), e.getMessage());
    }

    @Test
    void mse() {
        Tensor p = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor t = Tensor.of(new float[] {1, 0, 4, 1}, 2, 2);
        assertEquals((0 + 4 + 1 + 9) / 4f, Losses.mse(p, t).item(), 1e-6);
        check("mse", in -> Losses.mse(in[0], in[1]), rand(1, 3, 5), rand(2, 3, 5));
        check("mse odd", in -> Losses.mse(in[0], in[1]), rand(3, 31), rand(4, 31));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.mse(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
        assertTrue(e.getMessage().startsWith("mse:") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[3, 2]"), e.getMessage());
    }
}

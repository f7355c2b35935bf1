package org.fnl4j.ops;

import static org.fnl4j.ops.OpsTesting.assertValues;
import static org.fnl4j.ops.OpsTesting.awayFromZero;
import static org.fnl4j.ops.OpsTesting.check;
import static org.fnl4j.ops.OpsTesting.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ActivationsTest {
    private static final int[][] SHAPES = {{7}, {3, 5}, {2, 1, 33}, {}};

    @Test
    void pointwiseGradients() {
        long seed = 1;
        for (int[] s : SHAPES) {
            check("relu", in -> Activations.relu(in[0]), awayFromZero(seed++, s));
            check("gelu", in -> Activations.gelu(in[0]), rand(seed++, -3f, 3f, s));
            check("tanh", in -> Activations.tanh(in[0]), rand(seed++, -2f, 2f, s));
            check("sigmoid", in -> Activations.sigmoid(in[0]), rand(seed++, -4f, 4f, s));
        }
    }

    @Test
    void geluIsTheTanhForm() {
        float[] xs = {-3f, -1f, -0.5f, 0f, 0.5f, 1f, 2f, 5f};
        float[] expected = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            double x = xs[i];
            expected[i] = (float) (0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));
        }
        Tensor y = Activations.gelu(Tensor.of(xs.clone(), xs.length));
        assertValues(expected, y, 2e-6);
        // Distinguishes the tanh form from the erf form: at x = 1 they differ by about 1.6e-4.
        assertEquals(0.8411920f, y.get(5), 2e-6);
        assertNotEquals(0.8413447f, y.get(5), 1e-5);
    }

    @Test
    void pointwiseForwardValues() {
        Tensor x = Tensor.of(new float[] {-2f, 0f, 1.5f}, 3);
        assertValues(new float[] {0f, 0f, 1.5f}, Activations.relu(x), 0);
        assertValues(new float[] {(float) Math.tanh(-2), 0f, (float) Math.tanh(1.5)}, Activations.tanh(x), 2e-6);
        assertValues(new float[] {(float) (1 / (1 + Math.exp(2))), 0.5f, (float) (1 / (1 + Math.exp(-1.5)))},
                Activations.sigmoid(x), 2e-6);
    }

    @Test
    void softmaxValuesAreStable() {
        Tensor x = Tensor.of(new float[] {1000f, 1001f, 1002f, -1f, 0f, 1f}, 2, 3);
        double z = 1 + Math.exp(1) + Math.exp(2);
        float[] p = {(float) (1 / z), (float) (Math.exp(1) / z), (float) (Math.exp(2) / z)};
        assertValues(new float[] {p[0], p[1], p[2], p[0], p[1], p[2]}, Activations.softmax(x, 1), 1e-6);
        float lz = (float) Math.log(z);
        assertValues(new float[] {-lz, 1 - lz, 2 - lz, -lz, 1 - lz, 2 - lz}, Activations.logSoftmax(x, -1), 2e-5);
        // Over axis 0 of the (2, 3) tensor each column is a softmax of 2 values.
        Tensor y = Tensor.of(new float[] {0f, 1f, 2f, 1f, 1f, 0f}, 2, 3);
        double e1 = Math.exp(-1), e2 = Math.exp(-2);
        float a = (float) (1 / (1 + e1)), b = (float) (e1 / (1 + e1));
        float c = (float) (1 / (1 + e2)), d = (float) (e2 / (1 + e2));
        assertValues(new float[] {b, 0.5f, c, a, 0.5f, d}, Activations.softmax(y, 0), 1e-6);
    }

    @Test
    void softmaxGradientsOverEveryAxis() {
        long seed = 50;
        for (int[] s : new int[][] {{7}, {3, 5}, {2, 3, 4}, {2, 1, 3}, {1, 33}}) {
            for (int ax = 0; ax < s.length; ax++) {
                final int a = ax;
                check("softmax axis " + ax, in -> Activations.softmax(in[0], a), rand(seed++, -2f, 2f, s));
                check("logSoftmax axis " + ax, in -> Activations.logSoftmax(in[0], a), rand(seed++, -2f, 2f, s));
            }
        }
    }

    @Test
    void dropoutReplaysWithSeedAndScales() {
        Tensor x = Tensor.full(1f, 1000);
        Tensor y1 = Activations.dropout(x, 0.3f, new Rng(7), true);
        Tensor y2 = Activations.dropout(x, 0.3f, new Rng(7), true);
        assertArrayEquals(y1.toArray(), y2.toArray());
        int zeros = 0;
        for (float v : y1.toArray()) {
            if (v == 0f) zeros++;
            else assertEquals(1f / 0.7f, v, 1e-6);
        }
        assertEquals(300, zeros, 60);
        assertSame(x, Activations.dropout(x, 0.3f, new Rng(7), false));
        assertValues(new float[1000], Activations.dropout(x, 1f, new Rng(7), true), 0);
        assertThrows(IllegalArgumentException.class, () -> Activations.dropout(x, 1.5f, new Rng(1), true));
        assertThrows(IllegalArgumentException.class, () -> Activations.dropout(x, 0.5f, null, true));
        assertSame(x, Activations.dropout(x, 0.5f, null, false));
    }

    @Test
    void dropoutGradient() {
        for (int[] s : new int[][] {{7}, {3, 5}, {2, 1, 33}}) {
            check("dropout", in -> Activations.dropout(in[0], 0.4f, new Rng(99), true), rand(77, s));
        }
    }
}

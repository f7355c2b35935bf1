package org.fnl4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.autograd.GradCheck;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Closed-form checks of the single layers (the ops they call have their own gradient checks). */
class LayersTest {
    static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), 1f, shape);
    }

    @Test
    void linearMatchesClosedForm() {
        Linear lin = new Linear(5, 3, new Rng(1));
        Tensor x = randn(2, 2, 4, 5);
        Tensor y = lin.forward(x);
        assertArrayEquals(new int[] {2, 4, 3}, y.shape());
        Tensor w = lin.weight().value();
        Tensor b = lin.bias().value();
        for (int n = 0; n < 2; n++) {
            for (int t = 0; t < 4; t++) {
                for (int o = 0; o < 3; o++) {
                    double s = b.get(o);
                    for (int i = 0; i < 5; i++) {
                        s += (double) x.get(n, t, i) * w.get(o, i);
                    }
                    assertEquals(s, y.get(n, t, o), 1e-5);
                }
            }
        }
        assertEquals(Parameter.Kind.WEIGHT, lin.weight().kind());
        assertEquals(Parameter.Kind.BIAS, lin.bias().kind());
        assertEquals(List.of("weight", "bias"), List.copyOf(lin.namedParameters().keySet()));
        assertEquals(18, lin.parameterCount());
        assertEquals("Linear(5 -> 3)", lin.describe());
        Linear nb = new Linear(5, 3, false, new Rng(1));
        assertNull(nb.bias());
        assertEquals("Linear(5 -> 3, no bias)", nb.describe());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lin.forward(randn(3, 2, 4)));
        assertTrue(e.getMessage().contains("(..., 5)") && e.getMessage().contains("[2, 4]"), e.getMessage());
    }

    /**
     * Softmax regression built from a Linear layer and the cross-entropy op agrees with its closed
     * form: loss = mean(-log softmax(Wx+b)[y]), dW = (softmax - onehot)ᵀ·X / N, db = mean(softmax - onehot).
     */
    @Test
    void softmaxRegressionMatchesClosedForm() {
        int n = 5, in = 4, k = 3;
        Linear lin = new Linear(in, k, new Rng(30));
        Tensor x = randn(31, n, in);
        int[] y = {0, 2, 1, 2, 0};
        Tensor loss = org.fnl4j.ops.Losses.crossEntropy(lin.forward(x), y, 0f);
        Autograd.backward(loss);
        double[][] delta = new double[n][k];
        double expectLoss = 0;
        for (int i = 0; i < n; i++) {
            double[] z = new double[k];
            double mx = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                z[c] = lin.bias().value().get(c);
                for (int j = 0; j < in; j++) z[c] += (double) lin.weight().value().get(c, j) * x.get(i, j);
                mx = Math.max(mx, z[c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) sum += Math.exp(z[c] - mx);
            for (int c = 0; c < k; c++) {
                delta[i][c] = Math.exp(z[c] - mx) / sum - (c == y[i] ? 1 : 0);
            }
            expectLoss += -(z[y[i]] - mx - Math.log(sum)) / n;
        }
        assertEquals(expectLoss, loss.item(), 1e-5);
        Tensor gw = lin.weight().value().gradTensor();
        Tensor gb = lin.bias().value().gradTensor();
        for (int c = 0; c < k; c++) {
            double db = 0;
            for (int i = 0; i < n; i++) db += delta[i][c] / n;
            assertEquals(db, gb.get(c), 1e-6, "db[" + c + "]");
            for (int j = 0; j < in; j++) {
                double dw = 0;
                for (int i = 0; i < n; i++) dw += delta[i][c] * x.get(i, j) / n;
                assertEquals(dw, gw.get(c, j), 1e-6, "dW[" + c + "," + j + "]");
            }
        }
    }

    @Test
    void linearDefaultInitIsTorchUniform() {
        Linear lin = new Linear(400, 300, new Rng(2));
        float max = 0;
        for (float v : lin.weight().value().toArray()) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= 0.05f && max > 0.0499f, "bound 1/sqrt(400), got max " + max);
        for (float v : lin.bias().value().toArray()) {
            assertTrue(Math.abs(v) <= 0.05f);
        }
        float[] before = lin.weight().value().toArray();
        lin.resetParameters(new Rng(3));
        assertNotEquals(before[0], lin.weight().value().get(0, 0));
    }

    /** Direct 7-loop convolution in double: (N,C,H,W) * (O,C/g,kh,kw). */
    static double[] naiveConv(Tensor x, Tensor w, Tensor bias, int sh, int sw, int ph, int pw, int dh, int dw, int g) {
        int n = x.shape(0), c = x.shape(1), h = x.shape(2), wd = x.shape(3);
        int o = w.shape(0), cg = w.shape(1), kh = w.shape(2), kw = w.shape(3);
        int ho = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
        int wo = (wd + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        double[] out = new double[n * o * ho * wo];
        int og = o / g;
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                int grp = oc / og;
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double s = bias == null ? 0 : bias.get(oc);
                        for (int ci = 0; ci < cg; ci++) {
                            for (int u = 0; u < kh; u++) {
                                for (int v = 0; v < kw; v++) {
                                    int yy = i * sh - ph + u * dh;
                                    int xx = j * sw - pw + v * dw;
                                    if (yy >= 0 && yy < h && xx >= 0 && xx < wd) {
                                        s += (double) x.get(b, grp * cg + ci, yy, xx) * w.get(oc, ci, u, v);
                                    }
                                }
                            }
                        }
                        out[((b * o + oc) * ho + i) * wo + j] = s;
                    }
                }
            }
        }
        return out;
    }

    @Test
    void conv2dFullGeometryMatchesDirectConvolution() {
        // Asymmetric kernel, stride, padding and dilation, two groups.
        Conv2d conv = new Conv2d(4, 6, 3, 2, 2, 1, 1, 0, 1, 2, 2, true, new Rng(4));
        assertArrayEquals(new int[] {6, 2, 3, 2}, conv.weight().shape());
        Tensor x = randn(5, 2, 4, 7, 6);
        Tensor y = conv.forward(x);
        int ho = conv.outputHeight(7), wo = conv.outputWidth(6);
        assertArrayEquals(new int[] {2, 6, ho, wo}, y.shape());
        double[] ref = naiveConv(x, conv.weight().value(), conv.bias().value(), 2, 1, 1, 0, 1, 2, 2);
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], y.data()[y.offset() + i], 1e-5, "element " + i);
        }
        assertEquals("Conv2d(4 -> 6, 3x2, stride 2x1, pad 1x0, dilation 1x2, groups 2)", conv.describe());
    }

    @Test
    void conv2dDescribeAndChecks() {
        Conv2d c = new Conv2d(16, 32, 3, 2, 1, false, new Rng(6));
        assertEquals("Conv2d(16 -> 32, 3x3, stride 2, pad 1, no bias)", c.describe());
        assertEquals(16 * 32 * 9, c.parameterCount());
        assertEquals(16, c.outputHeight(32));
        // Default init bound 1/sqrt(fanIn), fanIn = 16·9.
        float bound = (float) (1 / Math.sqrt(144));
        for (float v : c.weight().value().toArray()) {
            assertTrue(Math.abs(v) <= bound);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(6, 4, 3, 3, 1, 1, 1, 4, false, new Rng(1)));
        assertTrue(e.getMessage().contains("divisible by groups (4)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.forward(randn(1, 2, 8, 5, 5)));
        assertTrue(e.getMessage().contains("(N, 16, H, W)") && e.getMessage().contains("[2, 8, 5, 5]"), e.getMessage());
    }

    /**
     * BatchNorm2d against the PyTorch definition computed by hand: batch statistics with the biased
     * variance for the output, running_mean/var updated with momentum 0.1 and the unbiased variance,
     * and the running statistics used in eval mode.
     */
    @Test
    void batchNorm2dFollowsPyTorchEndToEnd() {
        int n = 3, c = 2, h = 2, w = 2;
        BatchNorm2d bn = new BatchNorm2d(c);
        bn.weight().copyFrom(new float[] {1.5f, -0.5f});
        bn.bias().copyFrom(new float[] {0.25f, 2f});
        double[] rm = {0, 0};
        double[] rv = {1, 1};
        for (int step = 0; step < 2; step++) {
            Tensor x = Tensor.randn(new Rng(10 + step), 2f, n, c, h, w);
            for (int i = 0; i < x.size(); i++) {
                x.data()[i] += 3; // a non-zero mean, so the running mean moves
            }
            Tensor y = bn.forward(x);
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                for (int b = 0; b < n; b++) {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < w; j++) {
                            s += x.get(b, ch, i, j);
                        }
                    }
                }
                int m = n * h * w;
                double mean = s / m;
                double ss = 0;
                for (int b = 0; b < n; b++) {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < w; j++) {
                            ss += Math.pow(x.get(b, ch, i, j) - mean, 2);
                        }
                    }
                }
                double biased = ss / m;
                double unbiased = ss / (m - 1);
                double g = bn.weight().value().get(ch), be = bn.bias().value().get(ch);
                for (int b = 0; b < n; b++) {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < w; j++) {
                            double expect = g * (x.get(b, ch, i, j) - mean) / Math.sqrt(biased + 1e-5) + be;
                            assertEquals(expect, y.get(b, ch, i, j), 1e-4, "step " + step + " output");
                        }
                    }
                }
                rm[ch] = 0.9 * rm[ch] + 0.1 * mean;
                rv[ch] = 0.9 * rv[ch] + 0.1 * unbiased;
                assertEquals(rm[ch], bn.runningMean().get(ch), 1e-5, "running_mean after step " + step);
                assertEquals(rv[ch], bn.runningVar().get(ch), 1e-4, "running_var after step " + step);
            }
        }
        bn.eval();
        Tensor x = randn(20, 1, c, h, w);
        Tensor y = bn.forward(x);
        for (int ch = 0; ch < c; ch++) {
            double g = bn.weight().value().get(ch), be = bn.bias().value().get(ch);
            double expect = g * (x.get(0, ch, 1, 0) - rm[ch]) / Math.sqrt(rv[ch] + 1e-5) + be;
            assertEquals(expect, y.get(0, ch, 1, 0), 1e-4, "eval output uses running statistics");
        }
        assertEquals(rm[1], bn.runningMean().get(1), 1e-5, "eval leaves running stats alone");
        assertEquals(List.of("running_mean", "running_var"), List.copyOf(bn.namedBuffers().keySet()));
        assertEquals(Parameter.Kind.NORM, bn.weight().kind());
        assertEquals("BatchNorm2d(2)", bn.describe());
        bn.resetParameters(new Rng(0));
        assertEquals(0f, bn.runningMean().get(1));
        assertEquals(1f, bn.runningVar().get(1));
        assertEquals(1f, bn.weight().value().get(1));
    }

    @Test
    void batchNorm1dOnFeaturesAndSequences() {
        BatchNorm1d bn = new BatchNorm1d(3);
        Tensor x = randn(21, 4, 3);
        Tensor y = bn.forward(x);
        for (int ch = 0; ch < 3; ch++) {
            double s = 0, s2 = 0;
            for (int b = 0; b < 4; b++) {
                s += y.get(b, ch);
                s2 += y.get(b, ch) * y.get(b, ch);
            }
            assertEquals(0, s / 4, 1e-5);
            assertEquals(1, s2 / 4, 1e-3);
        }
        // (N, C, L) uses statistics over N·L, like (N, C·L... ) reshaped to (N, C, L, 1).
        BatchNorm1d bn3 = new BatchNorm1d(3);
        Tensor x3 = randn(22, 2, 3, 5);
        Tensor y3 = bn3.forward(x3);
        assertArrayEquals(new int[] {2, 3, 5}, y3.shape());
        BatchNorm2d ref = new BatchNorm2d(3);
        Tensor r = ref.forward(x3.view(2, 3, 5, 1));
        assertArrayEquals(r.toArray(), y3.toArray(), 1e-6f);
        assertArrayEquals(ref.runningVar().toArray(), bn3.runningVar().toArray(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> bn.forward(randn(1, 4, 2)));
    }

    @Test
    void layerNormMatchesClosedForm() {
        LayerNorm ln = new LayerNorm(6);
        ln.weight().copyFrom(new float[] {1, 2, 3, -1, 0.5f, 1});
        ln.bias().copyFrom(new float[] {0, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f});
        Tensor x = randn(23, 2, 3, 6);
        Tensor y = ln.forward(x);
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 3; b++) {
                double m = 0, v = 0;
                for (int i = 0; i < 6; i++) m += x.get(a, b, i) / 6.0;
                for (int i = 0; i < 6; i++) v += Math.pow(x.get(a, b, i) - m, 2) / 6.0;
                for (int i = 0; i < 6; i++) {
                    double e = (x.get(a, b, i) - m) / Math.sqrt(v + 1e-5) * ln.weight().value().get(i)
                            + ln.bias().value().get(i);
                    assertEquals(e, y.get(a, b, i), 1e-4);
                }
            }
        }
        assertEquals("LayerNorm(6)", ln.describe());
    }

    @Test
    void embeddingLooksUpRows() {
        Embedding emb = new Embedding(10, 4, new Rng(7));
        Tensor ids = Tensor.of(new float[] {3, 0, 9, 3, 1, 2}, 2, 3);
        Tensor y = emb.forward(ids);
        assertArrayEquals(new int[] {2, 3, 4}, y.shape());
        for (int j = 0; j < 4; j++) {
            assertEquals(emb.weight().value().get(9, j), y.get(0, 2, j));
            assertEquals(emb.weight().value().get(3, j), y.get(1, 0, j));
        }
        assertEquals(Parameter.Kind.EMBEDDING, emb.weight().kind());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> emb.forward(Tensor.of(new float[] {1, 10}, 2)));
        assertTrue(e.getMessage().contains("[0, 10)") && e.getMessage().contains("10.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> emb.forward(Tensor.of(new float[] {1.5f}, 1)));
    }

    @Test
    void dropoutTrainEvalAndSeed() {
        Tensor x = Tensor.full(1f, 100_000);
        Dropout d = new Dropout(0.25f, new Rng(8));
        Tensor y = d.forward(x);
        int zeros = 0;
        for (float v : y.toArray()) {
            if (v == 0) zeros++;
            else assertEquals(1 / 0.75f, v, 1e-6);
        }
        assertEquals(0.25, zeros / 100_000.0, 0.01);
        Tensor again = new Dropout(0.25f, new Rng(8)).forward(x);
        assertArrayEquals(y.toArray(), again.toArray());
        d.eval();
        assertSame(x, d.forward(x));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1f, new Rng(1)));
    }

    @Test
    void statelessLayers() {
        Tensor x = Tensor.of(new float[] {-1, 0, 1, 2}, 1, 1, 2, 2);
        assertArrayEquals(new float[] {0, 0, 1, 2}, new ReLU().forward(x).toArray());
        assertEquals(0.8412f, new GELU().forward(x).get(0, 0, 1, 0), 1e-3f);
        assertArrayEquals(new int[] {1, 4}, new Flatten().forward(x).shape());
        assertArrayEquals(new int[] {4}, new Flatten(0).forward(x).shape());
        Tensor p = new GlobalAvgPool().forward(x);
        assertArrayEquals(new int[] {1, 1}, p.shape());
        assertEquals(0.5f, p.item(), 1e-6f);
        Tensor m = new MaxPool2d(2).forward(x);
        assertEquals(2f, m.item());
        assertEquals("MaxPool2d(2x2)", new MaxPool2d(2).describe());
    }

    @Test
    void sequentialNamesAndReplacement() {
        Rng rng = new Rng(9);
        Sequential s = new Sequential(new Linear(4, 8, rng), new ReLU(), new Linear(8, 2, rng));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(s.namedParameters().keySet()));
        Tensor x = randn(10, 3, 4);
        assertArrayEquals(new int[] {3, 2}, s.forward(x).shape());
        Linear other = new Linear(8, 5, rng);
        Module old = s.replaceModule("2", other);
        assertTrue(old instanceof Linear);
        assertSame(other, s.get(2));
        assertArrayEquals(new int[] {3, 5}, s.forward(x).shape(), "forward uses the replacement");
        assertThrows(IllegalArgumentException.class, () -> s.replaceModule("7", other));
        s.eval();
        assertTrue(!s.get(0).isTraining());
    }

    @Test
    void smallCompositeGradientCheck() {
        // Linear → LayerNorm → GELU → Linear through the module API, finite differences on the
        // input and every parameter.
        Rng rng = new Rng(11);
        Sequential s = new Sequential(new Linear(3, 4, rng), new LayerNorm(4), new GELU(), new Linear(4, 2, rng));
        Tensor x = randn(12, 2, 3).requiresGrad(true);
        List<Parameter> ps = s.parameters();
        Tensor[] inputs = new Tensor[ps.size() + 1];
        inputs[0] = x;
        for (int i = 0; i < ps.size(); i++) inputs[i + 1] = ps.get(i).value();
        GradCheck.Result r = GradCheck.check(in -> s.forward(in[0]), 1e-2, 13, inputs);
        assertTrue(r.passed(2e-2), r.toString());
        assertTrue(Autograd.isGradEnabled());
    }
}

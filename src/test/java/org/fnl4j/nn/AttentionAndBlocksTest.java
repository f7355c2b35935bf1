package org.fnl4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fnl4j.autograd.GradCheck;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AttentionAndBlocksTest {
    /** Multi-head attention computed from the weights with plain loops in double. */
    static double[] referenceAttention(MultiHeadAttention mha, Tensor x, boolean causal) {
        int b = x.shape(0), t = x.shape(1), d = x.shape(2), h = mha.heads(), dh = mha.headDim(), inner = h * dh;
        Tensor wq = mha.query().weight().value(), wk = mha.key().weight().value(), wv = mha.value().weight().value();
        Tensor wo = mha.output().weight().value();
        double[] out = new double[b * t * d];
        for (int n = 0; n < b; n++) {
            double[][] q = new double[t][inner], k = new double[t][inner], v = new double[t][inner];
            for (int i = 0; i < t; i++) {
                for (int r = 0; r < inner; r++) {
                    for (int c = 0; c < d; c++) {
                        q[i][r] += wq.get(r, c) * x.get(n, i, c);
                        k[i][r] += wk.get(r, c) * x.get(n, i, c);
                        v[i][r] += wv.get(r, c) * x.get(n, i, c);
                    }
                }
            }
            double[][] cat = new double[t][inner];
            for (int hh = 0; hh < h; hh++) {
                for (int i = 0; i < t; i++) {
                    int last = causal ? i : t - 1;
                    double[] sc = new double[last + 1];
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= last; j++) {
                        for (int e = 0; e < dh; e++) sc[j] += q[i][hh * dh + e] * k[j][hh * dh + e];
                        sc[j] /= Math.sqrt(dh);
                        mx = Math.max(mx, sc[j]);
                    }
                    double z = 0;
                    for (int j = 0; j <= last; j++) {
                        sc[j] = Math.exp(sc[j] - mx);
                        z += sc[j];
                    }
                    for (int j = 0; j <= last; j++) {
                        for (int e = 0; e < dh; e++) cat[i][hh * dh + e] += sc[j] / z * v[j][hh * dh + e];
                    }
                }
            }
            for (int i = 0; i < t; i++) {
                for (int o = 0; o < d; o++) {
                    double s = 0;
                    for (int r = 0; r < inner; r++) s += wo.get(o, r) * cat[i][r];
                    out[(n * t + i) * d + o] = s;
                }
            }
        }
        return out;
    }

    @Test
    void multiHeadAttentionMatchesReference() {
        for (boolean causal : new boolean[] {false, true}) {
            MultiHeadAttention mha = new MultiHeadAttention(8, 2, causal, new Rng(1));
            Tensor x = Tensor.randn(new Rng(2), 1f, 2, 5, 8);
            Tensor y = mha.forward(x);
            assertArrayEquals(new int[] {2, 5, 8}, y.shape());
            double[] ref = referenceAttention(mha, x, causal);
            for (int i = 0; i < ref.length; i++) {
                assertEquals(ref[i], y.data()[y.offset() + i], 1e-4, "causal=" + causal + " element " + i);
            }
        }
    }

    @Test
    void compressedHeadDimension() {
        MultiHeadAttention mha = new MultiHeadAttention(8, 2, 3, false, new Rng(3));
        assertArrayEquals(new int[] {6, 8}, mha.query().weight().shape());
        assertArrayEquals(new int[] {8, 6}, mha.output().weight().shape());
        Tensor x = Tensor.randn(new Rng(4), 1f, 1, 4, 8);
        double[] ref = referenceAttention(mha, x, false);
        Tensor y = mha.forward(x);
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], y.data()[i], 1e-4);
        }
        assertEquals("MultiHeadAttention(d 8, heads 2, head dim 3)", mha.describe());
        assertEquals(4 * 48, mha.parameterCount());
    }

    @Test
    void causalOutputIgnoresTheFuture() {
        MultiHeadAttention mha = new MultiHeadAttention(12, 3, true, new Rng(5));
        Tensor x = Tensor.randn(new Rng(6), 1f, 2, 7, 12);
        Tensor y = mha.forward(x);
        int t0 = 3;
        Tensor x2 = x.copy();
        for (int n = 0; n < 2; n++) {
            for (int t = t0 + 1; t < 7; t++) {
                for (int c = 0; c < 12; c++) x2.set(x2.get(n, t, c) + 5f, n, t, c);
            }
        }
        Tensor y2 = mha.forward(x2);
        boolean laterChanged = false;
        for (int n = 0; n < 2; n++) {
            for (int t = 0; t < 7; t++) {
                for (int c = 0; c < 12; c++) {
                    if (t <= t0) {
                        assertEquals(y.get(n, t, c), y2.get(n, t, c), 1e-6f, "output at t=" + t + " saw the future");
                    } else {
                        laterChanged |= y.get(n, t, c) != y2.get(n, t, c);
                    }
                }
            }
        }
        assertTrue(laterChanged, "later outputs do depend on the changed inputs");
        // Without the mask the early outputs change.
        MultiHeadAttention full = new MultiHeadAttention(12, 3, false, new Rng(5));
        assertNotEquals(full.forward(x).get(0, 0, 0), full.forward(x2).get(0, 0, 0));
    }

    @Test
    void attentionStructureAndInit() {
        MultiHeadAttention mha = new MultiHeadAttention(64, 4, true, new Rng(7));
        assertEquals(List.of("q_proj.weight", "k_proj.weight", "v_proj.weight", "out_proj.weight"),
                List.copyOf(mha.namedParameters().keySet()));
        assertEquals(16, mha.headDim());
        assertEquals("MultiHeadAttention(d 64, heads 4, causal)", mha.describe());
        double qBound = Math.sqrt(6.0 / 128) / Math.sqrt(2);
        double oBound = Math.sqrt(6.0 / 128);
        float qMax = 0, oMax = 0;
        for (float v : mha.query().weight().value().toArray()) qMax = Math.max(qMax, Math.abs(v));
        for (float v : mha.output().weight().value().toArray()) oMax = Math.max(oMax, Math.abs(v));
        assertTrue(qMax <= qBound && qMax > 0.95 * qBound, "W_Q xavier gain 1/sqrt2: " + qMax);
        assertTrue(oMax <= oBound && oMax > 0.95 * oBound, "W_O xavier gain 1: " + oMax);
        assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(10, 4, false, new Rng(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mha.forward(Tensor.zeros(2, 64)));
        assertTrue(e.getMessage().contains("(B, T, 64)"), e.getMessage());
        // The accessors fail clearly once a projection was swapped for another kind of module.
        mha.replaceModule("k_proj", new ReLU());
        IllegalStateException s = assertThrows(IllegalStateException.class, mha::key);
        assertTrue(s.getMessage().contains("ReLU"), s.getMessage());
    }

    @Test
    void attentionGradientCheck() {
        MultiHeadAttention mha = new MultiHeadAttention(4, 2, true, new Rng(8));
        Tensor x = Tensor.randn(new Rng(9), 1f, 2, 3, 4).requiresGrad(true);
        Tensor[] in = {x, mha.query().weight().value(), mha.key().weight().value(), mha.value().weight().value(),
            mha.output().weight().value()};
        GradCheck.Result r = GradCheck.check(t -> mha.forward(t[0]), 1e-2, 10, in);
        assertTrue(r.passed(1e-2), r.toString());
    }

    @Test
    void basicBlockShapesAndShortcut() {
        Rng rng = new Rng(11);
        BasicBlock same = new BasicBlock(4, 4, 1, rng);
        assertFalse(same.hasOptionAShortcut());
        assertEquals("BasicBlock(4 -> 4)", same.describe());
        BasicBlock down = new BasicBlock(4, 8, 2, rng);
        assertTrue(down.hasOptionAShortcut());
        assertEquals("BasicBlock(4 -> 8, stride 2, option-A shortcut)", down.describe());
        assertArrayEquals(new int[] {2, 8, 4, 3}, down.forward(Tensor.randn(new Rng(12), 1f, 2, 4, 7, 5)).shape());
        assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "bn2.weight", "bn2.bias"),
                List.copyOf(down.namedParameters().keySet()));
        assertThrows(IllegalArgumentException.class, () -> new BasicBlock(4, 7, 2, rng));
    }

    @Test
    void basicBlockIsResidual() {
        // With the second BN's γ = β = 0 the residual branch is zero, so y = relu(shortcut(x)).
        BasicBlock b = new BasicBlock(2, 4, 2, new Rng(13));
        ((BatchNorm) b.children().get("bn2")).weight().copyFrom(new float[4]);
        Tensor x = Tensor.randn(new Rng(14), 1f, 1, 2, 4, 4);
        Tensor y = b.forward(x);
        for (int c = 0; c < 4; c++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    float e = (c == 0 || c == 3) ? 0f : Math.max(0f, x.get(0, c - 1, 2 * i, 2 * j));
                    assertEquals(e, y.get(0, c, i, j), 1e-6f, "channel " + c);
                }
            }
        }
    }

    @Test
    void basicBlockGradientCheck() {
        BasicBlock b = new BasicBlock(2, 4, 2, new Rng(15));
        Tensor x = Tensor.randn(new Rng(16), 1f, 2, 2, 4, 4).requiresGrad(true);
        List<Parameter> ps = b.parameters();
        Tensor[] in = new Tensor[ps.size() + 1];
        in[0] = x;
        for (int i = 0; i < ps.size(); i++) in[i + 1] = ps.get(i).value();
        // A small step: with 8 values per BatchNorm channel the pre-ReLU values are O(1) but move
        // fast with the weights, and a 1e-2 step crosses ReLU kinks.
        GradCheck.Result r = GradCheck.check(t -> b.forward(t[0]), 1e-3, 17, in);
        assertTrue(r.passed(5e-3), r.toString());
    }

    @Test
    void transformerBlockIsCausalAndPreLn() {
        TransformerBlock blk = new TransformerBlock(8, 2, 4, true, 0f, new Rng(18));
        assertEquals(List.of("ln1", "attn", "ln2", "mlp"), List.copyOf(blk.children().keySet()));
        assertEquals(2 * 8 + 4 * 64 + 2 * 8 + (8 * 32 + 32) + (32 * 8 + 8), blk.parameterCount());
        Tensor x = Tensor.randn(new Rng(19), 1f, 1, 5, 8);
        Tensor y = blk.forward(x);
        Tensor x2 = x.copy();
        x2.set(9f, 0, 4, 0);
        Tensor y2 = blk.forward(x2);
        for (int t = 0; t < 4; t++) {
            for (int c = 0; c < 8; c++) {
                assertEquals(y.get(0, t, c), y2.get(0, t, c), 1e-6f);
            }
        }
        TransformerBlock withDrop = new TransformerBlock(8, 2, 4, true, 0.1f, new Rng(18));
        assertTrue(withDrop.children().containsKey("drop"));
    }
}

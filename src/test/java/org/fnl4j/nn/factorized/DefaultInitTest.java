package org.fnl4j.nn.factorized;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.fnl4j.init.WeightInit;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Conv2d;
import org.fnl4j.nn.Linear;
import org.fnl4j.nn.Module;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The baseline (no-SI) init of factorized layers is the paper's: each factor drawn from the replaced
 * dense layer's own rule on its own shape. Measured on built layers: the scale of the product
 * against the dense weight the same seed gives.
 */
class DefaultInitTest {

    private static double sumSquares(Tensor t) {
        double s = 0;
        for (int i = 0; i < t.size(); i++) {
            double v = t.data()[t.offset() + i];
            s += v * v;
        }
        return s;
    }

    /**
     * Transformer MLP linears (PyTorch's default U(±1/√in)) at s = 0.5: U (out, r) ~ U(±1/√r) and
     * Vᵀ (r, in) ~ U(±1/√in), so ‖UVᵀ‖_F / ‖W‖_F → 1/√3 ≈ 0.577. Kaiming-normal on each factor (the
     * former baseline) gave about 3.5.
     */
    @Test
    void factorizedLinearStartsBelowTheDenseScale() {
        ModelSpec spec = ModelSpec.of("transformer", "vocab", 40, "context", 16, "dModel", 128, "heads", 4, "layers", 2);
        Module dense = Models.build(spec, new Rng(3));
        Module fact = Factorize.apply(Models.build(spec, new Rng(3)),
                FactorizationSpec.ratio(0.5).withInit(FactorInit.DEFAULT), new Rng(4));
        Map<String, Module> denseLayers = dense.namedModules();
        int checked = 0;
        for (Map.Entry<String, Module> e : fact.namedModules().entrySet()) {
            if (!(e.getValue() instanceof FactorizedLinear f)) {
                continue;
            }
            Linear d = assertInstanceOf(Linear.class, denseLayers.get(e.getKey()));
            assertEquals(WeightInit.TORCH_DEFAULT, d.weightInit());
            assertEquals(WeightInit.TORCH_DEFAULT, f.factorInit(), e.getKey());
            double ratio = Math.sqrt(sumSquares(f.product()) / sumSquares(d.weight().value()));
            assertTrue(ratio > 0.5 && ratio < 0.66, e.getKey() + ": ‖UVᵀ‖_F / ‖W‖_F = " + ratio + ", expected about 1/√3");
            checked++;
        }
        assertEquals(4, checked, "two MLP linears in each of 2 blocks");
    }

    /**
     * ResNet-20 convs are Kaiming-normal (fan-in, gain √2), and so is each factor in the paper's
     * code; in its conv layout the product's variance is 4/(in·kw) against the dense 2/(in·kh·kw),
     * a scale √(2·kh) = √6 ≈ 2.45 above the dense one. This pins the paper's ResNet baseline.
     */
    @Test
    void factorizedConvBaselineIsThePapersKaimingOnEachFactor() {
        ModelSpec spec = ModelSpec.of("resnet20", "inChannels", 1, "height", 8, "width", 8, "numClasses", 10);
        Module dense = Models.build(spec, new Rng(5));
        Module fact = Factorize.apply(Models.build(spec, new Rng(5)),
                FactorizationSpec.ratio(0.333).withInit(FactorInit.DEFAULT), new Rng(6));
        Map<String, Module> denseLayers = dense.namedModules();
        double num = 0, den = 0;
        int convs = 0;
        for (Map.Entry<String, Module> e : fact.namedModules().entrySet()) {
            if (e.getValue() instanceof FactorizedConv2d f) {
                Conv2d d = assertInstanceOf(Conv2d.class, denseLayers.get(e.getKey()));
                assertEquals(WeightInit.KAIMING_NORMAL, d.weightInit());
                assertEquals(WeightInit.KAIMING_NORMAL, f.factorInit());
                num += sumSquares(f.product());
                den += sumSquares(d.weight().value());
                convs++;
            }
        }
        assertEquals(18, convs);
        double ratio = Math.sqrt(num / den);
        assertTrue(ratio > 2.2 && ratio < 2.7, "Σ‖UVᵀ‖² / Σ‖W‖² gives a scale of " + ratio + ", expected about √6");
    }

    @Test
    void linearRecordsTheRuleItsWeightWasDrawnFrom() {
        Linear l = new Linear(50, 40, new Rng(1));
        assertEquals(WeightInit.TORCH_DEFAULT, l.weightInit());
        l.initWeight(WeightInit.UNIFORM_01, new Rng(2));
        assertEquals(WeightInit.UNIFORM_01, l.weightInit());
        float max = 0;
        for (float v : l.weight().value().toArray()) max = Math.max(max, Math.abs(v));
        assertTrue(max <= 0.1f && max > 0.09f, "U(±0.1), max |w| " + max);
        FactorizedLinear f = new FactorizedLinear(50, 40, 10, false, true, l.weightInit(), new Rng(3));
        for (float v : f.u().value().toArray()) assertTrue(Math.abs(v) <= 0.1f);
        for (float v : f.vt().value().toArray()) assertTrue(Math.abs(v) <= 0.1f);
    }

    /**
     * Factorize with SI on a Transformer at s = 0.5: attention gets the paper's SI (its own products
     * re-balanced, so the attention layers compute what their baseline init computes), while SVD
     * compression truncates the dense layer's products.
     */
    @Test
    void attentionSiRebalancesTheCompressedLayersOwnInit() {
        ModelSpec spec = ModelSpec.of("transformer", "vocab", 20, "context", 8, "dModel", 16, "heads", 2, "layers", 1);
        FactorizationSpec half = FactorizationSpec.ratio(0.5).withAttention(true);
        Module base = Factorize.apply(Models.build(spec, new Rng(8)), half.withInit(FactorInit.DEFAULT), new Rng(9));
        Module si = Factorize.apply(Models.build(spec, new Rng(8)), half, new Rng(9));
        FactorizedAttention a0 = (FactorizedAttention) base.namedModules().get("blocks.0.attn");
        FactorizedAttention a1 = (FactorizedAttention) si.namedModules().get("blocks.0.attn");
        assertEquals(4, a1.headDim());
        Tensor x = Tensor.randn(new Rng(10), 1f, 2, 5, 16);
        Tensor y0 = a0.forward(x), y1 = a1.forward(x);
        double worst = 0, scale = 0;
        for (int i = 0; i < y0.size(); i++) {
            worst = Math.max(worst, Math.abs(y0.data()[y0.offset() + i] - y1.data()[y1.offset() + i]));
            scale = Math.max(scale, Math.abs(y0.data()[y0.offset() + i]));
        }
        assertTrue(worst < 1e-4 * scale, "SI keeps the compressed layer's function: " + worst + " vs " + scale);
        Module dense = Models.build(spec, new Rng(8));
        Module truncated = Factorize.svdCompress(Models.build(spec, new Rng(8)), half);
        FactorizedAttention t = (FactorizedAttention) truncated.namedModules().get("blocks.0.attn");
        org.fnl4j.nn.MultiHeadAttention m = (org.fnl4j.nn.MultiHeadAttention) dense.namedModules().get("blocks.0.attn");
        FactorizedAttention full = new FactorizedAttention(16, 2, 8, 8, true, new Rng(0));
        full.copyFrom(m.query().weight().value().toArray(), m.key().weight().value().toArray(),
                m.value().weight().value().toArray(), m.output().weight().value().toArray());
        // Truncation's first singular value of each product is the dense product's.
        float[] sd = full.singularValues(), st = t.singularValues();
        assertEquals(sd[0], st[0], 1e-4 * sd[0]);
    }
}

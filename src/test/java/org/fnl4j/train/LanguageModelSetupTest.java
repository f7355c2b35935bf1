package org.fnl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.data.Batch;
import org.fnl4j.data.Datasets;
import org.fnl4j.models.Architecture;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Linear;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.MultiHeadAttention;
import org.fnl4j.nn.factorized.FactorInit;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.nn.factorized.FactorizedAttention;
import org.fnl4j.nn.factorized.FactorizedLinear;
import org.fnl4j.optim.Sgd;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of the paper's Transformer setup: NAG, clipping, a validation split, attention-only factorization. */
class LanguageModelSetupTest {
    @TempDir
    Path dir;

    static Recipe.Builder tinyLm() {
        return Recipe.builder().model(Architecture.TRANSFORMER).data(DataRef.text()).width(0.25).dense()
                .init(FactorInit.DEFAULT).decay(Decay.WEIGHT).epochs(1).batch(16).context(16).trainLimit(8000)
                .testLimit(2000);
    }

    @Test
    void theRecipeCarriesTheNewChoicesAndChecksThem() {
        Recipe r = tinyLm().rank(1.0).factorize(FactorizeLayers.ATTENTION).decay(Decay.FROBENIUS)
                .optimizer(OptimizerKind.NAG).lr(0.25).schedule(Schedule.inverseSqrt(200, 1)).clip(0.1)
                .validFraction(0.1).build();
        assertEquals(r, Recipe.fromJson(r.toJson()));
        assertEquals("attention", r.toJson().get("factorize"));
        assertEquals(0.1, r.toJson().get("clip"));
        Sgd nag = assertInstanceOf(Sgd.class, OptimizerKind.NAG.create(
                List.of(new org.fnl4j.optim.ParamGroup(List.of(new org.fnl4j.nn.Parameter(Tensor.zeros(2),
                        org.fnl4j.nn.Parameter.Kind.WEIGHT)), 0.1f))));
        assertEquals(0.99f, nag.momentum());
        assertTrue(nag.nesterov());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Recipe.builder().validFraction(0.1).build());
        assertTrue(e.getMessage().contains("valid_fraction"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Recipe.builder().factorize(FactorizeLayers.ATTENTION).build());
        assertTrue(e.getMessage().contains("factorize attention"), e.getMessage());
        Recipe trunc = tinyLm().rank(0.5).init(FactorInit.SPECTRAL)
                .attentionSi(org.fnl4j.nn.factorized.AttentionSpectral.TRUNCATE_DENSE).build();
        assertEquals("truncate-dense", trunc.toJson().get("attention_si"));
        assertEquals(trunc, Recipe.fromJson(trunc.toJson()));
        assertFalse(r.toJson().containsKey("attention_si"), "the default is not written");
        assertThrows(IllegalArgumentException.class, () -> tinyLm().clip(0.0).build());
        assertThrows(IllegalArgumentException.class, () -> tinyLm().validFraction(0.7).build());
    }

    /** The validation split is the end of the training text: training keeps what precedes it, the test split is untouched. */
    @Test
    void theValidationSplitIsHeldOutFromTheTrainingText() throws Exception {
        RunData with = RunData.load(tinyLm().validFraction(0.1).build());
        RunData without = RunData.load(tinyLm().build());
        assertNull(without.valid());
        assertTrue(with.train().describe().contains("7200 tokens"), with.train().describe());
        assertTrue(without.train().describe().contains("8000 tokens"), without.train().describe());
        assertTrue(with.valid().describe().contains("800 tokens"), with.valid().describe());
        assertEquals(without.test().size(), with.test().size());
        int[] train = Datasets.kjv().trainIds();
        Batch first = with.valid().batch(0, 0);
        Tensor in = first.inputs();
        for (int t = 0; t < 16; t++) {
            assertEquals(train[7200 + t], (int) in.data()[in.offset() + t], "validation stream 0 starts at token 7200");
        }
    }

    /** Attention factorized at full head dimension keeps the dense model's initial function; the MLP stays dense. */
    @Test
    void attentionOnlyFactorizationKeepsTheDenseFunction() {
        ModelSpec spec = ModelSpec.of("transformer", "vocab", 30, "context", 8, "dModel", 16, "heads", 2, "layers", 2);
        Module dense = Models.build(spec, new Rng(4));
        Module model = Models.build(spec, new Rng(4));
        Factorize.apply(model, Run.attentionOnly(model, tinyLm().rank(1.0).build().factorization()), new Rng(5));
        Map<String, Module> mods = model.namedModules();
        assertInstanceOf(FactorizedAttention.class, mods.get("blocks.0.attn"));
        assertInstanceOf(Linear.class, mods.get("blocks.0.mlp.0"));
        assertFalse(mods.values().stream().anyMatch(m -> m instanceof FactorizedLinear || m instanceof MultiHeadAttention));
        Tensor ids = Tensor.of(new float[] {1, 5, 7, 2, 9, 0, 3, 3, 8, 4}, 2, 5);
        try (Autograd.Scope s = Autograd.noGrad()) {
            Tensor a = dense.forward(ids), b = model.forward(ids);
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.data()[a.offset() + i], b.data()[b.offset() + i], 1e-5f);
            }
        }
    }

    /** Clipping and the validation metric act in a run; clipping at a tiny norm changes the result. */
    @Test
    void aRunClipsAndReportsTheValidationLoss() throws Exception {
        Recipe base = tinyLm().optimizer(OptimizerKind.NAG).lr(0.05).schedule(Schedule.inverseSqrt(4, 1))
                .validFraction(0.1).build();
        RunResult plain = Run.create(base, dir.resolve("plain")).fit();
        RunResult clipped = Run.create(base.toBuilder().clip(1e-3).build(), dir.resolve("clipped")).fit();
        Object v = plain.training().last().extra().get(Run.VALID_LOSS);
        assertTrue(v instanceof Double d && Double.isFinite(d) && d > 0, "valid_loss " + v);
        assertNotEquals(plain.testLoss(), clipped.testLoss());
    }
}

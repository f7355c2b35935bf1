package org.fnl4j.nn.factorized;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Conv2d;
import org.fnl4j.nn.Linear;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.MultiHeadAttention;
import org.fnl4j.nn.Parameter;
import org.fnl4j.optim.DecayKind;
import org.fnl4j.optim.ParamGroup;
import org.fnl4j.regularize.DecayArms;
import org.fnl4j.regularize.FrobeniusDecay;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class FactorizeTest {

    static Module resnet20(int c, int hw, long seed) {
        return Models.build(ModelSpec.of("resnet20", "inChannels", c, "height", hw, "width", hw, "numClasses", 10),
                new Rng(seed));
    }

    /** A half-width ResNet-20 (8/16/32 channels): the same structure at a quarter of the SVD cost. */
    static Module slimResnet20(int hw, long seed) {
        return Models.build(ModelSpec.of("resnet20", "inChannels", 1, "height", hw, "width", hw, "numClasses", 10,
                "widthMultiplier", 0.5), new Rng(seed));
    }

    static Tensor eval(Module m, Tensor x) {
        m.eval();
        try (Autograd.Scope s = Autograd.noGrad()) {
            return m.forward(x);
        }
    }

    static double maxRel(Tensor a, Tensor b) {
        double worst = 0, scale = 1e-12;
        for (int i = 0; i < a.size(); i++) scale = Math.max(scale, Math.abs(b.data()[b.offset() + i]));
        for (int i = 0; i < a.size(); i++) worst = Math.max(worst, Math.abs(a.data()[a.offset() + i] - b.data()[b.offset() + i]));
        return worst / scale;
    }

    @Test
    void resnet20ParameterCountsMatchThePaper() {
        Module m = resnet20(3, 32, 1);
        assertEquals(269_722, m.parameterCount());
        FactorizationSpec spec = FactorizationSpec.ratio(0.111);
        assertEquals(63_850, RankPolicy.modelCount(m, spec, 0.111));
        Map<String, Module> eligible = RankPolicy.eligible(m, spec);
        assertEquals(18, eligible.size(), "all 18 block convs; stem and classifier stay dense");
        assertTrue(!eligible.containsKey("conv1") && !eligible.containsKey("linear"));
        Factorize.apply(m, spec.withInit(FactorInit.DEFAULT), new Rng(2));
        assertEquals(63_850, m.parameterCount());
        int[] ranks = Factorize.layers(m).values().stream().mapToInt(Factorized::rank).distinct().toArray();
        assertEquals(List.of(5, 11, 21), java.util.Arrays.stream(ranks).boxed().toList());
        assertEquals(269_434, resnet20(1, 28, 1).parameterCount());
    }

    @Test
    void collapseOfFullRankFactorizationPredictsLikeTheDenseModel() {
        for (ConvScheme scheme : List.of(ConvScheme.PAPER, ConvScheme.CHANNEL)) {
            Module m = slimResnet20(12, 4);
            Tensor x = Tensor.randn(new Rng(5), 1f, 2, 1, 12, 12);
            Tensor before = eval(m, x);
            Factorize.apply(m, FactorizationSpec.ratio(1.0).withScheme(scheme), new Rng(6));
            assertTrue(maxRel(eval(m, x), before) < 1e-4, scheme + ": full-rank SI keeps the function");
            Factorize.collapse(m);
            assertTrue(Factorize.layers(m).isEmpty());
            assertEquals(slimResnet20(12, 4).parameterCount(), m.parameterCount());
            assertTrue(maxRel(eval(m, x), before) < 1e-4, scheme + ": collapse(factorize(m)) = m");
        }
    }

    @Test
    void collapseIsExactForDeepOvercompleteAndDefaultInit() {
        Module m = slimResnet20(10, 7);
        Factorize.apply(m, FactorizationSpec.ratio(2.0).withInit(FactorInit.DEFAULT).withMiddle(true), new Rng(8));
        Tensor x = Tensor.randn(new Rng(9), 1f, 2, 1, 10, 10);
        Tensor fact = eval(m, x);
        Factorize.collapse(m);
        assertTrue(maxRel(eval(m, x), fact) < 1e-4);
    }

    @Test
    void transformerAttentionAndMlpAreFactorizedAndCollapseBack() {
        Module lm = Models.build(ModelSpec.of("transformer", "vocab", 11, "context", 6, "dModel", 8, "heads", 2,
                "layers", 1, "mlpRatio", 2), new Rng(10));
        Tensor ids = Tensor.of(new float[] {1, 4, 2, 7, 3, 0, 5, 9}, 2, 4);
        Tensor before = eval(lm, ids);
        Factorize.apply(lm, FactorizationSpec.ratio(1.0), new Rng(11));
        Map<String, Factorized> layers = Factorize.layers(lm);
        assertEquals(3, layers.size(), "attention + two MLP linears; the LM head is the classifier");
        assertTrue(layers.values().stream().anyMatch(f -> f instanceof FactorizedAttention));
        assertTrue(maxRel(eval(lm, ids), before) < 1e-4, "full-rank SI of attention heads keeps the function");
        Factorize.collapse(lm);
        assertTrue(lm.namedModules().values().stream().anyMatch(mm -> mm instanceof MultiHeadAttention));
        assertTrue(maxRel(eval(lm, ids), before) < 1e-4);
        Module small = Models.build(ModelSpec.of("transformer", "vocab", 11, "context", 6, "dModel", 8, "heads", 2,
                "layers", 1, "mlpRatio", 2), new Rng(10));
        Factorize.apply(small, FactorizationSpec.ratio(0.5), new Rng(11));
        FactorizedAttention att = (FactorizedAttention) Factorize.layers(small).values().stream()
                .filter(f -> f instanceof FactorizedAttention).findFirst().orElseThrow();
        assertEquals(2, att.headDim(), "d_h = int(0.5·8/2)");
    }

    @Test
    void svdCompressionOfTrainedWeightsIsTheTruncatedSvd() {
        Module m = slimResnet20(8, 12);
        Conv2d conv = (Conv2d) m.namedModules().get("layer2.1.conv1");
        float[] w = conv.weight().value().toArray();
        Factorize.svdCompress(m, FactorizationSpec.ratio(0.25).withInit(FactorInit.DEFAULT));
        FactorizedConv2d f = (FactorizedConv2d) m.namedModules().get("layer2.1.conv1");
        float[] mat = f.toMatrix(w);
        float[] prod = f.toMatrix(f.product().data());
        float[] s = org.fnl4j.linalg.Svd.singularValues(mat, f.matrixRows(), f.matrixCols());
        double tail = 0, err = 0;
        for (int i = f.rank(); i < s.length; i++) tail += (double) s[i] * s[i];
        for (int i = 0; i < mat.length; i++) err += Math.pow(mat[i] - prod[i], 2);
        assertEquals(Math.sqrt(tail), Math.sqrt(err), 1e-4 * Math.sqrt(tail) + 1e-6);
        assertThrows(IllegalArgumentException.class,
                () -> Factorize.svdCompress(resnet20(1, 8, 1), FactorizationSpec.ratio(0.5).withScheme(ConvScheme.TUCKER)));
    }

    @Test
    void budgetSearchHitsTheLargestRatioWithinBudget() {
        Module m = resnet20(3, 32, 13);
        FactorizationSpec spec = FactorizationSpec.budget(0.10).withInit(FactorInit.DEFAULT);
        double s = RankPolicy.resolveRatio(m, spec);
        long dense = m.parameterCount();
        assertTrue(RankPolicy.modelCount(m, spec, s) <= 0.10 * dense);
        assertTrue(RankPolicy.modelCount(m, spec, s * 1.02) > 0.10 * dense, "ratio is maximal");
        Factorize.apply(m, spec, new Rng(1));
        assertEquals(RankPolicy.modelCount(resnet20(3, 32, 13), spec, s), m.parameterCount());
        assertThrows(IllegalArgumentException.class,
                () -> RankPolicy.ratioForBudget(resnet20(3, 32, 13), spec, 0.001));
    }

    @Test
    void tensorSchemesReplaceConvsAndCountParameters() {
        for (ConvScheme scheme : List.of(ConvScheme.TUCKER, ConvScheme.TT)) {
            Module m = slimResnet20(8, 14);
            FactorizationSpec spec = FactorizationSpec.ratio(0.5).withScheme(scheme);
            long predicted = RankPolicy.modelCount(m, spec, 0.5);
            Factorize.apply(m, spec, new Rng(15));
            assertEquals(predicted, m.parameterCount(), scheme.id());
            assertInstanceOf(TensorConv2d.class, m.namedModules().get("layer1.0.conv1"));
            Tensor x = Tensor.randn(new Rng(16), 1f, 2, 1, 8, 8);
            Tensor y = eval(m, x);
            Factorize.collapse(m);
            assertTrue(maxRel(eval(m, x), y) < 1e-4, scheme + " collapse");
        }
    }

    @Test
    void exclusionsAndSpecRoundTrip() {
        Module m = resnet20(1, 8, 17);
        FactorizationSpec spec = FactorizationSpec.ratio(0.3).withExclusions(false, false, List.of("layer3.2.conv2"));
        Map<String, Module> e = RankPolicy.eligible(m, spec);
        assertTrue(e.containsKey("conv1") && e.containsKey("linear") && !e.containsKey("layer3.2.conv2"));
        assertEquals(spec, FactorizationSpec.fromMap(spec.toMap()));
        FactorizationSpec b = FactorizationSpec.budget(0.05).withScheme(ConvScheme.CHANNEL).withMiddle(true);
        assertEquals(b, FactorizationSpec.fromMap(b.toMap()));
        assertThrows(IllegalArgumentException.class, () -> FactorizationSpec.fromMap(Map.of("ratio", 0.1, "sheme", "x")));
        assertThrows(IllegalArgumentException.class, () -> ConvScheme.of("svd"));
    }

    @Test
    void decayArmsSplitFactorsFromTheRest() {
        Module m = slimResnet20(8, 18);
        Factorize.apply(m, FactorizationSpec.ratio(0.2).withInit(FactorInit.DEFAULT), new Rng(19));
        DecayArms.Setup wd = DecayArms.of(m, DecayArms.Mode.WEIGHT_DECAY, 0.1f, 1e-4f, DecayKind.COUPLED_L2);
        assertEquals(1, wd.groups().size());
        assertEquals(1e-4f, wd.groups().get(0).weightDecay());
        assertEquals(0.0, wd.regularizer().penalty());
        DecayArms.Setup fd = DecayArms.of(m, DecayArms.Mode.FROBENIUS_DECAY, 0.1f, 1e-4f, DecayKind.COUPLED_L2);
        assertEquals(2, fd.groups().size());
        ParamGroup rest = fd.groups().get(0), factors = fd.groups().get(1);
        assertTrue(factors.params().stream().allMatch(p -> p.kind() == Parameter.Kind.FACTOR));
        assertEquals(0f, factors.weightDecay());
        assertTrue(rest.params().stream().noneMatch(p -> p.kind() == Parameter.Kind.FACTOR));
        assertEquals(1e-4f, rest.weightDecay());
        assertEquals(Factorize.factorParameters(m).size(), factors.params().size());
        assertInstanceOf(FrobeniusDecay.class, fd.regularizer());
        assertEquals(18, ((FrobeniusDecay) fd.regularizer()).layers().size());
        assertTrue(fd.regularizer().penalty() > 0);
    }

    @Test
    void linearModelsFactorizeHiddenLayersOnly() {
        Module mlp = Models.build(ModelSpec.of("mlp", "inChannels", 1, "height", 4, "width", 4, "hidden", List.of(12, 10)),
                new Rng(20));
        Factorize.apply(mlp, FactorizationSpec.ratio(0.5).withInit(FactorInit.DEFAULT), new Rng(21));
        long lin = mlp.namedModules().values().stream().filter(x -> x instanceof Linear).count();
        assertEquals(1, lin, "the classifier stays dense");
        assertEquals(2, Factorize.layers(mlp).size());
    }
}

package org.fnl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fnl4j.nn.factorized.FactorInit;
import org.fnl4j.train.Decay;
import org.fnl4j.train.Recipe;
import org.junit.jupiter.api.Test;

/** The distillation and normalization experiments carry the paper's arms for both inits. */
class PaperArmsTest {
    private static Recipe recipe(String experiment, String arm) {
        ExperimentCommand.Experiment ex = ExperimentCommand.EXPERIMENTS.get(experiment);
        ExperimentCommand.Arm a = ex.arms().stream().filter(x -> x.label().equals(arm)).findFirst().orElseThrow();
        return a.change().apply(ex.base().apply(Recipe.builder().model(ex.model()))).build();
    }

    @Test
    void distillationHasDeepArmsFromBothInits() {
        List<String> labels = ExperimentCommand.EXPERIMENTS.get("distillation").arms().stream()
                .map(ExperimentCommand.Arm::label).toList();
        assertEquals(List.of("dense", "wide-s3-WD", "wide-s3-FD", "deep-UMV-WD", "deep-UMV-FD", "deep-UMV-SI-WD",
                "deep-UMV-SI-FD"), labels);
        Recipe si = recipe("distillation", "deep-UMV-SI-FD");
        assertEquals(1.0, si.rank());
        assertTrue(si.deep());
        assertEquals(FactorInit.SPECTRAL, si.init());
        assertEquals(Decay.FROBENIUS, si.decay());
        assertEquals(FactorInit.DEFAULT, recipe("distillation", "deep-UMV-FD").init());
    }

    @Test
    void normalizationHasTheThreeArmsForBothInits() {
        ExperimentCommand.Experiment ex = ExperimentCommand.EXPERIMENTS.get("normalization");
        assertEquals(List.of("FD", "no-decay", "no-decay-rescaled", "noSI-FD", "noSI-no-decay", "noSI-no-decay-rescaled"),
                ex.arms().stream().map(ExperimentCommand.Arm::label).toList());
        ExperimentCommand.Arm rescaled = ex.arms().get(5);
        assertEquals("noSI-FD", rescaled.after());
        assertEquals(ExperimentCommand.Link.RESCALE_TO, rescaled.link());
        assertEquals(FactorInit.DEFAULT, recipe("normalization", "noSI-no-decay").init());
        assertEquals(Decay.NONE, recipe("normalization", "noSI-no-decay").decay());
        assertEquals(FactorInit.SPECTRAL, recipe("normalization", "no-decay").init());
    }

    @Test
    void theTransformerExperimentMeasuresBothAttentionSpectralInits() {
        Recipe t = recipe("transformer", "s0.5-SI-truncate-FD");
        assertEquals(org.fnl4j.nn.factorized.AttentionSpectral.TRUNCATE_DENSE, t.attentionSi());
        assertEquals(FactorInit.SPECTRAL, t.init());
        assertEquals(org.fnl4j.nn.factorized.AttentionSpectral.REBALANCE, recipe("transformer", "s0.5-SI-FD").attentionSi());
    }
}

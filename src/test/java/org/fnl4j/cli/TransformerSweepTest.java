package org.fnl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fnl4j.train.OptimizerKind;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.Run;
import org.junit.jupiter.api.Test;

/** fnl experiment transformer-sweep: its arms, its base recipe and the choice of λ on the validation split. */
class TransformerSweepTest {
    private static final ExperimentCommand.Experiment EX = ExperimentCommand.EXPERIMENTS.get("transformer-sweep");

    @Test
    void sixFamiliesOfFourLambdasOnThePapersOptimization() {
        assertEquals(24, EX.arms().size());
        assertEquals("dense-WD-l1e-6", EX.arms().get(0).label());
        assertEquals("attn-FD-l1e-3", EX.arms().get(7).label());
        assertEquals("mlp-s0.5-SI-FD-l1e-4", EX.arms().get(22).label());
        Recipe r = EX.arms().get(22).change()
                .apply(EX.base().apply(Recipe.builder().model(EX.model()))).build();
        assertEquals(1e-4, r.wd());
        assertEquals(OptimizerKind.NAG, r.optimizer());
        assertEquals(0.1, r.clip());
        assertEquals(0.1, r.validFraction());
        assertEquals("inverse-sqrt:200:1", r.schedule().toString());
    }

    private static Map<String, Object> result(double valid, double test) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(Run.VALID_LOSS, valid * Math.log(2));
        m.put("test_loss", test * Math.log(2));
        m.put("test_accuracy", 0.5);
        m.put("params", 10L);
        m.put("dense_params", 10L);
        return m;
    }

    /** λ is the one with the lowest mean validation bits/char, even where another λ has a lower test loss. */
    @Test
    void picksLambdaOnValidationAndReportsTestThere() {
        Map<String, List<Map<String, Object>>> res = new LinkedHashMap<>();
        double[] valid = {2.30, 2.10, 2.20, 2.50};
        double[] test = {2.00, 2.15, 2.05, 2.40};
        for (int i = 0; i < 4; i++) {
            String label = EX.arms().get(i).label();
            res.put(label, new ArrayList<>(List.of(result(valid[i], test[i]), result(valid[i] + 0.02, test[i] + 0.04))));
        }
        String table = ExperimentCommand.sweepSelection(EX, res);
        assertTrue(table.contains("| dense-WD | 1e-5 | 2.1100 | 2.1700 ± 0.0200 | 2 |"), table);
        assertTrue(table.contains("1e-6: 2.3100, 1e-5: 2.1100, 1e-4: 2.2100, 1e-3: 2.5100"), table);
        assertEquals("", ExperimentCommand.sweepSelection(ExperimentCommand.EXPERIMENTS.get("ablation"), Map.of()));
    }
}

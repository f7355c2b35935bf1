package org.fnl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fnl4j.models.Architecture;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.fnl4j.nn.factorized.Factorize;
import org.fnl4j.nn.factorized.RankPolicy;
import org.fnl4j.prune.MagnitudePruning;
import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.Test;

/** Pruned arms at exactly the low-rank arm's parameter count, and the wider ResNet that makes 2 % feasible. */
class PruneTargetTest {
    private static Module resnet(double width) {
        return Models.build(ModelSpec.of("resnet20", "inChannels", 1, "height", 28, "width", 28, "numClasses", 10,
                "widthMultiplier", width), new Rng(0));
    }

    @Test
    void lowRankTargetKeepsExactlyTheLowRankModelsCount() {
        for (double budget : new double[] {0.10, 0.05}) {
            long lowRank = Factorize.apply(resnet(1), FactorizationSpec.budget(budget), new Rng(1)).parameterCount();
            Module dense = resnet(1);
            assertEquals(lowRank, Compression.keptCount(dense, budget, PruneTarget.LOW_RANK));
            MagnitudePruning mask = Compression.pruneAtOnce(dense, budget, PruneTarget.LOW_RANK);
            assertEquals(lowRank, mask.keptCount(), "budget " + budget);
            assertEquals(lowRank, MagnitudePruning.nonzeroCount(dense) + zeroInitialized(dense));
        }
        assertEquals(26_943, Compression.keptCount(resnet(1), 0.10, PruneTarget.FRACTION), "round(0.1 x 269,434)");
        assertEquals(25_402, Compression.keptCount(resnet(1), 0.10, PruneTarget.LOW_RANK));
    }

    /** Parameters that are zero at init without being pruned (BatchNorm β): counted as kept, not as nonzero. */
    private static long zeroInitialized(Module m) {
        long z = 0;
        for (var p : m.parameters()) {
            if (p.kind() == org.fnl4j.nn.Parameter.Kind.NORM) {
                for (float v : p.value().toArray()) if (v == 0f) z++;
            }
        }
        return z;
    }

    /** At 2 % no factorized ResNet-20 fits, so neither does an equal-count pruned one; four times wider, both do. */
    @Test
    void twoPercentNeedsTheWiderResNet() {
        assertThrows(RankPolicy.BudgetTooSmallException.class,
                () -> Compression.keptCount(resnet(1), 0.02, PruneTarget.LOW_RANK));
        Module wide = resnet(4);
        assertEquals(4_284_874, wide.parameterCount());
        long kept = Compression.keptCount(wide, 0.02, PruneTarget.LOW_RANK);
        assertEquals(79_498, kept);
        assertTrue(kept <= 0.02 * wide.parameterCount());
    }

    @Test
    void theRecipeCarriesTheTarget() {
        Recipe r = Recipe.builder().model(Architecture.RESNET20).dense().prune(0.1).pruneTarget(PruneTarget.LOW_RANK)
                .build();
        assertEquals("low-rank", r.toJson().get("prune_target"));
        assertEquals(r, Recipe.fromJson(r.toJson()));
        assertThrows(IllegalArgumentException.class, () -> Recipe.builder().pruneTarget(PruneTarget.LOW_RANK).build());
    }
}

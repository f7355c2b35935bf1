package org.fnl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.fnl4j.models.Architecture;
import org.fnl4j.nn.factorized.FactorInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run from a recipe: its files, its result, resume after an interruption, compression and collapse. */
class RunTest {
    @TempDir
    Path dir;

    /** A seconds-long factorized MLP run on the shipped Fashion-MNIST subset. */
    static Recipe tiny(int epochs) {
        return Recipe.builder().model(Architecture.MLP).width(0.05).rank(0.5).epochs(epochs).batch(64).trainLimit(256)
                .testLimit(200).build();
    }

    @Test
    void aRunWritesItsFilesAndItsRecipeReadsBack() throws Exception {
        Path out = dir.resolve("run");
        RunResult r = Run.create(tiny(2), out).fit();
        Evaluation again = RunData.loadTest(DataRef.fashionMnist(), 64, 200, 64)
                .evaluate(Model.load(out.resolve(Run.MODEL)).module());
        assertEquals(r.testAccuracy(), again.accuracy());
        assertEquals(r.testLoss(), again.loss(), 1e-9);
        for (String f : List.of(Run.RECIPE, Run.METRICS, Run.CHECKPOINT, Run.MODEL, Run.SPECTRA, FactorNormLog.FILE)) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        assertEquals(2, r.training().history().size());
        assertTrue(r.params() < r.denseParams());
        assertEquals(tiny(2), Recipe.fromJson(Json.parseObject(Files.readString(out.resolve(Run.RECIPE)))));
        Model m = Model.load(out.resolve(Run.MODEL));
        assertEquals(tiny(2), Run.recipeOf(m));
        Map<String, Object> json = r.toJson();
        assertEquals(r.testAccuracy(), json.get("test_accuracy"));
        assertEquals("factorized mlp (rank 0.500, SI, FD)", json.get("model"));
        assertThrows(IllegalStateException.class, () -> Run.create(tiny(2), out));
    }

    @Test
    void aResumedRunEndsBitForBitWhereAnUninterruptedOneDoes() throws Exception {
        RunResult whole = Run.create(tiny(3), dir.resolve("whole")).fit();
        Path cut = dir.resolve("cut");
        Run first = Run.create(tiny(3), cut).listener(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochMetrics m) {
                if (m.epoch() == 2) throw new IllegalStateException("interrupted");
            }
        });
        assertThrows(IllegalStateException.class, first::fit);
        RunResult resumed = Run.resume(cut).fit();
        assertEquals(whole.testLoss(), resumed.testLoss());
        float[] x = new float[784];
        assertArrayEquals(Model.load(dir.resolve("whole").resolve(Run.MODEL)).predict(x, 1),
                Model.load(cut.resolve(Run.MODEL)).predict(x, 1));
    }

    @Test
    void compressionAndCollapseAreLibraryCalls() throws Exception {
        Path out = dir.resolve("dense");
        Run.create(tiny(1).toBuilder().dense().init(FactorInit.DEFAULT).decay(Decay.WEIGHT).build(), out).fit();
        Model dense = Model.load(out.resolve(Run.MODEL));
        Compression.Compressed low = Compression.lowRank(dense, tiny(1).factorization());
        assertTrue(low.params() < low.paramsBefore());
        RunData test = RunData.loadTest(DataRef.fashionMnist(), 64, 200, 64);
        Evaluation e = test.evaluate(low.module());
        assertTrue(e.accuracy() >= 0 && e.accuracy() <= 1 && Double.isFinite(e.loss()), e.toString());
        Compression.Compressed pruned = Compression.prune(Model.load(out.resolve(Run.MODEL)), 0.2);
        assertEquals(pruned.paramsBefore() - pruned.mask().prunedCount(), pruned.params());

        RunResult tuned = Run.create(tiny(1).toBuilder().finetuneFrom(out.resolve(Run.MODEL)).build(),
                dir.resolve("tuned")).fit();
        assertEquals(low.params(), tuned.params());
        Model factorized = Model.load(dir.resolve("tuned").resolve(Run.MODEL));
        assertEquals(Compression.denseParameterCount(factorized), Compression.collapse(factorized, "tuned").parameterCount());
        assertThrows(IllegalArgumentException.class, () -> Compression.collapse(Model.load(out.resolve(Run.MODEL)), "dense"));
    }
}

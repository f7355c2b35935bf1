package org.fnl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fnl4j.io.ModelFormatException;
import org.fnl4j.nn.Sequential;
import org.fnl4j.nn.factorized.FactorizedLinear;
import org.fnl4j.regularize.FactorNorms;
import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factor-norm trajectory file: recording, truncation on resume, replay by the rescaler and its checks. */
class FactorNormLogTest {
    @TempDir
    Path dir;

    private static Sequential model(long seed) {
        Rng rng = new Rng(seed);
        return new Sequential(new FactorizedLinear(6, 5, 2, false, true, rng), new FactorizedLinear(5, 4, 2, true, true, rng));
    }

    private static TrainingListener.StepInfo step(long s) {
        return new TrainingListener.StepInfo(1, (int) s, 10, s, 0, 0, 0.1, 0);
    }

    private static Trainer.RunInfo start(int epoch, int batch, int batchesPerEpoch, int epochs) {
        return new Trainer.RunInfo(epochs, epoch, batch, batchesPerEpoch, 100, 10, epoch + batch > 0);
    }

    /** Multiplies every value of every parameter by f, so the next step records different norms. */
    private static void perturb(Sequential m, float f) {
        m.parameters().forEach(p -> {
            float[] d = p.value().data();
            for (int i = 0; i < p.size(); i++) d[p.value().offset() + i] *= f;
        });
    }

    @Test
    void recordsEveryStepAndTruncatesToTheCheckpointOnResume() throws Exception {
        Sequential m = model(1);
        FactorNorms norms = new FactorNorms(m);
        Path file = dir.resolve(FactorNormLog.FILE);
        FactorNormLog.Recorder rec = new FactorNormLog.Recorder(file, norms);
        rec.onTrainStart(start(0, 0, 2, 3));
        double[][] want = new double[4][];
        for (int s = 1; s <= 4; s++) {
            want[s - 1] = norms.norms();
            rec.onStep(step(s));
            perturb(m, 1.1f);
        }
        FactorNormLog.Trajectory t = FactorNormLog.read(file);
        assertEquals(norms.names(), t.names());
        assertEquals(4, t.steps());
        for (int s = 0; s < 4; s++) assertArrayEquals(want[s], t.norms()[s], 0);

        // Resumed from a checkpoint after epoch 1 of 2 batches: steps 3 and 4 are dropped, then re-recorded.
        rec.onTrainStart(start(1, 0, 2, 3));
        assertEquals(2, FactorNormLog.read(file).steps());
        rec.onStep(step(3));
        assertEquals(3, FactorNormLog.read(file).steps());
        assertArrayEquals(want[1], FactorNormLog.read(file).norms()[1], 0);

        // A record that does not reach the checkpoint cannot be completed: it is removed, not left with a gap.
        rec.onTrainStart(start(2, 1, 2, 3));
        assertFalse(Files.exists(file));
        rec.onStep(step(6));
        assertFalse(Files.exists(file));
    }

    @Test
    void rescalerFollowsTheRecordAndRejectsMismatchedRuns() throws Exception {
        Sequential recorded = model(2);
        FactorNorms rn = new FactorNorms(recorded);
        Path file = dir.resolve(FactorNormLog.FILE);
        FactorNormLog.Recorder rec = new FactorNormLog.Recorder(file, rn);
        rec.onTrainStart(start(0, 0, 3, 1));
        for (int s = 1; s <= 3; s++) {
            perturb(recorded, 0.8f + 0.3f * s);
            rec.onStep(step(s));
        }
        FactorNormLog.Trajectory t = FactorNormLog.read(file);

        Sequential other = model(3);
        FactorNorms on = new FactorNorms(other);
        FactorNormLog.Rescaler rs = new FactorNormLog.Rescaler(on, t);
        rs.onTrainStart(start(0, 0, 3, 1));
        for (int s = 1; s <= 3; s++) {
            perturb(other, 1.7f);
            rs.onStep(step(s));
            double[] got = on.norms();
            for (int i = 0; i < got.length; i++) {
                assertEquals(t.norms()[s - 1][i], got[i], 1e-5 * t.norms()[s - 1][i], "step " + s + " product " + i);
            }
        }

        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class,
                () -> rs.onTrainStart(start(0, 0, 3, 2)));
        assertTrue(steps.getMessage().contains(file.toString()) && steps.getMessage().contains("records 3 optimizer steps")
                && steps.getMessage().contains("takes 6"), steps.getMessage());

        Rng rng = new Rng(4);
        Sequential fewer = new Sequential(new FactorizedLinear(6, 5, 2, false, true, rng));
        IllegalArgumentException layers = assertThrows(IllegalArgumentException.class,
                () -> new FactorNormLog.Rescaler(new FactorNorms(fewer), t));
        assertTrue(layers.getMessage().contains("records the norms of 2 factorized products")
                && layers.getMessage().contains("this model has 1"), layers.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.check(List.of("0", "1"), 4));
    }

    @Test
    void damagedFilesAreNamedErrors() throws Exception {
        Path bad = dir.resolve("bad.bin");
        Files.writeString(bad, "hello world");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> FactorNormLog.read(bad));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("FNLNORM1"), e.getMessage());

        Sequential m = model(5);
        Path file = dir.resolve(FactorNormLog.FILE);
        FactorNormLog.Recorder rec = new FactorNormLog.Recorder(file, new FactorNorms(m));
        rec.onTrainStart(start(0, 0, 2, 1));
        rec.onStep(step(1));
        Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        ModelFormatException partial = assertThrows(ModelFormatException.class, () -> FactorNormLog.read(file));
        assertTrue(partial.getMessage().contains("whole number of steps"), partial.getMessage());
    }
}

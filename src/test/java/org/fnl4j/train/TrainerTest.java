package org.fnl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.data.Batch;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Parameter;
import org.fnl4j.optim.LrSchedule;
import org.fnl4j.optim.Sgd;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer on a tiny softmax regression whose forward and loss are written here with
 * {@link Autograd#record}, so that these tests depend only on the tape, the optimizer and the trainer.
 */
class TrainerTest {
    static final int D = 6;
    static final int C = 3;

    @TempDir
    Path dir;

    /** logits = x·Wᵀ + b, plus a running-mean buffer updated in training mode (like BatchNorm's). */
    static final class Softmax extends Module {
        final Parameter w;
        final Parameter b;
        final Tensor running;

        Softmax(long seed) {
            Rng rng = new Rng(seed);
            w = registerParameter("weight", new Parameter(Tensor.randn(rng, 0.3f, C, D), Parameter.Kind.WEIGHT));
            b = registerParameter("bias", new Parameter(Tensor.zeros(C), Parameter.Kind.BIAS));
            running = registerBuffer("running_mean", Tensor.zeros(D));
        }

        @Override
        public Tensor forward(Tensor x) {
            int n = x.shape(0);
            float[] xd = x.data();
            float[] wd = w.value().data();
            float[] bd = b.value().data();
            if (isTraining()) {
                for (int j = 0; j < D; j++) {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += xd[i * D + j];
                    running.data()[j] = 0.9f * running.data()[j] + 0.1f * (float) (s / n);
                }
            }
            Tensor out = Tensor.zeros(n, C);
            float[] o = out.data();
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < C; c++) {
                    float s = bd[c];
                    for (int j = 0; j < D; j++) s += xd[i * D + j] * wd[c * D + j];
                    o[i * C + c] = s;
                }
            }
            return Autograd.record("linear", out, () -> {
                float[] g = out.grad();
                float[] gw = TapeAccess.gradBuffer(w.value());
                float[] gb = TapeAccess.gradBuffer(b.value());
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < C; c++) {
                        gb[c] += g[i * C + c];
                        for (int j = 0; j < D; j++) gw[c * D + j] += g[i * C + c] * xd[i * D + j];
                    }
                }
            }, w.value(), b.value());
        }
    }

    static final Objective CROSS_ENTROPY = new Objective() {
        @Override
        public Tensor loss(Tensor logits, Batch batch) {
            int n = logits.shape(0);
            float[] l = logits.data();
            float[] p = new float[n * C];
            double total = 0;
            for (int i = 0; i < n; i++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < C; c++) max = Math.max(max, l[i * C + c]);
                double z = 0;
                for (int c = 0; c < C; c++) z += Math.exp(l[i * C + c] - max);
                for (int c = 0; c < C; c++) p[i * C + c] = (float) (Math.exp(l[i * C + c] - max) / z);
                total += -(l[i * C + batch.targets()[i]] - max - Math.log(z));
            }
            Tensor out = Tensor.scalar((float) (total / n));
            return Autograd.record("ce", out, () -> {
                float g0 = out.grad()[0] / n;
                float[] g = TapeAccess.gradBuffer(logits);
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < C; c++) {
                        g[i * C + c] += g0 * (p[i * C + c] - (c == batch.targets()[i] ? 1 : 0));
                    }
                }
            }, logits);
        }

        @Override
        public long correct(Tensor output, Batch batch) {
            return Objective.argmaxHits(output.data(), output.offset(), C, batch.targets());
        }
    };

    /** Three Gaussian clusters, shuffled per epoch; augmentation adds noise from a (seed, epoch, batch) generator. */
    static final class Clusters implements BatchSource {
        final float[] x;
        final int[] y;
        final long seed;
        final boolean train;

        Clusters(int n, long seed, boolean train) {
            Rng rng = new Rng(seed);
            this.seed = seed;
            this.train = train;
            x = new float[n * D];
            y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = rng.nextInt(C);
                for (int j = 0; j < D; j++) x[i * D + j] = (float) (rng.nextGaussian() + (j % C == y[i] ? 2 : 0));
            }
        }

        @Override
        public int size() {
            return y.length;
        }

        @Override
        public int batchesPerEpoch() {
            return (y.length + 15) / 16;
        }

        @Override
        public Batch batch(int epoch, int index) {
            int[] order = new int[y.length];
            for (int i = 0; i < order.length; i++) order[i] = i;
            if (train) new Rng(seed * 31 + epoch).shuffle(order);
            Rng augment = train ? new Rng(seed * 977 + epoch * 1009L + index) : null;
            int start = index * 16;
            int n = Math.min(16, y.length - start);
            float[] bx = new float[n * D];
            int[] by = new int[n];
            for (int i = 0; i < n; i++) {
                int k = order[start + i];
                System.arraycopy(x, k * D, bx, i * D, D);
                by[i] = y[k];
                if (augment != null) {
                    for (int j = 0; j < D; j++) bx[i * D + j] += (float) (0.1 * augment.nextGaussian());
                }
            }
            return new Batch(Tensor.of(bx, n, D), by, n);
        }
    }

    Trainer.Builder builder(Softmax model, Sgd opt, int epochs) {
        return Trainer.builder(model, opt, CROSS_ENTROPY)
                .train(new Clusters(203, 1, true))
                .test(new Clusters(61, 2, false))
                .epochs(epochs)
                .seed(42)
                .schedule(LrSchedule.cosine(epochs), Trainer.ScheduleUnit.FRACTIONAL_EPOCH);
    }

    static Sgd sgd(Module m) {
        return Sgd.of(m.parameters(), 0.1f, 0.9f, 1e-3f, true);
    }

    @Test
    void lossFallsAndMetricsAreReported() {
        Softmax model = new Softmax(3);
        List<EpochMetrics> seen = new ArrayList<>();
        TrainResult r = builder(model, sgd(model), 3).listener(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochMetrics m) {
                seen.add(m);
            }
        }).metric("weight_norm", () -> 1.5).build().fit();
        assertEquals(3, r.history().size());
        assertEquals(seen, r.history());
        assertTrue(r.last().trainLoss() < r.history().get(0).trainLoss(), "loss falls: " + r.history());
        assertTrue(r.last().testAccuracy() > 0.8, "test accuracy " + r.last().testAccuracy());
        assertEquals(3L * 13, r.steps());
        assertEquals(3L * 203, r.items());
        assertEquals(1.5, r.last().extra().get("weight_norm"));
        assertTrue(!model.isTraining(), "fit leaves the model in eval mode");
    }

    @Test
    void sameSeedGivesBitIdenticalWeightsAndPrefetchDoesNotMatter() {
        Softmax a = new Softmax(3);
        builder(a, sgd(a), 2).build().fit();
        Softmax b = new Softmax(3);
        builder(b, sgd(b), 2).prefetch(false).build().fit();
        assertArrayEquals(a.w.value().toArray(), b.w.value().toArray());
        Softmax c = new Softmax(3);
        builder(c, sgd(c), 2).train(new Clusters(203, 5, true)).build().fit();
        assertNotEquals(a.w.value().toArray()[0], c.w.value().toArray()[0]);
    }

    /** A kill in the middle of an epoch, after a mid-epoch checkpoint: the resumed run ends bit-identical. */
    @Test
    void resumeAfterKillIsBitExact() throws Exception {
        Softmax ref = new Softmax(3);
        TrainResult full = builder(ref, sgd(ref), 3).build().fit();

        Path ck = dir.resolve("checkpoint.fnl");
        Softmax victim = new Softmax(3);
        RuntimeException kill = new RuntimeException("simulated kill");
        assertThrows(RuntimeException.class, () -> builder(victim, sgd(victim), 3).checkpoint(ck)
                .checkpointEverySteps(10).listener(new TrainingListener() {
                    @Override
                    public void onStep(StepInfo s) {
                        if (s.step() == 22) throw kill; // epoch 2, batch 9; last checkpoint at step 20
                    }
                }).build().fit());
        assertEquals(20L, Checkpoint.read(ck).state().step());

        Softmax resumed = new Softmax(99); // different init: everything must come from the checkpoint
        Trainer t = builder(resumed, sgd(resumed), 3).checkpoint(ck).build();
        t.resume(ck);
        TrainResult r = t.fit();

        assertArrayEquals(ref.w.value().toArray(), resumed.w.value().toArray());
        assertArrayEquals(ref.b.value().toArray(), resumed.b.value().toArray());
        assertArrayEquals(ref.running.toArray(), resumed.running.toArray());
        assertEquals(full.steps(), r.steps());
        assertEquals(full.items(), r.items());
        for (int i = 0; i < 3; i++) {
            assertEquals(full.history().get(i).trainLoss(), r.history().get(i).trainLoss(), "epoch " + (i + 1));
            assertEquals(full.history().get(i).testLoss(), r.history().get(i).testLoss(), "epoch " + (i + 1));
        }
        assertEquals(3, Checkpoint.read(ck).state().epoch());
    }

    @Test
    void resumeWithOtherSettingsIsRefusedByName() throws Exception {
        Path ck = dir.resolve("ck.fnl");
        Softmax m = new Softmax(3);
        builder(m, sgd(m), 1).checkpoint(ck).build().fit();
        Softmax m2 = new Softmax(3);
        Trainer t = builder(m2, sgd(m2), 2).seed(7).build();
        var e = assertThrows(org.fnl4j.io.ModelFormatException.class, () -> t.resume(ck));
        assertTrue(e.getMessage().contains("seed 42") && e.getMessage().contains(ck.toString()), e.getMessage());
    }

    @Test
    void nonFiniteLossStopsNamingTheStepAndKeepsTheLastCheckpoint() throws Exception {
        Path ck = dir.resolve("ck.fnl");
        Softmax m = new Softmax(3);
        Sgd opt = sgd(m);
        int[] stepsSeen = {0};
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> builder(m, opt, 3)
                .checkpoint(ck).afterBackward(() -> {
                    // A hook that poisons the gradient in epoch 2, like an exploding regularizer would.
                    if (++stepsSeen[0] == 20) TapeAccess.gradBuffer(m.w.value())[0] = Float.NaN;
                }).build().fit());
        assertTrue(e.getMessage().contains("step 21") && e.getMessage().contains("epoch 2")
                && e.getMessage().contains(ck.toString()), e.getMessage());
        assertEquals(21, e.step());
        Checkpoint.Loaded ok = Checkpoint.read(ck);
        assertEquals(1, ok.state().epoch());
        for (float v : ok.tensors().get("model/weight").toArray()) assertTrue(Float.isFinite(v));
    }

    @Test
    void metricsLogAndProgressBarWriteWhatTheySay() throws Exception {
        Path log = dir.resolve("metrics.jsonl");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
        Softmax m = new Softmax(3);
        builder(m, sgd(m), 2).listener(new MetricsLog(log)).listener(new ProgressBar(ps, false, "ex", 0)).build().fit();
        List<Map<String, Object>> lines = MetricsLog.read(log);
        assertEquals(2, lines.size());
        assertEquals(2L, lines.get(1).get("epoch"));
        assertTrue(lines.get(1).containsKey("test_accuracy") && lines.get(1).containsKey("items_per_second"));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("epoch 2/2  train loss"), text);
        assertTrue(text.contains("ex/s") && text.contains("ETA"), text);
        assertTrue(!text.contains("\r"), "plain mode draws no carriage returns");

        ByteArrayOutputStream tty = new ByteArrayOutputStream();
        Softmax m2 = new Softmax(3);
        builder(m2, sgd(m2), 1).listener(new ProgressBar(new PrintStream(tty, true, StandardCharsets.UTF_8), true, "ex", 0))
                .build().fit();
        assertTrue(tty.toString(StandardCharsets.UTF_8).contains("\r"), "terminal mode redraws in place");
        assertEquals("1:01:05", ProgressBar.clock(3665));
        assertEquals("0:07", ProgressBar.clock(7.2));
        assertTrue(Files.size(log) > 0);
    }
}

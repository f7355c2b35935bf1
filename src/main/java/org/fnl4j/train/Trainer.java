package org.fnl4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.data.Batch;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Parameter;
import org.fnl4j.optim.LrSchedule;
import org.fnl4j.optim.Optimizer;
import org.fnl4j.tensor.Tensor;

/**
 * Mini-batch training with per-epoch evaluation, listeners, gradient hooks (regularizers) and
 * atomic checkpoints that resume bit-exactly.
 *
 * <p>One step: zero the gradients, forward, loss (stop if it is not finite), backward, run the
 * {@linkplain Builder#afterBackward gradient hooks} (e.g. Frobenius decay, which adds its penalty
 * gradient here), set the learning rate from the schedule, {@code optimizer.step()}.
 *
 * <p>Determinism: a {@link BatchSource} yields batch b of epoch e as a pure function of (e, b)
 * (order and augmentation derived from its seed), so a run resumed from a checkpoint taken at (e, b)
 * sees exactly the batches an uninterrupted run sees; together with the saved weights, buffers,
 * optimizer state and the model's own generator states this makes the resumed run's final weights
 * bit-identical. The next batch is assembled on a background thread while the current one trains.
 */
public final class Trainer {
    /** The unit of the position passed to the learning-rate schedule. */
    public enum ScheduleUnit {
        /** t = epoch index (0-based), constant within an epoch, as PyTorch's per-epoch scheduler.step(). */
        EPOCH,
        /** t = epoch + batch / batchesPerEpoch, for smooth per-step cosine schedules. */
        FRACTIONAL_EPOCH,
        /** t = optimizer steps taken so far (warm-up and inverse-sqrt schedules). */
        STEP;

        /**
         * @param epoch 0-based epoch
         * @param batch 0-based batch within it
         * @param nb    batches per epoch
         * @param step  optimizer steps taken before this one
         * @return the schedule position of the step at (epoch, batch) in this unit
         */
        public double position(int epoch, int batch, int nb, long step) {
            return switch (this) {
                case EPOCH -> epoch;
                case FRACTIONAL_EPOCH -> epoch + (double) batch / nb;
                case STEP -> step;
            };
        }
    }

    /**
     * What {@link TrainingListener#onTrainStart} is told.
     *
     * @param epochs        total epochs of the run
     * @param startEpoch    0-based epoch the run starts (or resumes) at
     * @param startBatch    0-based batch within it
     * @param batchesPerEpoch training batches per epoch
     * @param trainSize     training examples
     * @param testSize      test examples (0 when there is no test data)
     * @param resumed       whether state was restored from a checkpoint
     */
    public record RunInfo(int epochs, int startEpoch, int startBatch, int batchesPerEpoch, int trainSize, int testSize,
            boolean resumed) {}

    private final Module model;
    private final Optimizer optimizer;
    private final Objective objective;
    private final BatchSource train;
    private final BatchSource test;
    private final int epochs;
    private final long seed;
    private final LrSchedule schedule;
    private final ScheduleUnit scheduleUnit;
    private final List<Runnable> hooks;
    private final List<TrainingListener> listeners;
    private final Path checkpointFile;
    private final int checkpointEveryEpochs;
    private final long checkpointEverySteps;
    private final Map<String, Object> architecture;
    private final Map<String, Supplier<Object>> extraMetrics;
    private final boolean prefetch;

    private Checkpoint.State resumeFrom;
    private String lastCheckpointNote = "no checkpoint had been written yet";

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.objective = b.objective;
        this.train = b.train;
        this.test = b.test;
        this.epochs = b.epochs;
        this.seed = b.seed;
        this.schedule = b.schedule;
        this.scheduleUnit = b.scheduleUnit;
        this.hooks = List.copyOf(b.hooks);
        this.listeners = List.copyOf(b.listeners);
        this.checkpointFile = b.checkpointFile;
        this.checkpointEveryEpochs = b.checkpointEveryEpochs;
        this.checkpointEverySteps = b.checkpointEverySteps;
        this.architecture = new LinkedHashMap<>(b.architecture);
        this.extraMetrics = new LinkedHashMap<>(b.extraMetrics);
        this.prefetch = b.prefetch;
    }

    /** @return a builder for a trainer of {@code model} with {@code optimizer}. */
    public static Builder builder(Module model, Optimizer optimizer, Objective objective) {
        return new Builder(model, optimizer, objective);
    }

    /** Configures a {@link Trainer}; {@link #train(BatchSource)} and {@link #epochs(int)} are required. */
    public static final class Builder {
        private final Module model;
        private final Optimizer optimizer;
        private final Objective objective;
        private BatchSource train;
        private BatchSource test;
        private int epochs = -1;
        private long seed;
        private LrSchedule schedule = LrSchedule.constant();
        private ScheduleUnit scheduleUnit = ScheduleUnit.EPOCH;
        private final List<Runnable> hooks = new ArrayList<>();
        private final List<TrainingListener> listeners = new ArrayList<>();
        private Path checkpointFile;
        private int checkpointEveryEpochs = 1;
        private long checkpointEverySteps;
        private final Map<String, Object> architecture = new LinkedHashMap<>();
        private final Map<String, Supplier<Object>> extraMetrics = new LinkedHashMap<>();
        private boolean prefetch = true;

        private Builder(Module model, Optimizer optimizer, Objective objective) {
            if (model == null || optimizer == null || objective == null) {
                throw new IllegalArgumentException("Trainer: model, optimizer and objective are required");
            }
            this.model = model;
            this.optimizer = optimizer;
            this.objective = objective;
        }

        public Builder train(BatchSource s) { this.train = s; return this; }

        /** Test data evaluated after every epoch (optional). */
        public Builder test(BatchSource s) { this.test = s; return this; }

        public Builder epochs(int n) { this.epochs = n; return this; }

        /** The run's seed (that of the batch sources); a checkpoint only resumes a run with the same seed. */
        public Builder seed(long s) { this.seed = s; return this; }

        /** The learning-rate schedule, applied before every step at a position in {@code unit}s. */
        public Builder schedule(LrSchedule s, ScheduleUnit unit) {
            this.schedule = s;
            this.scheduleUnit = unit;
            return this;
        }

        /** Runs after backward and before {@code optimizer.step()}, e.g. {@code regularizer::apply}. */
        public Builder afterBackward(Runnable hook) { this.hooks.add(hook); return this; }

        public Builder listener(TrainingListener l) { this.listeners.add(l); return this; }

        /** Writes an atomic checkpoint to {@code file} (null: none). */
        public Builder checkpoint(Path file) { this.checkpointFile = file; return this; }

        /** Checkpoint after every n-th epoch (default 1) and after the last. */
        public Builder checkpointEveryEpochs(int n) { this.checkpointEveryEpochs = n; return this; }

        /** Also checkpoint every n optimizer steps mid-epoch (default 0 = off). */
        public Builder checkpointEverySteps(long n) { this.checkpointEverySteps = n; return this; }

        /** Header fields (model spec, factorization spec, metadata) stored in checkpoints. */
        public Builder architecture(Map<String, Object> header) {
            this.architecture.clear();
            this.architecture.putAll(header);
            return this;
        }

        /** A value computed after each epoch and stored under {@code name} in the metrics (JSON-compatible). */
        public Builder metric(String name, Supplier<Object> value) { this.extraMetrics.put(name, value); return this; }

        /** Assemble the next batch on a background thread (default true). */
        public Builder prefetch(boolean on) { this.prefetch = on; return this; }

        public Trainer build() {
            if (train == null) {
                throw new IllegalArgumentException("Trainer: no training data (call train(BatchSource))");
            }
            if (train.batchesPerEpoch() <= 0) {
                throw new IllegalArgumentException("Trainer: the training data is empty (" + train.describe() + ")");
            }
            if (test != null && test.batchesPerEpoch() <= 0) {
                throw new IllegalArgumentException("Trainer: the test data is empty (" + test.describe() + ")");
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("Trainer: epochs must be >= 1, got " + epochs);
            }
            if (checkpointEveryEpochs < 1 || checkpointEverySteps < 0) {
                throw new IllegalArgumentException("Trainer: checkpoint intervals must be >= 1 epoch and >= 0 steps, got "
                        + checkpointEveryEpochs + " and " + checkpointEverySteps);
            }
            return new Trainer(this);
        }
    }

    /** @return the number of training batches per epoch. */
    public int batchesPerEpoch() {
        return train.batchesPerEpoch();
    }

    /**
     * Restores model, optimizer, generators and position from a checkpoint written by a trainer with
     * the same seed, training data size and batches per epoch; {@link #fit()} then continues from there.
     *
     * @throws IOException for an unreadable or mismatching checkpoint (message names the file and field)
     */
    public void resume(Path checkpoint) throws IOException {
        Checkpoint.Loaded ck = Checkpoint.read(checkpoint);
        Checkpoint.State st = ck.state();
        String src = ck.source();
        if (st.seed() != seed || st.batchesPerEpoch() != batchesPerEpoch() || st.trainSize() != train.size()) {
            throw new org.fnl4j.io.ModelFormatException(src, "checkpoint was made with seed " + st.seed() + " and "
                    + st.trainSize() + " training examples in " + st.batchesPerEpoch() + " batches per epoch; this run has "
                    + "seed " + seed + " and " + train.size() + " in " + batchesPerEpoch()
                    + " (resume with the same settings)");
        }
        if (st.epoch() > epochs || st.batch() > batchesPerEpoch()) {
            throw new org.fnl4j.io.ModelFormatException(src, "checkpoint position (epoch " + st.epoch() + ", batch "
                    + st.batch() + ") is beyond this run's " + epochs + " epochs of " + batchesPerEpoch() + " batches");
        }
        Checkpoint.restore(ck, model, optimizer);
        this.resumeFrom = st;
        this.lastCheckpointNote = "the last good checkpoint is " + checkpoint;
    }

    /** Runs the remaining epochs and returns the metrics. */
    public TrainResult fit() {
        Checkpoint.State st = resumeFrom;
        int startEpoch = st == null ? 0 : st.epoch();
        int startBatch = st == null ? 0 : st.batch();
        long step = st == null ? 0 : st.step();
        double trainSeconds = st == null ? 0 : st.trainSeconds();
        long items = st == null ? 0 : st.items();
        List<EpochMetrics> history = new ArrayList<>(st == null ? List.of() : st.history());
        int nb = batchesPerEpoch();
        RunInfo info = new RunInfo(epochs, startEpoch, startBatch, nb, train.size(), test == null ? 0 : test.size(),
                st != null);
        listeners.forEach(l -> l.onTrainStart(info));

        ExecutorService pool = prefetch ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fnl4j-prefetch");
            t.setDaemon(true);
            return t;
        }) : null;
        try {
            for (int epoch = startEpoch; epoch < epochs; epoch++) {
                boolean resumedHere = st != null && epoch == startEpoch;
                int first = resumedHere ? startBatch : 0;
                double lossSum = resumedHere ? st.lossSum() : 0;
                long correct = resumedHere ? st.correct() : 0;
                long seen = resumedHere ? st.seen() : 0;
                double epochSeconds = resumedHere ? st.epochSeconds() : 0;
                model.train(true);
                final int e = epoch;
                listeners.forEach(l -> l.onEpochStart(e + 1, nb, first));

                long t0 = System.nanoTime();
                Future<Batch> next = first < nb ? submit(pool, epoch, first) : null;
                for (int b = first; b < nb; b++) {
                    Batch batch = await(next);
                    next = b + 1 < nb ? submit(pool, epoch, b + 1) : null;
                    schedule.apply(optimizer, position(epoch, b, nb, step));
                    double lr = optimizer.lr();
                    model.zeroGrad();
                    Tensor out = model.forward(batch.inputs());
                    Tensor loss = objective.loss(out, batch);
                    double lv = loss.item();
                    if (!Double.isFinite(lv)) {
                        throw diverged("training loss is " + lv, epoch, b, nb, step + 1);
                    }
                    Autograd.backward(loss);
                    for (Runnable h : hooks) {
                        h.run();
                    }
                    optimizer.step();
                    step++;
                    lossSum += lv * batch.items();
                    correct += objective.correct(out, batch);
                    seen += batch.items();
                    items += batch.items();
                    double elapsed = epochSeconds + (System.nanoTime() - t0) / 1e9;
                    TrainingListener.StepInfo si = new TrainingListener.StepInfo(epoch + 1, b + 1, nb, step, lv,
                            lossSum / seen, lr, elapsed > 0 ? seen / elapsed : 0);
                    listeners.forEach(l -> l.onStep(si));
                    if (checkpointFile != null && checkpointEverySteps > 0 && step % checkpointEverySteps == 0
                            && b + 1 < nb) {
                        double now = (System.nanoTime() - t0) / 1e9;
                        checkpoint(new Checkpoint.State(epoch, b + 1, step, seed, nb, train.size(), lossSum,
                                correct, seen, epochSeconds + now, trainSeconds + now, items, history,
                                ModelRngs.states(model)), epoch, b, nb);
                    }
                }
                double spent = (System.nanoTime() - t0) / 1e9;
                epochSeconds += spent;
                trainSeconds += spent;

                listeners.forEach(l -> l.onEvalStart(e + 1));
                long e0 = System.nanoTime();
                Evaluation ev = test == null ? new Evaluation(Double.NaN, Double.NaN) : evaluate(test);
                double evalSeconds = (System.nanoTime() - e0) / 1e9;
                Map<String, Object> extra = new LinkedHashMap<>();
                extraMetrics.forEach((k, s) -> extra.put(k, s.get()));
                EpochMetrics m = new EpochMetrics(epoch + 1, step, lossSum / seen, (double) correct / seen, ev.loss(),
                        ev.accuracy(), optimizer.lr(), seen / Math.max(epochSeconds, 1e-9), epochSeconds, evalSeconds, extra);
                history.add(m);
                listeners.forEach(l -> l.onEpochEnd(m));
                if (checkpointFile != null && ((epoch + 1) % checkpointEveryEpochs == 0 || epoch + 1 == epochs)) {
                    checkpoint(new Checkpoint.State(epoch + 1, 0, step, seed, nb, train.size(), 0, 0, 0, 0,
                            trainSeconds, items, history, ModelRngs.states(model)), epoch, nb - 1, nb);
                }
                st = null;
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        model.train(false);
        TrainResult result = new TrainResult(history, step, items, trainSeconds);
        listeners.forEach(l -> l.onTrainEnd(result));
        return result;
    }

    /** Evaluates {@code data} with this trainer's model and objective (see {@link #evaluate(Module, BatchSource, Objective)}). */
    public Evaluation evaluate(BatchSource data) {
        return evaluate(model, data, objective);
    }

    /**
     * Evaluates the batches of epoch 0 of {@code data} in eval mode without recording gradients
     * (the model's mode is restored afterwards).
     *
     * @return mean loss and accuracy over all items
     */
    public static Evaluation evaluate(Module model, BatchSource data, Objective objective) {
        boolean was = model.isTraining();
        model.train(false);
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        try (Autograd.Scope scope = Autograd.noGrad()) {
            int n = data.batchesPerEpoch();
            for (int b = 0; b < n; b++) {
                Batch batch = data.batch(0, b);
                Tensor out = model.forward(batch.inputs());
                lossSum += objective.loss(out, batch).item() * batch.items();
                correct += objective.correct(out, batch);
                seen += batch.items();
            }
        } finally {
            model.train(was);
        }
        return new Evaluation(lossSum / seen, (double) correct / seen);
    }

    private double position(int epoch, int batch, int nb, long step) {
        return scheduleUnit.position(epoch, batch, nb, step);
    }

    private void checkpoint(Checkpoint.State state, int epoch, int b, int nb) {
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            Tensor v = e.getValue().value();
            float[] d = v.data();
            for (int i = v.offset(), end = v.offset() + v.size(); i < end; i++) {
                if (!Float.isFinite(d[i])) {
                    throw diverged("parameter " + e.getKey() + " holds " + d[i], epoch, b, nb, state.step());
                }
            }
        }
        try {
            Checkpoint.save(checkpointFile, model, optimizer, state, architecture);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        lastCheckpointNote = "the last good checkpoint is " + checkpointFile + " (epoch " + state.epoch() + ", batch "
                + state.batch() + ", step " + state.step() + ")";
        listeners.forEach(l -> l.onCheckpoint(checkpointFile, state.epoch(), state.step()));
    }

    private TrainingDivergedException diverged(String what, int epoch, int b, int nb, long step) {
        return new TrainingDivergedException("training diverged: " + what + " at epoch " + (epoch + 1) + ", batch "
                + (b + 1) + "/" + nb + ", step " + step + "; training stopped, " + lastCheckpointNote
                + " (try a lower learning rate)", step);
    }

    private Future<Batch> submit(ExecutorService pool, int epoch, int b) {
        if (pool == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(train.batch(epoch, b));
        }
        return pool.submit(() -> train.batch(epoch, b));
    }

    private static Batch await(Future<Batch> f) {
        try {
            return f.get();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Trainer: interrupted while waiting for the next batch", ex);
        } catch (ExecutionException ex) {
            Throwable c = ex.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("Trainer: assembling a batch failed: " + c, c);
        }
    }
}

package org.fnl4j.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * Turns a {@link Dataset} into mini-batches {@link Batch}(x (B, ...shape), labels (B)).
 *
 * <p><b>Determinism.</b> Every batch is a pure function of (seed, epoch, batch index): the example
 * order of epoch e is a Fisher–Yates shuffle driven by a seed derived from (seed, e), and each
 * example's augmentation uses a generator derived from (seed, e, example index). So the order is
 * reproducible, a run can resume at any (epoch, batch) position ({@link #epoch(int, int)}), and
 * background prefetching cannot change what is produced, only when.
 *
 * <p><b>Prefetch.</b> With prefetch on, while the caller works on batch k, one daemon thread
 * assembles batch k+1 (the thread ends after a few idle seconds, so loaders need no closing).
 * Each batch gets fresh arrays, so a batch stays valid after the next one is produced.
 *
 * <p><b>Pipeline per example</b>: copy from the dataset (values in [0, 1] for images) →
 * {@link Augmentation} (random crop with zero padding, horizontal flip) → {@link Normalization}.
 */
public final class DataLoader {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final Augmentation augmentation;
    private final Normalization normalization;
    private final boolean prefetch;
    private final int[] shape;
    private final int exampleSize;
    private ThreadPoolExecutor worker;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.seed = b.seed;
        this.augmentation = b.augmentation;
        this.normalization = b.normalization;
        this.prefetch = b.prefetch;
        this.shape = dataset.exampleShape();
        this.exampleSize = dataset.exampleSize();
        if (batchSize <= 0) {
            throw new IllegalArgumentException("DataLoader: batch size must be > 0, got " + batchSize);
        }
        if (dataset.size() <= 0) {
            throw new IllegalArgumentException("DataLoader: dataset " + dataset.name() + " is empty; expected at least one example");
        }
        if (dropLast && dataset.size() < batchSize) {
            throw new IllegalArgumentException("DataLoader: dataset " + dataset.name() + " has " + dataset.size()
                    + " examples, fewer than one batch of " + batchSize + " with dropLast; use a smaller batch");
        }
        if (normalization != null) {
            int c = shape.length >= 3 ? shape[0] : 1;
            if (normalization.channels() != c) {
                throw new IllegalArgumentException("DataLoader: normalization has " + normalization.channels()
                        + " channels but examples of " + dataset.name() + " have shape " + Arrays.toString(shape)
                        + " (" + c + " channels)");
            }
        }
        if (augmentation != null && (shape.length < 2 || shape.length > 3)) {
            throw new IllegalArgumentException("DataLoader: augmentation needs image examples (C, H, W) or (H, W), "
                    + dataset.name() + " has shape " + Arrays.toString(shape));
        }
    }

    /** Starts a builder; defaults: batch 128, no shuffle, keep the last partial batch, prefetch on. */
    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    /** Options of a {@link DataLoader}. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 128;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private Augmentation augmentation;
        private Normalization normalization;
        private boolean prefetch = true;

        private Builder(Dataset dataset) {
            this.dataset = dataset;
        }

        public Builder batchSize(int b) { this.batchSize = b; return this; }

        /** Shuffles each epoch; the loader's seed is drawn from {@code rng} once, now. */
        public Builder shuffle(Rng rng) { this.shuffle = true; this.seed = rng.nextLong(); return this; }

        /** Shuffles each epoch with this seed (e.g. restored from a checkpoint, see {@link DataLoader#seed()}). */
        public Builder shuffle(long seed) { this.shuffle = true; this.seed = seed; return this; }

        /** Sets the seed of the augmentation without shuffling (evaluation with test-time augmentation). */
        public Builder seed(long seed) { this.seed = seed; return this; }

        public Builder dropLast(boolean on) { this.dropLast = on; return this; }

        public Builder augment(Augmentation a) { this.augmentation = a; return this; }

        public Builder normalize(Normalization n) { this.normalization = n; return this; }

        public Builder prefetch(boolean on) { this.prefetch = on; return this; }

        public DataLoader build() { return new DataLoader(this); }
    }

    public Dataset dataset() { return dataset; }

    public int batchSize() { return batchSize; }

    /** @return the seed all orders and augmentations derive from (store it in checkpoints). */
    public long seed() { return seed; }

    public boolean shuffles() { return shuffle; }

    /** @return the number of batches per epoch (the last may be smaller unless dropLast). */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** @return the number of examples one epoch yields (all, or a multiple of the batch size with dropLast). */
    public int examplesPerEpoch() {
        return dropLast ? batchesPerEpoch() * batchSize : dataset.size();
    }

    /** @return the dataset indices in the order of epoch {@code epoch} (identity when not shuffling). */
    public int[] order(int epoch) {
        int[] order = new int[dataset.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            new Rng(Seeds.derive(seed, 1, epoch)).shuffle(order);
        }
        return order;
    }

    /**
     * Builds batch {@code index} of epoch {@code epoch} directly (no prefetch). Recomputes the
     * epoch's order on each call; iterate with {@link #epoch(int)} for a whole pass.
     */
    public Batch batch(int epoch, int index) {
        return assemble(epoch, order(epoch), index);
    }

    private Batch assemble(int epoch, int[] order, int index) {
        int nb = batchesPerEpoch();
        if (index < 0 || index >= nb) {
            throw new IndexOutOfBoundsException("DataLoader: batch " + index + " outside [0, " + nb + ") of " + dataset.name());
        }
        int start = index * batchSize;
        int b = Math.min(batchSize, dataset.size() - start);
        float[] x = new float[b * exampleSize];
        int[] labels = new int[b];
        float[] scratch = augmentation != null ? new float[exampleSize] : null;
        for (int k = 0; k < b; k++) {
            int i = order[start + k];
            int off = k * exampleSize;
            dataset.copyExample(i, x, off);
            labels[k] = dataset.label(i);
            if (augmentation != null) {
                augmentation.apply(x, off, scratch, shape, new Rng(Seeds.derive(seed, 2 + (long) epoch, i)));
            }
            if (normalization != null) {
                normalization.apply(x, off, exampleSize);
            }
        }
        int[] bshape = new int[shape.length + 1];
        bshape[0] = b;
        System.arraycopy(shape, 0, bshape, 1, shape.length);
        return Batch.labelled(Tensor.of(x, bshape), labels);
    }

    /** The batches of epoch {@code epoch} from the start. */
    public Epoch epoch(int epoch) {
        return new Epoch(epoch, 0);
    }

    /** The batches of epoch {@code epoch} from batch {@code startBatch} on (resuming a checkpoint). */
    public Epoch epoch(int epoch, int startBatch) {
        return new Epoch(epoch, startBatch);
    }

    private synchronized ThreadPoolExecutor worker() {
        if (worker == null) {
            worker = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "fnl4j-prefetch-" + dataset.name());
                t.setDaemon(true);
                return t;
            });
            worker.allowCoreThreadTimeOut(true);
        }
        return worker;
    }

    /**
     * One pass over the data: an iterator (and iterable, once) of batches with its position.
     * {@link #close()} drops a pending prefetch when the caller stops early.
     */
    public final class Epoch implements Iterator<Batch>, Iterable<Batch>, AutoCloseable {
        private final int epoch;
        private final int[] order;
        private final int end;
        private int next;
        private Future<Batch> pending;
        private boolean closed;

        private Epoch(int epoch, int start) {
            int nb = batchesPerEpoch();
            if (epoch < 0 || start < 0 || start > nb) {
                throw new IllegalArgumentException("DataLoader.epoch: position (epoch " + epoch + ", batch " + start
                        + ") is invalid; expected epoch >= 0 and batch in [0, " + nb + "]");
            }
            this.epoch = epoch;
            this.order = order(epoch);
            this.end = nb;
            this.next = start;
            schedule();
        }

        private void schedule() {
            if (prefetch && next < end) {
                int idx = next;
                pending = worker().submit(() -> assemble(epoch, order, idx));
            } else {
                pending = null;
            }
        }

        @Override
        public boolean hasNext() {
            return !closed && next < end;
        }

        @Override
        public Batch next() {
            if (closed || next >= end) {
                throw new NoSuchElementException("DataLoader: epoch " + epoch + (closed ? " is closed"
                        : " has only " + end + " batches"));
            }
            Batch b;
            if (pending != null) {
                b = await(pending);
            } else {
                b = assemble(epoch, order, next);
            }
            next++;
            schedule();
            return b;
        }

        private Batch await(Future<Batch> f) {
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("DataLoader: interrupted while waiting for batch " + next
                        + " of epoch " + epoch, e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException("DataLoader: assembling batch " + next + " failed", c);
            }
        }

        /** @return the epoch number. */
        public int epoch() {
            return epoch;
        }

        /** @return the index of the next batch ({@link #next()} has returned this many in total). */
        public int position() {
            return next;
        }

        /** @return the number of batches in the epoch. */
        public int batches() {
            return end;
        }

        @Override
        public Iterator<Batch> iterator() {
            return this;
        }

        @Override
        public void close() {
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
            closed = true;
        }
    }
}

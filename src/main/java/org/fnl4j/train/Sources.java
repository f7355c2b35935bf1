package org.fnl4j.train;

import java.util.List;
import org.fnl4j.data.Batch;
import org.fnl4j.data.DataLoader;
import org.fnl4j.data.TextCorpus;
import org.fnl4j.tensor.Rng;

/** {@link BatchSource}s over the {@code org.fnl4j.data} loaders. */
public final class Sources {
    private Sources() {}

    /**
     * Labelled images (or feature vectors) from a {@link DataLoader}: batch b of epoch e is
     * {@code loader.batch(e, b)}, which is a pure function of the loader's seed and (e, b).
     * Batches: inputs (B, ...example shape), targets B labels, B items.
     */
    public static BatchSource of(DataLoader loader) {
        return new BatchSource() {
            @Override
            public int batchesPerEpoch() {
                return loader.batchesPerEpoch();
            }

            @Override
            public Batch batch(int epoch, int index) {
                return loader.batch(epoch, index);
            }

            @Override
            public int size() {
                return loader.examplesPerEpoch();
            }

            @Override
            public String describe() {
                return loader.dataset().describe();
            }
        };
    }

    /**
     * Language-model training windows: each epoch has ⌊n / (B·T)⌋ batches of B windows of T tokens
     * at random offsets, drawn from a generator derived from (seed, epoch, batch). Inputs (B, T) as
     * floats, targets B·T next tokens, B·T items.
     */
    public static BatchSource textTrain(int[] ids, int batch, int time, long seed, String name) {
        if (ids.length < time + 2) {
            throw new IllegalArgumentException("Sources.textTrain: " + name + " has " + ids.length
                    + " tokens, fewer than the context " + time + " + 2");
        }
        int nb = Math.max(1, ids.length / (batch * time));
        return new BatchSource() {
            @Override
            public int batchesPerEpoch() {
                return nb;
            }

            @Override
            public Batch batch(int epoch, int index) {
                Rng rng = new Rng(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)));
                rng.setState(rng.nextLong() ^ (0xC2B2AE3D27D4EB4FL * (index + 1)));
                return TextCorpus.randomBatch(ids, batch, time, new Rng(rng.nextLong()));
            }

            @Override
            public int size() {
                return nb * batch * time;
            }

            @Override
            public String describe() {
                return name + ": " + ids.length + " tokens, " + nb + " batches of " + batch + "x" + time;
            }
        };
    }

    /** Sequential evaluation batches over {@code ids} (every token but the first of each stream predicted once). */
    public static BatchSource textEval(int[] ids, int batch, int time, String name) {
        List<Batch> all = TextCorpus.sequentialBatches(ids, batch, time);
        long tokens = 0;
        for (Batch t : all) tokens += t.items();
        long total = tokens;
        return new BatchSource() {
            @Override
            public int batchesPerEpoch() {
                return all.size();
            }

            @Override
            public Batch batch(int epoch, int index) {
                return all.get(index);
            }

            @Override
            public int size() {
                return (int) Math.min(Integer.MAX_VALUE, total);
            }

            @Override
            public String describe() {
                return name + ": " + ids.length + " tokens";
            }
        };
    }
}

package org.fnl4j.data;

import org.fnl4j.tensor.Tensor;

/**
 * One mini-batch, the one batch type of fnl4j: the model input, the integer targets and how many
 * predictions it counts for in throughput and averages. {@link DataLoader} makes labelled image
 * batches ({@link #labelled}), {@link TextCorpus} next-token batches ({@link #tokens}).
 *
 * @param inputs  the model input, a fresh tensor owned by the caller: images (B, C, H, W),
 *                features (B, D) or token ids (B, T) as floats
 * @param targets class labels (B), {@code targets[b]} belongs to input b; or next-token ids (B·T),
 *                row-major, {@code targets[b·T + t]} is the id that follows input (b, t)
 * @param items   the number of predictions: B for classification, B·T for a language model
 */
public record Batch(Tensor inputs, int[] targets, int items) {
    public Batch {
        if (inputs == null || targets == null) {
            throw new IllegalArgumentException("Batch: inputs and targets must not be null");
        }
        if (items <= 0) {
            throw new IllegalArgumentException("Batch: items must be > 0, got " + items);
        }
    }

    /** @return a classification batch: B inputs and their B labels (items = B). */
    public static Batch labelled(Tensor inputs, int[] labels) {
        return new Batch(inputs, labels, labels.length);
    }

    /**
     * @param ids     B·T input ids, row-major (B, T)
     * @param targets B·T target ids, row-major (B, T)
     * @return a next-token batch: the ids as a float tensor (B, T), the form the Transformer takes
     *         (items = B·T)
     * @throws IllegalArgumentException when the lengths are not B·T
     */
    public static Batch tokens(int[] ids, int[] targets, int batch, int time) {
        if (ids.length != batch * time || targets.length != batch * time) {
            throw new IllegalArgumentException("Batch.tokens: " + ids.length + " inputs and " + targets.length
                    + " targets for shape (" + batch + ", " + time + "); expected " + batch * time + " each");
        }
        float[] f = new float[ids.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = ids[i];
        }
        return new Batch(Tensor.of(f, batch, time), targets, targets.length);
    }
}

package org.fnl4j.train;

import org.fnl4j.tensor.Tensor;

/**
 * One mini-batch: the model input, the integer targets and how many items it counts for in
 * throughput and averages.
 *
 * @param inputs  the model input, e.g. images (N, C, H, W), features (N, D) or token ids (N, T) as floats
 * @param targets class labels (N) for classification, next-token ids (N·T) for a language model
 * @param items   the number of predictions in the batch: N for classification, N·T for a language model
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
}

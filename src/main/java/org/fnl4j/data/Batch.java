package org.fnl4j.data;

import org.fnl4j.tensor.Tensor;

/**
 * One mini-batch of labelled examples.
 *
 * @param x      inputs of shape (B, ...example shape), a fresh tensor owned by the caller
 * @param labels B class labels, {@code labels[b]} belongs to {@code x[b]}
 */
public record Batch(Tensor x, int[] labels) {
    /** @return the number of examples B. */
    public int size() {
        return labels.length;
    }
}

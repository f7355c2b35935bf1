package org.fnl4j.train;

import org.fnl4j.data.Batch;
import org.fnl4j.tensor.Tensor;

/**
 * What the trainer minimises and how it scores predictions: a differentiable mean loss of the model
 * output against the batch targets, and the number of correct predictions.
 */
public interface Objective {
    /** @return a one-element tensor: the mean loss over the batch's {@link Batch#items()} (differentiable). */
    Tensor loss(Tensor output, Batch batch);

    /** @return how many of the batch's items the output predicts correctly (no autograd). */
    long correct(Tensor output, Batch batch);

    /**
     * Counts arg-max hits: {@code logits} holds {@code targets.length} rows of {@code classes}
     * scores each, row-major from {@code offset} (e.g. (N, C) or (B, T, V) flattened).
     */
    static long argmaxHits(float[] logits, int offset, int classes, int[] targets) {
        long hits = 0;
        for (int r = 0; r < targets.length; r++) {
            int base = offset + r * classes;
            int best = 0;
            float bv = logits[base];
            for (int c = 1; c < classes; c++) {
                if (logits[base + c] > bv) {
                    bv = logits[base + c];
                    best = c;
                }
            }
            if (best == targets[r]) {
                hits++;
            }
        }
        return hits;
    }
}

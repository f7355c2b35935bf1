package org.fnl4j.train;

import org.fnl4j.data.Batch;

/**
 * Batches as a pure function of their position: {@link #batch(int, int)} must return the same
 * content for the same (epoch, index) whenever and on whatever thread it is called (example order
 * and augmentation derived from a seed and the position, as {@code org.fnl4j.data.DataLoader}
 * does). That is what lets the {@link Trainer} prefetch on a background thread and resume a
 * checkpoint bit-exactly. Evaluation uses the batches of epoch 0.
 *
 * <p>{@link #batch} is called from one thread at a time, possibly not the trainer's.
 */
public interface BatchSource {
    /** @return the number of batches per epoch (≥ 1). */
    int batchesPerEpoch();

    /** @return batch {@code index} (0-based, &lt; {@link #batchesPerEpoch()}) of epoch {@code epoch} (0-based). */
    Batch batch(int epoch, int index);

    /** @return the number of examples an epoch covers (for messages and checkpoint checks). */
    int size();

    /** @return a short description for logs, e.g. "fashion-mnist train: 10000 images 1x28x28". */
    default String describe() {
        return getClass().getSimpleName() + " (" + size() + " examples)";
    }
}

package org.fnl4j.train;

import java.util.Arrays;
import org.fnl4j.tensor.Rng;

/**
 * Random-access labelled examples from which the {@link Trainer} assembles batches. The trainer
 * chooses which examples form each batch (a seeded permutation per epoch) and hands a generator for
 * augmentation that is derived from the seed, the epoch and the batch index, so a batch's content
 * depends on nothing else: that is what makes resuming from a checkpoint bit-exact.
 *
 * <p>{@link #batch} is called from one background thread at a time (prefetch) while the model
 * trains on the previous batch; implementations must not share mutable state with the caller.
 */
public interface BatchSource {
    /** @return the number of examples; indices passed to {@link #batch} are in [0, size()). */
    int size();

    /**
     * Assembles the examples at {@code indices} (in that order) into one batch.
     *
     * @param augment generator for random augmentation, or null for none (evaluation)
     */
    Batch batch(int[] indices, Rng augment);

    /** @return a short description for logs, e.g. "fashion-mnist train (10000 images 1x28x28)". */
    default String describe() {
        return getClass().getSimpleName() + " (" + size() + " examples)";
    }

    /** @return a view of the first {@code n} examples (all when {@code n >= size()}). */
    default BatchSource limit(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("BatchSource.limit: n must be > 0, got " + n);
        }
        if (n >= size()) {
            return this;
        }
        BatchSource base = this;
        return new BatchSource() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public Batch batch(int[] indices, Rng augment) {
                for (int i : indices) {
                    if (i < 0 || i >= n) {
                        throw new IndexOutOfBoundsException("BatchSource.limit(" + n + "): index " + i + " in "
                                + Arrays.toString(indices));
                    }
                }
                return base.batch(indices, augment);
            }

            @Override
            public String describe() {
                return base.describe() + ", first " + n;
            }
        };
    }
}

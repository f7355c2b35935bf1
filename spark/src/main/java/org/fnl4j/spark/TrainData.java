package org.fnl4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import org.fnl4j.data.Batch;
import org.fnl4j.train.RunData;

/**
 * Where a partition's training batches come from, opened on the executor that runs the partition's
 * task. Every batch is a pure function of (seed, epoch, batch index, partition), so a task Spark
 * retries or reruns elsewhere sees the same batches.
 */
interface TrainData extends Serializable {
    /**
     * Opens partition {@code partition}'s batches.
     *
     * @param rows the partition's rows (ignored by data read from files)
     */
    Shard open(int partition, Iterator<?> rows) throws IOException;

    /** One partition's view of the training data. */
    interface Shard {
        /** @return the global steps per epoch this partition can serve. */
        int batchesPerEpoch();

        /** @return the training examples this partition's share of an epoch is drawn from. */
        int size();

        /** @return partition's part of global batch {@code index} of epoch {@code epoch}, or null when it is empty. */
        Batch batch(int epoch, int index);

        /** @return the data's shape, classes and vocabulary (what a replica's network is built for). */
        RunData shape();
    }
}

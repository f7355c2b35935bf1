package org.fnl4j.spark;

import java.io.Serializable;
import org.fnl4j.train.Replica;

/**
 * What one partition sends back at the end of a round: its replica's state after the round's
 * steps and what it saw.
 *
 * @param partition     the partition (replica) index
 * @param state         the replica's model and optimizer state after the round
 * @param items         training items (images) it stepped on in the round; its weight in the average
 * @param lossSum       Σ loss × items over its steps
 * @param correct       correct training predictions
 * @param computeNanos  time spent loading its batches and stepping (the task's compute, without Spark's overhead)
 * @param host          the executor's host, for messages
 */
record RoundResult(int partition, Replica.State state, long items, double lossSum, long correct, long computeNanos,
                   String host) implements Serializable {
    private static final long serialVersionUID = 1L;
}

package org.fnl4j.spark;

import java.io.Serializable;
import org.fnl4j.train.Replica;

/**
 * What the driver broadcasts at the start of a round: the averaged state every replica starts
 * from and the global position of the round's steps.
 *
 * @param round 0-based round number
 * @param epoch 0-based epoch of the round's steps (a round never spans two epochs)
 * @param batch global batch index of the round's first step within the epoch
 * @param steps steps in this round (K, or fewer at the end of an epoch)
 * @param step  optimizer steps taken before this round (the schedule's global step)
 * @param state the model and optimizer state to start from
 */
record RoundStart(long round, int epoch, int batch, int steps, long step, Replica.State state) implements Serializable {
    private static final long serialVersionUID = 1L;
}

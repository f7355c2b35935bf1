package org.fnl4j.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit()}.
 *
 * @param history      one entry per finished epoch, including epochs run before a resume
 * @param steps        optimizer steps taken in total
 * @param items        training items processed in total
 * @param trainSeconds seconds spent in training steps in total (evaluation excluded; summed across resumes)
 */
public record TrainResult(List<EpochMetrics> history, long steps, long items, double trainSeconds) {
    public TrainResult {
        history = List.copyOf(history);
    }

    /** @return the last epoch's metrics, or null if no epoch ran. */
    public EpochMetrics last() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }

    /** @return training items per second over the whole run. */
    public double itemsPerSecond() {
        return trainSeconds > 0 ? items / trainSeconds : 0;
    }
}

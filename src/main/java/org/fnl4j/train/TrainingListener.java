package org.fnl4j.train;

import java.nio.file.Path;

/**
 * Callbacks from the {@link Trainer}, all on the training thread, all optional. The progress bar,
 * the metrics log and plot collectors are listeners.
 */
public interface TrainingListener {
    /** Before the first step (also after a resume, with the restored position). */
    default void onTrainStart(Trainer.RunInfo info) {}

    /** Before the first batch of an epoch (1-based {@code epoch}); {@code batches} in this epoch. */
    default void onEpochStart(int epoch, int batches, int firstBatch) {}

    /** After each optimizer step. */
    default void onStep(StepInfo step) {}

    /** When the per-epoch evaluation starts (for a progress display). */
    default void onEvalStart(int epoch) {}

    /** After an epoch's training and evaluation. */
    default void onEpochEnd(EpochMetrics metrics) {}

    /** After a checkpoint was written atomically. */
    default void onCheckpoint(Path file, int epoch, long step) {}

    /** After the last epoch. */
    default void onTrainEnd(TrainResult result) {}

    /**
     * One training step.
     *
     * @param epoch      1-based epoch
     * @param batch      1-based batch index within the epoch
     * @param batches    batches in the epoch
     * @param step       global optimizer step count after this step
     * @param loss       this batch's mean loss
     * @param runningLoss mean loss of the epoch so far
     * @param lr         learning rate used for this step (group 0)
     * @param itemsPerSecond training throughput of the epoch so far
     */
    record StepInfo(int epoch, int batch, int batches, long step, double loss, double runningLoss, double lr,
            double itemsPerSecond) {}
}

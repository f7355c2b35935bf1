package org.fnl4j.train;

/**
 * Training stopped because the loss (or the parameters) became NaN or infinite. The message names
 * the epoch, batch and global step, and the last good checkpoint, which is left untouched.
 */
public class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long step;

    public TrainingDivergedException(String message, long step) {
        super(message);
        this.step = step;
    }

    /** @return the global step (1-based) at which the non-finite value appeared. */
    public long step() {
        return step;
    }
}

package org.fnl4j.train;

/**
 * A model's score on a data set.
 *
 * @param loss     mean loss per item (cross-entropy in nats; per token for text)
 * @param accuracy fraction of items classified correctly, in [0, 1] (next-token accuracy for text)
 */
public record Evaluation(double loss, double accuracy) {
    /** @return the loss in bits (per character for text): loss / ln 2. */
    public double bits() {
        return loss / Math.log(2);
    }
}

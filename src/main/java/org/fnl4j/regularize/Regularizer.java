package org.fnl4j.regularize;

/**
 * A penalty R(θ) on parameters applied through their gradients: {@link #apply()} adds ∇R to the
 * parameters' gradient buffers, which is the same as adding R to the loss. Call it after the loss's
 * backward and before {@code optimizer.step()}, so the penalty's gradient flows through momentum
 * like coupled L2 decay. Regularizers read parameter values and write gradients only; they record
 * nothing on the autograd tape of the loss.
 */
public interface Regularizer {
    /** Adds the penalty's gradient to the gradient buffers of the parameters it covers. */
    void apply();

    /** @return the current penalty value R(θ) (for logging; not added to the loss). */
    double penalty();
}

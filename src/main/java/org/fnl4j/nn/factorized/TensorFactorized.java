package org.fnl4j.nn.factorized;

/**
 * A factorized layer whose weight is a tensor decomposition (Tucker or tensor-train cores), for
 * which Frobenius decay is the gradient of (λ/2)·‖reconstructed weight‖²_F with respect to the
 * cores, obtained through the autodiff on the layer's own reconstruction.
 */
public interface TensorFactorized extends Factorized {
    /**
     * Adds the gradient of (λ/2)·‖W‖²_F (W the reconstructed weight) to the cores' gradient buffers.
     * Runs its own small graph and backward pass; the caller's graph is not touched.
     *
     * @return the penalty value (λ/2)·‖W‖²_F
     */
    double addFrobeniusGradient(float lambda);

    /** @return (λ/2)·‖W‖²_F without touching gradients. */
    double frobeniusPenalty(float lambda);
}

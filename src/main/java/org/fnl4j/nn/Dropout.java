package org.fnl4j.nn;

import org.fnl4j.ops.Activations;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * Inverted dropout: in training mode each element is zeroed with probability p and the survivors
 * are scaled by 1/(1-p); in eval mode (or with p = 0) the input passes through unchanged. Any
 * shape → the same shape. The masks are drawn from the generator given at construction, so a run
 * is reproducible from its seed.
 */
public class Dropout extends Module {
    private final float p;
    private final Rng rng;

    public Dropout(float p, Rng rng) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        if (rng == null) {
            throw new IllegalArgumentException("Dropout: a generator is required (fnl4j has no global RNG)");
        }
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Tensor forward(Tensor input) {
        if (p == 0 || !isTraining()) {
            return input;
        }
        return Activations.dropout(input, p, rng, true);
    }

    /** @return the drop probability. */
    public float p() { return p; }

    /** @return the generator the masks are drawn from (its state is part of a checkpoint). */
    public Rng rng() { return rng; }

    @Override
    protected String describe() {
        return "Dropout(p=" + p + ")";
    }
}

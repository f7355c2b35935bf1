package org.fnl4j.nn;

import org.fnl4j.ops.Activations;
import org.fnl4j.tensor.Tensor;

/** Gaussian error linear unit elementwise ({@link Activations#gelu}); any shape → the same shape. */
public class GELU extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return Activations.gelu(input);
    }

    @Override
    protected String describe() {
        return "GELU";
    }
}

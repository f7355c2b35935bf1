package org.fnl4j.nn;

import org.fnl4j.ops.Activations;
import org.fnl4j.tensor.Tensor;

/** max(0, x) elementwise; any shape → the same shape. */
public class ReLU extends Module {
    @Override
    public Tensor forward(Tensor input) {
        return Activations.relu(input);
    }

    @Override
    protected String describe() {
        return "ReLU";
    }
}

package org.fnl4j.tensor;

/**
 * The record a differentiable op leaves on the tensor it produced: the inputs it read and the
 * backward step that turns the output's gradient into gradient contributions for those inputs.
 * Implemented by {@code org.fnl4j.autograd}; the tensor package only stores it.
 */
public interface GradFn {
    /** @return the tensors this op read that may need a gradient. */
    Tensor[] inputs();

    /** Accumulates into each input's gradient, reading the output's gradient. Runs at most once. */
    void backward();

    /** @return short op name for error messages and graph dumps, e.g. "matmul". */
    String name();
}

package org.fnl4j.autograd;

import org.fnl4j.tensor.GradFn;
import org.fnl4j.tensor.Tensor;

/** One recorded op: its inputs and its backward closure, which runs at most once. */
final class Node implements GradFn {
    private final String name;
    private Tensor[] inputs;
    private Runnable backward;

    Node(String name, Tensor[] inputs, Runnable backward) {
        this.name = name;
        this.inputs = inputs;
        this.backward = backward;
    }

    @Override
    public Tensor[] inputs() {
        return inputs == null ? new Tensor[0] : inputs;
    }

    @Override
    public void backward() {
        if (backward == null) {
            throw new IllegalStateException("backward through '" + name
                    + "' a second time: its buffers were freed after the first backward");
        }
        backward.run();
    }

    /** Drops the closure and the inputs so that the forward activations can be collected. */
    void release() {
        backward = null;
        inputs = null;
    }

    @Override
    public String name() {
        return name;
    }
}

package org.fnl4j.nn;

import java.util.ArrayList;
import java.util.List;
import org.fnl4j.tensor.Tensor;

/**
 * Runs its children in order, each on the previous one's output. Children are named
 * {@code "0"}, {@code "1"}, ... as in PyTorch, so parameter names read {@code 2.weight}.
 * Input and output shapes are those of the first and last child.
 */
public class Sequential extends Module {
    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** Appends {@code m} under the next index name; returns this. */
    public Sequential add(Module m) {
        registerModule(Integer.toString(children().size()), m);
        return this;
    }

    /** @return the child at position {@code i} (the current one, after any {@link #replaceModule}). */
    public Module get(int i) {
        if (i < 0 || i >= children().size()) {
            throw new IndexOutOfBoundsException("Sequential.get: index " + i + " outside [0, " + children().size() + ")");
        }
        return child(Integer.toString(i));
    }

    /** @return the number of children. */
    public int size() {
        return children().size();
    }

    /** @return the children in order. */
    public List<Module> modules() {
        return new ArrayList<>(children().values());
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : children().values()) {
            x = m.forward(x);
        }
        return x;
    }

    @Override
    protected String describe() {
        return "Sequential";
    }
}

package org.fnl4j.nn;

import java.util.Arrays;
import org.fnl4j.ops.Shapes;
import org.fnl4j.tensor.Tensor;

/**
 * Merges the dimensions from {@code startDim} on into one: e.g. with startDim 1,
 * (N, C, H, W) → (N, C·H·W); an input with exactly startDim + 1 dimensions passes through.
 */
public class Flatten extends Module {
    private final int startDim;

    /** startDim 1: keeps the batch dimension. */
    public Flatten() {
        this(1);
    }

    public Flatten(int startDim) {
        if (startDim < 0) {
            throw new IllegalArgumentException("Flatten: startDim must be >= 0, got " + startDim);
        }
        this.startDim = startDim;
    }

    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() <= startDim) {
            throw new IllegalArgumentException("Flatten(startDim " + startDim + "): input needs more than " + startDim
                    + " dimensions, got " + Arrays.toString(input.shape()));
        }
        if (input.dim() == startDim + 1) {
            return input;
        }
        return Shapes.flatten(input, startDim);
    }

    /** @return the first dimension merged (1: keep the batch dimension). */
    public int startDim() { return startDim; }

    @Override
    protected String describe() {
        return startDim == 1 ? "Flatten" : "Flatten(startDim " + startDim + ")";
    }
}

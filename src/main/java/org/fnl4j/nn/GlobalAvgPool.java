package org.fnl4j.nn;

import java.util.Arrays;
import org.fnl4j.ops.Pooling;
import org.fnl4j.tensor.Tensor;

/** Mean over the spatial dimensions: (N, C, H, W) → (N, C). */
public class GlobalAvgPool extends Module {
    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() != 4) {
            throw new IllegalArgumentException("GlobalAvgPool: input must have shape (N, C, H, W), got "
                    + Arrays.toString(input.shape()));
        }
        return Pooling.globalAvgPool(input);
    }

    @Override
    protected String describe() {
        return "GlobalAvgPool";
    }
}

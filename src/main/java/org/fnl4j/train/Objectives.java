package org.fnl4j.train;

import org.fnl4j.data.Batch;
import org.fnl4j.ops.Losses;
import org.fnl4j.ops.Shapes;
import org.fnl4j.tensor.Tensor;

/** Standard {@link Objective}s. */
public final class Objectives {
    private Objectives() {}

    /**
     * Softmax cross-entropy with optional label smoothing, scored by arg-max accuracy. The output is
     * (N, C) logits, or (B, T, V) for a language model (flattened to (B·T, V); targets B·T ids).
     */
    public static Objective crossEntropy(float labelSmoothing) {
        return new Objective() {
            @Override
            public Tensor loss(Tensor output, Batch batch) {
                Tensor logits = output.dim() == 2 ? output : Shapes.reshape(output, -1, output.shape(-1));
                if (logits.shape(0) != batch.targets().length) {
                    throw new IllegalArgumentException("crossEntropy: the model produced " + logits.shape(0)
                            + " rows of logits " + java.util.Arrays.toString(output.shape()) + " for "
                            + batch.targets().length + " targets");
                }
                return Losses.crossEntropy(logits, batch.targets(), labelSmoothing);
            }

            @Override
            public long correct(Tensor output, Batch batch) {
                return Objective.argmaxHits(output.data(), output.offset(), output.shape(-1), batch.targets());
            }
        };
    }
}

package org.fnl4j.data;

import org.fnl4j.tensor.Tensor;

/**
 * A batch for next-token prediction: B rows of T token ids and, for each position, the id that
 * follows it in the text ({@code targets[b·T + t] = inputs[b·T + t + 1]} inside a row, and the
 * token after the window at t = T − 1).
 *
 * @param inputs  B·T input ids, row-major (B, T)
 * @param targets B·T target ids, row-major (B, T)
 * @param batch   B
 * @param time    T (context length)
 */
public record TokenBatch(int[] inputs, int[] targets, int batch, int time) {
    public TokenBatch {
        if (inputs.length != batch * time || targets.length != batch * time) {
            throw new IllegalArgumentException("TokenBatch: " + inputs.length + " inputs and " + targets.length
                    + " targets for shape (" + batch + ", " + time + "); expected " + batch * time + " each");
        }
    }

    /** @return the input ids as a float tensor of shape (B, T), the form the Transformer model takes. */
    public Tensor inputTensor() {
        float[] f = new float[inputs.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = inputs[i];
        }
        return Tensor.of(f, batch, time);
    }
}

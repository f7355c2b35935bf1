package org.fnl4j.nn;

import org.fnl4j.tensor.Tensor;

/**
 * A trainable tensor owned by a {@link Module}. Its {@link Kind} tells optimizers and regularizers
 * how to treat it: ordinary weights get weight decay, factors of a factorized product get
 * Frobenius decay instead, and normalization parameters, biases and embeddings are tagged so that a
 * parameter group can exclude them.
 */
public final class Parameter {
    /** What role a parameter plays, used to build optimizer parameter groups. */
    public enum Kind { WEIGHT, BIAS, NORM, EMBEDDING, FACTOR }

    private final Tensor value;
    private final Kind kind;

    public Parameter(Tensor value, Kind kind) {
        this.value = value.requiresGrad(true);
        this.kind = kind;
    }

    /** @return the tensor holding the values; its gradient is {@code value().grad()} after backward. */
    public Tensor value() { return value; }

    public Kind kind() { return kind; }

    /** @return the parameter's shape (copy). */
    public int[] shape() { return value.shape(); }

    public int size() { return value.size(); }

    /** Overwrites the values with {@code src} (same size), outside any autograd. */
    public void copyFrom(float[] src) {
        if (src.length != value.size()) {
            throw new IllegalArgumentException("Parameter.copyFrom: " + src.length + " values for a parameter of "
                    + value.size() + " elements " + java.util.Arrays.toString(value.shape()));
        }
        System.arraycopy(src, 0, value.data(), value.offset(), src.length);
    }
}

package org.fnl4j.tensor;

/**
 * The autograd tape's way into a {@link Tensor}'s gradient state. <b>Internal to fnl4j</b>, not
 * part of its API: for the tape ({@code org.fnl4j.autograd}), the backward closures of the
 * differentiable ops ({@code org.fnl4j.ops}) and the regularizers that add to parameter gradients
 * after backward ({@code org.fnl4j.regularize}); {@code LayeringTest} keeps it so. Applications read
 * a gradient with {@link Tensor#grad()} or {@link Tensor#gradTensor()} and replace it with
 * {@link Tensor#setGrad}.
 *
 * <p>Public only because those packages are not {@code org.fnl4j.tensor}; Tensor keeps the
 * methods themselves package-private.
 */
public final class TapeAccess {
    private TapeAccess() {}

    /**
     * @return {@code t}'s gradient array (length {@code t.size()}, offset 0), allocated as zeros
     *         on first use (possibly a recycled, zeroed array); backward closures accumulate into it
     */
    public static float[] gradBuffer(Tensor t) {
        return t.gradBuffer();
    }

    /**
     * Drops {@code t}'s gradient and lets a later {@link #gradBuffer} (of any tensor of the same
     * size) reuse its array. For the tape, on intermediate tensors once their backward has run:
     * nothing may hold the array afterwards.
     */
    public static void recycleGrad(Tensor t) {
        t.recycleGrad();
    }

    /** Records {@code fn} as the op that produced {@code t} (null detaches it); a non-null fn marks t as needing a gradient. */
    public static void setGradFn(Tensor t, GradFn fn) {
        t.setGradFn(fn);
    }
}

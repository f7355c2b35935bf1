package org.fnl4j.ops;

import java.util.Arrays;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.kernel.Elementwise;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;

/** Differentiable table lookup. */
public final class Lookup {
    private Lookup() {}

    /**
     * Rows of weight (V, D) picked by ids: the result has shape (idsShape..., D), or (ids.length, D)
     * when idsShape is empty. The backward adds each output row's gradient to its weight row
     * (repeated ids accumulate).
     *
     * @throws IllegalArgumentException for a non-2-D weight, an idsShape whose size is not
     *         ids.length, or an id outside [0, V)
     */
    public static Tensor embedding(Tensor weight, int[] ids, int... idsShape) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("embedding: weight must be 2-D (V, D), got shape "
                    + Arrays.toString(weight.shape()));
        }
        int v = weight.shape(0), d = weight.shape(1);
        int[] is = idsShape.length == 0 ? new int[] {ids.length} : idsShape.clone();
        long count = 1;
        for (int s : is) count *= s;
        if (count != ids.length) {
            throw new IllegalArgumentException("embedding: ids shape " + Arrays.toString(is) + " holds " + count
                    + " ids but " + ids.length + " were given");
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= v) {
                throw new IllegalArgumentException("embedding: id " + ids[i] + " at position " + i
                        + " is outside the vocabulary [0, " + v + ") of weight " + Arrays.toString(weight.shape()));
            }
        }
        int[] id = ids.clone();
        int[] os = Arrays.copyOf(is, is.length + 1);
        os[is.length] = d;
        Tensor out = Tensor.zeros(os);
        float[] w = weight.data(), o = out.data();
        int wo = weight.offset();
        for (int i = 0; i < id.length; i++) {
            System.arraycopy(w, wo + id[i] * d, o, i * d, d);
        }
        return Autograd.record("embedding", out, () -> {
            if (weight.requiresGrad()) {
                float[] g = out.grad(), gw = TapeAccess.gradBuffer(weight);
                for (int i = 0; i < id.length; i++) {
                    Elementwise.axpy(1f, g, i * d, gw, id[i] * d, d);
                }
            }
        }, weight);
    }
}

package org.fnl4j.nn;

import java.util.Arrays;
import org.fnl4j.init.Init;
import org.fnl4j.ops.Lookup;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * A lookup table: integer ids of any shape S → vectors (S..., D). The weight (V, D) is an
 * {@link Parameter.Kind#EMBEDDING}, initialized N(0, 1) like {@code torch.nn.Embedding}.
 * {@link #forward(Tensor)} takes the ids as a float tensor holding whole numbers in [0, V)
 * (the {@link Module} interface is tensor to tensor); {@link #forward(int[], int...)} takes them as ints.
 */
public class Embedding extends Module {
    private final int vocab;
    private final int dim;
    private final Parameter weight;

    public Embedding(int vocab, int dim, Rng rng) {
        if (vocab <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding: need vocab > 0 and dim > 0, got vocab=" + vocab + ", dim=" + dim);
        }
        this.vocab = vocab;
        this.dim = dim;
        this.weight = registerParameter("weight", new Parameter(Tensor.zeros(vocab, dim), Parameter.Kind.EMBEDDING));
        Init.normal(weight.value(), 0, 1, rng);
    }

    /** N(0, 1), PyTorch's default. */
    @Override
    public void resetParameters(Rng rng) {
        Init.normal(weight.value(), 0, 1, rng);
    }

    /**
     * @param ids float tensor of shape S holding ids in [0, V)
     * @return (S..., D)
     */
    @Override
    public Tensor forward(Tensor ids) {
        return forward(toIds(ids, vocab, "Embedding(" + vocab + ", " + dim + ")"), ids.shape());
    }

    /**
     * @param ids row-major ids of shape {@code shape}, each in [0, V)
     * @return (shape..., D)
     */
    public Tensor forward(int[] ids, int... shape) {
        return Lookup.embedding(weight.value(), ids, shape);
    }

    /**
     * Converts a float tensor of ids to ints, checking each is a whole number in [0, bound).
     *
     * @param who names the caller in the error message
     */
    public static int[] toIds(Tensor ids, int bound, String who) {
        float[] d = ids.data();
        int off = ids.offset();
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) {
            float v = d[off + i];
            int id = (int) v;
            if (id != v || id < 0 || id >= bound) {
                throw new IllegalArgumentException(who + ": ids must be whole numbers in [0, " + bound + "), got " + v
                        + " at flat index " + i + " of an ids tensor of shape " + Arrays.toString(ids.shape()));
            }
            out[i] = id;
        }
        return out;
    }

    /** @return the table (V, D). */
    public Parameter weight() { return weight; }

    public int vocab() { return vocab; }

    public int dim() { return dim; }

    @Override
    protected String describe() {
        return "Embedding(" + vocab + ", " + dim + ")";
    }
}

package org.fnl4j.nn;

import java.util.Arrays;
import org.fnl4j.ops.Arith;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * A pre-LayerNorm Transformer block: input (B, T, D) → output (B, T, D),
 * <pre>
 *   x = x + drop(attn(ln1(x)))
 *   x = x + drop(mlp(ln2(x)))        mlp = Linear(D, r·D) → GELU → Linear(r·D, D)
 * </pre>
 * Children: {@code ln1}, {@code attn} ({@link MultiHeadAttention}), {@code ln2}, {@code mlp}
 * ({@link Sequential} of {@code 0} Linear, {@code 1} GELU, {@code 2} Linear), and {@code drop}
 * ({@link Dropout}) only when the dropout probability is positive.
 */
public class TransformerBlock extends Module {
    private final int d;

    /**
     * @param mlpRatio hidden width of the MLP as a multiple of D (4 in GPT-style models)
     * @param dropout residual dropout probability (0 for none)
     * @param rng initializes the layers; the dropout generator is split from it
     */
    public TransformerBlock(int d, int heads, int mlpRatio, boolean causal, float dropout, Rng rng) {
        if (mlpRatio <= 0) {
            throw new IllegalArgumentException("TransformerBlock: mlpRatio must be > 0, got " + mlpRatio);
        }
        this.d = d;
        registerModule("ln1", new LayerNorm(d));
        registerModule("attn", new MultiHeadAttention(d, heads, causal, rng));
        registerModule("ln2", new LayerNorm(d));
        registerModule("mlp", new Sequential(new Linear(d, mlpRatio * d, rng), new GELU(), new Linear(mlpRatio * d, d, rng)));
        if (dropout > 0) {
            registerModule("drop", new Dropout(dropout, rng.split()));
        }
    }

    /** @param x (B, T, D) */
    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 3 || x.shape(2) != d) {
            throw new IllegalArgumentException("TransformerBlock(d " + d + "): input must have shape (B, T, " + d + "), got "
                    + Arrays.toString(x.shape()));
        }
        Module drop = children().get("drop");
        Tensor a = child("attn").forward(child("ln1").forward(x));
        x = Arith.add(x, drop == null ? a : drop.forward(a));
        Tensor m = child("mlp").forward(child("ln2").forward(x));
        return Arith.add(x, drop == null ? m : drop.forward(m));
    }

    /** @return the attention layer (the current child, after any replacement). */
    public Module attention() {
        return child("attn");
    }

    @Override
    protected String describe() {
        return "TransformerBlock(pre-LN, d " + d + ")";
    }
}

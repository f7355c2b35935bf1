package org.fnl4j.nn;

import java.util.Arrays;
import org.fnl4j.init.Init;
import org.fnl4j.ops.Attention;
import org.fnl4j.ops.Shapes;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * Multi-head self-attention with bias-free projections, as in the paper's Transformer:
 * input x (B, T, D) → output (B, T, D),
 * <pre>
 *   Q = x·W_Qᵀ, K = x·W_Kᵀ, V = x·W_Vᵀ        each (B, T, H·d_h), split into H heads (B, H, T, d_h)
 *   A_h = softmax(Q_h·K_hᵀ / √d_h [+ causal mask]) · V_h
 *   out = concat_h(A_h) · W_Oᵀ
 * </pre>
 * W_Q, W_K, W_V are (H·d_h, D) and W_O is (D, H·d_h); they are the children {@code q_proj},
 * {@code k_proj}, {@code v_proj}, {@code out_proj} ({@link Linear} without bias), exposed by
 * {@link #query()}, {@link #key()}, {@link #value()}, {@link #output()}. Head h uses rows
 * h·d_h .. (h+1)·d_h of W_Q, W_K, W_V and the same columns of W_O, so the per-head products the
 * factorized layers work on are {@code W_Q^hᵀ·W_K^h} and {@code W_O^h·W_V^h} (D × D, rank d_h).
 * The head dimension defaults to D/H; a smaller one is the paper's compressed attention.
 *
 * <p>With {@code causal}, position t attends only to positions ≤ t.
 *
 * <p>Init (fairseq, the paper's reference): W_Q, W_K, W_V Xavier-uniform with gain 1/√2 (the same
 * distribution as PyTorch's {@code nn.MultiheadAttention} packed in-projection when d_h = D/H),
 * W_O Xavier-uniform with gain 1.
 */
public class MultiHeadAttention extends Module {
    private final int d;
    private final int heads;
    private final int headDim;
    private final boolean causal;

    /** Head dimension D / heads (D must be divisible by heads). */
    public MultiHeadAttention(int d, int heads, boolean causal, Rng rng) {
        this(d, heads, checkDivisible(d, heads), causal, rng);
    }

    /** Any head dimension, e.g. a compressed one smaller than D / heads. */
    public MultiHeadAttention(int d, int heads, int headDim, boolean causal, Rng rng) {
        if (d <= 0 || heads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("MultiHeadAttention: need d, heads, headDim > 0; got d=" + d + ", heads="
                    + heads + ", headDim=" + headDim);
        }
        this.d = d;
        this.heads = heads;
        this.headDim = headDim;
        this.causal = causal;
        int inner = heads * headDim;
        registerModule("q_proj", new Linear(d, inner, false, rng));
        registerModule("k_proj", new Linear(d, inner, false, rng));
        registerModule("v_proj", new Linear(d, inner, false, rng));
        registerModule("out_proj", new Linear(inner, d, false, rng));
        init(rng);
    }

    private static int checkDivisible(int d, int heads) {
        if (heads <= 0 || d % heads != 0) {
            throw new IllegalArgumentException("MultiHeadAttention: d_model " + d + " must be divisible by heads " + heads
                    + " (or pass headDim explicitly)");
        }
        return d / heads;
    }

    private void init(Rng rng) {
        double g = 1 / Math.sqrt(2);
        Init.xavierUniform(query().weight().value(), g, rng);
        Init.xavierUniform(key().weight().value(), g, rng);
        Init.xavierUniform(value().weight().value(), g, rng);
        Init.xavierUniform(output().weight().value(), 1.0, rng);
    }

    /** Xavier-uniform as described in the class comment. */
    @Override
    public void resetParameters(Rng rng) {
        init(rng);
    }

    /**
     * @param x (B, T, D)
     * @return (B, T, D)
     */
    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 3 || x.shape(2) != d) {
            throw new IllegalArgumentException(describe() + ": input must have shape (B, T, " + d + "), got "
                    + Arrays.toString(x.shape()));
        }
        int b = x.shape(0);
        int t = x.shape(1);
        Tensor q = splitHeads(child("q_proj").forward(x), b, t);
        Tensor k = splitHeads(child("k_proj").forward(x), b, t);
        Tensor v = splitHeads(child("v_proj").forward(x), b, t);
        Tensor a = Attention.scaledDotProduct(q, k, v, causal);
        Tensor merged = Shapes.reshape(Shapes.permute(a, 0, 2, 1, 3), b, t, heads * headDim);
        return child("out_proj").forward(merged);
    }

    /** (B, T, H·d_h) → (B, H, T, d_h). */
    private Tensor splitHeads(Tensor y, int b, int t) {
        return Shapes.permute(Shapes.reshape(y, b, t, heads, headDim), 0, 2, 1, 3);
    }

    private Linear linear(String name) {
        Module m = child(name);
        if (!(m instanceof Linear)) {
            throw new IllegalStateException("MultiHeadAttention: child '" + name + "' was replaced by a "
                    + m.getClass().getSimpleName() + ", not a Linear");
        }
        return (Linear) m;
    }

    /** @return the query projection, weight W_Q (H·d_h, D). */
    public Linear query() { return linear("q_proj"); }

    /** @return the key projection, weight W_K (H·d_h, D). */
    public Linear key() { return linear("k_proj"); }

    /** @return the value projection, weight W_V (H·d_h, D). */
    public Linear value() { return linear("v_proj"); }

    /** @return the output projection, weight W_O (D, H·d_h). */
    public Linear output() { return linear("out_proj"); }

    public int modelDim() { return d; }

    public int heads() { return heads; }

    public int headDim() { return headDim; }

    public boolean causal() { return causal; }

    @Override
    protected String describe() {
        return "MultiHeadAttention(d " + d + ", heads " + heads + (headDim * heads == d ? "" : ", head dim " + headDim)
                + (causal ? ", causal" : "") + ")";
    }
}

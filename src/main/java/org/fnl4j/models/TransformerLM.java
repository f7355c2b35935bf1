package org.fnl4j.models;

import java.util.Arrays;
import org.fnl4j.nn.Embedding;
import org.fnl4j.nn.LayerNorm;
import org.fnl4j.nn.Linear;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Sequential;
import org.fnl4j.nn.TransformerBlock;
import org.fnl4j.ops.Arith;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * A decoder-only (GPT-style) pre-LN Transformer language model: token ids (B, T) with T ≤ context
 * → next-token logits (B, T, vocab),
 * <pre>
 *   x = tok(ids) + pos(0 .. T-1)                       learned token and position embeddings
 *   x = blocks(x)                                      layers × {@link TransformerBlock}: causal MHA, MLP r·D with GELU
 *   logits = head(ln(x))                               final LayerNorm, Linear D → vocab (with bias)
 * </pre>
 * Logits at position t depend only on ids 0..t. {@link #forward(Tensor)} takes the ids as a float
 * tensor of whole numbers (B, T); {@link #forward(int[], int, int)} takes them as ints.
 * Children: {@code tok}, {@code pos} ({@link Embedding}), {@code blocks} ({@link Sequential}),
 * {@code ln}, {@code head}. Init: embeddings N(0, 1) and Linears as PyTorch's defaults; the
 * attention projections as in {@link org.fnl4j.nn.MultiHeadAttention}.
 */
public class TransformerLM extends Module {
    private final int vocab;
    private final int context;
    private final int dModel;

    public TransformerLM(int vocab, int context, int dModel, int heads, int layers, int mlpRatio, float dropout, Rng rng) {
        if (vocab <= 0 || context <= 0 || dModel <= 0 || heads <= 0 || layers < 0) {
            throw new IllegalArgumentException("TransformerLM: need vocab, context, dModel, heads > 0 and layers >= 0; got "
                    + "vocab=" + vocab + ", context=" + context + ", dModel=" + dModel + ", heads=" + heads + ", layers="
                    + layers);
        }
        this.vocab = vocab;
        this.context = context;
        this.dModel = dModel;
        registerModule("tok", new Embedding(vocab, dModel, rng));
        registerModule("pos", new Embedding(context, dModel, rng));
        Sequential blocks = new Sequential();
        for (int i = 0; i < layers; i++) {
            blocks.add(new TransformerBlock(dModel, heads, mlpRatio, true, dropout, rng));
        }
        registerModule("blocks", blocks);
        registerModule("ln", new LayerNorm(dModel));
        registerModule("head", new Linear(dModel, vocab, rng));
    }

    /**
     * @param ids (B, T) whole numbers in [0, vocab), T ≤ context
     * @return logits (B, T, vocab)
     */
    @Override
    public Tensor forward(Tensor ids) {
        if (ids.dim() != 2) {
            throw new IllegalArgumentException(describe() + ": ids must have shape (B, T), got "
                    + Arrays.toString(ids.shape()));
        }
        return forward(Embedding.toIds(ids, vocab, describe()), ids.shape(0), ids.shape(1));
    }

    /**
     * @param ids row-major (batch, time) token ids in [0, vocab)
     * @return logits (batch, time, vocab)
     */
    public Tensor forward(int[] ids, int batch, int time) {
        if (time <= 0 || time > context || batch <= 0 || ids.length != batch * time) {
            throw new IllegalArgumentException(describe() + ": need 0 < time <= context (" + context
                    + ") and batch·time ids; got batch=" + batch + ", time=" + time + ", " + ids.length + " ids");
        }
        int[] positions = new int[time];
        for (int t = 0; t < time; t++) {
            positions[t] = t;
        }
        Tensor tok = ((Embedding) child("tok")).forward(ids, batch, time);
        Tensor pos = ((Embedding) child("pos")).forward(positions, time);
        Tensor x = child("blocks").forward(Arith.add(tok, pos));
        return child("head").forward(child("ln").forward(x));
    }

    public int vocab() { return vocab; }

    /** @return the longest sequence the position table covers. */
    public int context() { return context; }

    public int modelDim() { return dModel; }

    @Override
    protected String describe() {
        return "TransformerLM(vocab " + vocab + ", context " + context + ", d " + dModel + ")";
    }
}

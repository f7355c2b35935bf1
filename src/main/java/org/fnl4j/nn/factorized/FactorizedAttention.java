package org.fnl4j.nn.factorized;

import java.util.Arrays;
import java.util.List;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.init.Init;
import org.fnl4j.init.SpectralInit;
import org.fnl4j.linalg.Svd;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Parameter;
import org.fnl4j.ops.Attention;
import org.fnl4j.ops.MatMul;
import org.fnl4j.ops.Shapes;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * Multi-head self-attention seen as factorized layers (Khodak et al., §4): for each head h the
 * d×d matrices {@code W_Q^h·W_K^hᵀ} (the bilinear form of the scores) and {@code W_O^h·W_V^h}
 * (the head's value-to-output map) are products of rank d_h. Compression shrinks d_h
 * ({@link Ranks#attentionHeadDim}: d_h = max(1, int(s·d/H))); spectral initialization and
 * Frobenius decay act on these 2·H products, batched over heads.
 *
 * <p>Shapes: input (B, T, d) → output (B, T, d). Parameters (kind FACTOR, bias-free as in the
 * paper): {@code wq}, {@code wk}, {@code wv} (H·d_h, d) — rows h·d_h..(h+1)·d_h are head h's
 * projection — and {@code wo} (d, H·d_h), columns of head h likewise. QK product h is
 * {@code wq_hᵀ·wk_h} (d×d; U = wq_hᵀ, Vᵀ = wk_h) and OV product h is {@code wo[:, h]·wv_h} (d×d;
 * U = wo[:, h], Vᵀ = wv_h). Scores use the scale 1/√d_h of the compressed head dimension.
 *
 * <p>Init: baseline ({@link #resetParameters}) is the dense layer's init at the compressed head
 * dimension (Xavier-uniform, gain 1/√2 on Q, K, V and 1 on O, as {@code nn.MultiHeadAttention}).
 * Two spectral initializations ({@link AttentionSpectral}): {@link #rebalance} (the paper's) replaces
 * each head's own products by their balanced SVD factors without changing the function;
 * {@link #initSpectral} takes a dense attention sample at the full head dimension and gives each head
 * the truncated SVD of its products (what {@link Factorize#svdCompress} does with trained weights).
 */
public class FactorizedAttention extends Module implements Factorized {
    private final int d, heads, headDim, denseHeadDim;
    private final boolean causal;
    private final Parameter wq, wk, wv, wo;

    /**
     * @param d model dimension
     * @param heads number of heads H
     * @param headDim the (compressed) head dimension d_h, the rank of every product
     * @param denseHeadDim head dimension of the dense layer this stands for (for
     *        {@link #denseParameterCount()} and {@link #initSpectral}); usually d/H
     */
    public FactorizedAttention(int d, int heads, int headDim, int denseHeadDim, boolean causal, Rng rng) {
        if (d < 1 || heads < 1 || headDim < 1 || denseHeadDim < 1) {
            throw new IllegalArgumentException("FactorizedAttention: d, heads, headDim, denseHeadDim must be >= 1, got d="
                    + d + " heads=" + heads + " headDim=" + headDim + " denseHeadDim=" + denseHeadDim);
        }
        this.d = d;
        this.heads = heads;
        this.headDim = headDim;
        this.denseHeadDim = denseHeadDim;
        this.causal = causal;
        int inner = heads * headDim;
        this.wq = registerParameter("wq", new Parameter(Tensor.zeros(inner, d), Parameter.Kind.FACTOR));
        this.wk = registerParameter("wk", new Parameter(Tensor.zeros(inner, d), Parameter.Kind.FACTOR));
        this.wv = registerParameter("wv", new Parameter(Tensor.zeros(inner, d), Parameter.Kind.FACTOR));
        this.wo = registerParameter("wo", new Parameter(Tensor.zeros(d, inner), Parameter.Kind.FACTOR));
        resetParameters(rng);
    }

    /** Baseline init: Xavier-uniform with gain 1/√2 on Q, K, V and 1 on O. */
    @Override
    public void resetParameters(Rng rng) {
        double g = 1 / Math.sqrt(2);
        Init.xavierUniform(wq.value(), g, rng);
        Init.xavierUniform(wk.value(), g, rng);
        Init.xavierUniform(wv.value(), g, rng);
        Init.xavierUniform(wo.value(), 1.0, rng);
    }

    /**
     * Spectral initialization from a dense attention sample with head dimension {@code denseHeadDim}:
     * {@code q, k, v} (H·denseHeadDim, d) and {@code o} (d, H·denseHeadDim), row-major. For each head,
     * the QK product q_hᵀ·k_h and the OV product o[:, h]·v_h (d×d, rank ≤ denseHeadDim) are replaced
     * by their SI factors at rank d_h: wq_h = (A√Σ)ᵀ, wk_h = (B√Σ)ᵀ, wo[:, h] = A√Σ, wv_h = (B√Σ)ᵀ.
     * Columns above min(d, denseHeadDim) are zero (see {@link SpectralInit}).
     */
    public void initSpectral(float[] q, float[] k, float[] v, float[] o) {
        int dd = denseHeadDim, innerD = heads * dd;
        for (float[] a : new float[][] {q, k, v, o}) {
            if (a.length != innerD * d) {
                throw new IllegalArgumentException("FactorizedAttention.initSpectral: dense projections must have "
                        + innerD + "x" + d + " = " + (innerD * d) + " values (H=" + heads + ", dense head dim " + dd
                        + ", d=" + d + "), got " + a.length);
            }
        }
        for (int h = 0; h < heads; h++) {
            // QK: P = q_hᵀ·k_h, q_h and k_h are (dd × d) row blocks.
            float[] p = new float[d * d];
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) {
                    double s = 0;
                    for (int t = 0; t < dd; t++) s += (double) q[(h * dd + t) * d + a] * k[(h * dd + t) * d + b];
                    p[a * d + b] = (float) s;
                }
            writeQk(h, SpectralInit.factorize(p, d, d, headDim));
            // OV: P = o[:, h-block]·v_h.
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) {
                    double s = 0;
                    for (int t = 0; t < dd; t++) s += (double) o[a * innerD + h * dd + t] * v[(h * dd + t) * d + b];
                    p[a * d + b] = (float) s;
                }
            writeOv(h, SpectralInit.factorize(p, d, d, headDim));
        }
    }

    /**
     * Spectral initialization as the paper's code does it for attention: each head's own current
     * products wq_hᵀ·wk_h and wo[:, h]·wv_h (d×d, rank ≤ d_h) are replaced by their balanced SVD
     * factors A√Σ and B√Σ at rank d_h. The products, and so the layer's function, are unchanged (up
     * to float rounding of the SVD); afterwards every head's factors are balanced: UᵀU = VᵀV = Σ, so
     * ‖U‖_F = ‖V‖_F.
     */
    public void rebalance() {
        List<FactorProduct> ps = factorProducts();
        for (int h = 0; h < heads; h++) {
            writeQk(h, SpectralInit.factorize(dense(ps.get(0), h), d, d, headDim));
            writeOv(h, SpectralInit.factorize(dense(ps.get(1), h), d, d, headDim));
        }
    }

    /**
     * Sets the projections to those of a dense attention layer with this head dimension (q, k, v
     * (H·d_h, d), o (d, H·d_h), row-major), e.g. the layer this one replaces at full head dimension.
     */
    public void copyFrom(float[] q, float[] k, float[] v, float[] o) {
        int n = heads * headDim * d;
        for (float[] a : new float[][] {q, k, v, o}) {
            if (a.length != n) {
                throw new IllegalArgumentException("FactorizedAttention.copyFrom: projections must have " + heads * headDim
                        + "x" + d + " = " + n + " values (H=" + heads + ", head dim " + headDim + ", d=" + d + "), got "
                        + a.length);
            }
        }
        wq.copyFrom(q);
        wk.copyFrom(k);
        wv.copyFrom(v);
        wo.copyFrom(o);
    }

    /** Writes SI factors of head h's QK product: wq_h = (A√Σ)ᵀ, wk_h = (B√Σ)ᵀ. */
    private void writeQk(int h, SpectralInit.Factors f) {
        float[] wqD = wq.value().data(), wkD = wk.value().data();
        int qo = wq.value().offset(), ko = wk.value().offset();
        for (int t = 0; t < headDim; t++)
            for (int a = 0; a < d; a++) {
                wqD[qo + (h * headDim + t) * d + a] = f.u()[a * headDim + t];
                wkD[ko + (h * headDim + t) * d + a] = f.v()[a * headDim + t];
            }
    }

    /** Writes SI factors of head h's OV product: wo[:, h] = A√Σ, wv_h = (B√Σ)ᵀ. */
    private void writeOv(int h, SpectralInit.Factors f) {
        float[] wvD = wv.value().data(), woD = wo.value().data();
        int vo = wv.value().offset(), oo = wo.value().offset();
        int inner = heads * headDim;
        for (int t = 0; t < headDim; t++)
            for (int a = 0; a < d; a++) {
                woD[oo + a * inner + h * headDim + t] = f.u()[a * headDim + t];
                wvD[vo + (h * headDim + t) * d + a] = f.v()[a * headDim + t];
            }
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 3 || x.shape(2) != d) {
            throw new IllegalArgumentException(describe() + ": input must have shape (B, T, " + d + "), got "
                    + Arrays.toString(x.shape()));
        }
        int b = x.shape(0), t = x.shape(1);
        Tensor q = splitHeads(MatMul.linear(x, wq.value(), null), b, t);
        Tensor k = splitHeads(MatMul.linear(x, wk.value(), null), b, t);
        Tensor v = splitHeads(MatMul.linear(x, wv.value(), null), b, t);
        Tensor a = Attention.scaledDotProduct(q, k, v, causal);
        Tensor merged = Shapes.reshape(Shapes.permute(a, 0, 2, 1, 3), b, t, heads * headDim);
        return MatMul.linear(merged, wo.value(), null);
    }

    private Tensor splitHeads(Tensor y, int b, int t) {
        return Shapes.permute(Shapes.reshape(y, b, t, heads, headDim), 0, 2, 1, 3);
    }

    public Parameter wq() { return wq; }

    public Parameter wk() { return wk; }

    public Parameter wv() { return wv; }

    public Parameter wo() { return wo; }

    public int modelDim() { return d; }

    public int heads() { return heads; }

    public int headDim() { return headDim; }

    public int denseHeadDim() { return denseHeadDim; }

    public boolean causal() { return causal; }

    /** @return d_h. */
    @Override
    public int rank() { return headDim; }

    @Override
    public List<Parameter> factors() {
        return List.of(wq, wk, wv, wo);
    }

    /** @return (2, H, d, d): [0, h] = wq_hᵀ·wk_h (QK), [1, h] = wo[:, h]·wv_h (OV); no autograd. */
    @Override
    public Tensor product() {
        Tensor outT = Tensor.zeros(2, heads, d, d);
        float[] o = outT.data();
        int idx = 0;
        for (FactorProduct p : factorProducts()) {
            for (int h = 0; h < heads; h++) {
                float[] w = dense(p, h);
                System.arraycopy(w, 0, o, idx, w.length);
                idx += w.length;
            }
        }
        return outT;
    }

    /** The d×d product h of a batch, from the factor values. */
    private float[] dense(FactorProduct p, int h) {
        float[] u = logical(p.u(), h, d, headDim);
        float[] vt = logical(p.vt(), h, headDim, d);
        float[] w = new float[d * d];
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) {
                double s = 0;
                for (int t = 0; t < headDim; t++) s += (double) u[a * headDim + t] * vt[t * d + b];
                w[a * d + b] = (float) s;
            }
        return w;
    }

    /** Copies matrix h of a view out as a row-major rows×cols array. */
    static float[] logical(MatrixView v, int h, int rows, int cols) {
        float[] src = v.tensor().data();
        int base = v.tensor().offset() + v.offset() + h * v.batchStride();
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                out[i * cols + j] = v.transposed() ? src[base + j * v.ld() + i] : src[base + i * v.ld() + j];
        return out;
    }

    /**
     * @return the leading min(d_h, d) singular values of each product, QK heads 0..H−1 then OV heads
     *         0..H−1 (2·H·min(d_h, d) values)
     */
    @Override
    public float[] singularValues() {
        int k = Math.min(headDim, d);
        float[] all = new float[2 * heads * k];
        int idx = 0;
        for (FactorProduct p : factorProducts()) {
            for (int h = 0; h < heads; h++) {
                float[] s = Svd.productSingularValues(logical(p.u(), h, d, headDim), d, headDim,
                        logical(p.vt(), h, headDim, d), d);
                System.arraycopy(s, 0, all, idx, k);
                idx += k;
            }
        }
        return all;
    }

    /** @return 4·d·H·denseHeadDim: the bias-free Q, K, V, O projections of the dense layer. */
    @Override
    public long denseParameterCount() {
        return 4L * d * heads * denseHeadDim;
    }

    /** @return the QK products (batch over heads) and the OV products (batch over heads). */
    @Override
    public List<FactorProduct> factorProducts() {
        int inner = heads * headDim;
        FactorProduct qk = new FactorProduct(heads, d, headDim, d, new MatrixView(wq.value(), 0, headDim * d, d, true),
                null, new MatrixView(wk.value(), 0, headDim * d, d, false));
        FactorProduct ov = new FactorProduct(heads, d, headDim, d, new MatrixView(wo.value(), 0, headDim, inner, false),
                null, new MatrixView(wv.value(), 0, headDim * d, d, false));
        return List.of(qk, ov);
    }

    @Override
    protected String describe() {
        return "FactorizedAttention(d " + d + ", heads " + heads + ", head dim " + headDim
                + (headDim != denseHeadDim ? " (dense " + denseHeadDim + ")" : "") + (causal ? ", causal" : "") + ")";
    }
}

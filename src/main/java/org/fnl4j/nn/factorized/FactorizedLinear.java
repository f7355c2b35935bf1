package org.fnl4j.nn.factorized;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.init.Init;
import org.fnl4j.init.SpectralInit;
import org.fnl4j.init.WeightInit;
import org.fnl4j.linalg.Svd;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Parameter;
import org.fnl4j.ops.MatMul;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * A linear layer with a factorized weight: {@code y = x·(U·Vᵀ)ᵀ + b}, or {@code x·(U·M·Vᵀ)ᵀ + b}
 * with the optional middle factor M (the paper's "deep" overcomplete form).
 *
 * <p>Shapes: input (..., in) → output (..., out). Parameters: {@code u} (out, r), {@code m}
 * (r, r) when present, {@code vt} (r, in), all of kind FACTOR; {@code bias} (out) of kind BIAS
 * (dense, not factorized). The forward runs {@code x → x·V (…, r) → ·Mᵀ → ·Uᵀ + b}, never the
 * dense weight. The rank r may exceed min(out, in) (overcomplete).
 *
 * <p>Rank from a ratio s: {@link Ranks#linear} = max(1, rint(s·min(out, in))) (half to even).
 *
 * <p>Initialization: the constructor uses the baseline init, as the paper's code: U and Vᵀ are each
 * drawn on their own from a {@link WeightInit} rule applied to their own shape — the rule of the
 * dense layer this one stands for ({@link Factorize} passes the replaced {@code Linear}'s
 * {@link org.fnl4j.nn.Linear#weightInit()}; {@link WeightInit#TORCH_DEFAULT}, U(−1/√fanIn, 1/√fanIn),
 * when not given) — M = I, bias U(−1/√in, 1/√in). With the default rule U (out, r) is
 * U(−1/√r, 1/√r) and Vᵀ (r, in) is U(−1/√in, 1/√in), so each entry of U·Vᵀ has standard deviation
 * 1/(3√in), 1/√3 of the dense layer's 1/√(3·in): the product starts below the dense scale.
 * {@link #initSpectral(float[])} applies spectral initialization from a dense weight sample;
 * {@link #resetParameters(Rng)} re-runs the baseline init.
 */
public class FactorizedLinear extends Module implements Factorized {
    private final int in;
    private final int out;
    private final int rank;
    private final Parameter u;
    private final Parameter m;
    private final Parameter vt;
    private final Parameter bias;
    private final WeightInit factorInit;

    /** A layer whose factors start from {@link WeightInit#TORCH_DEFAULT} (see the class comment). */
    public FactorizedLinear(int in, int out, int rank, boolean middle, boolean bias, Rng rng) {
        this(in, out, rank, middle, bias, WeightInit.TORCH_DEFAULT, rng);
    }

    /**
     * @param in input features (≥ 1)
     * @param out output features (≥ 1)
     * @param rank inner rank r (≥ 1)
     * @param middle whether to add the r×r middle factor M (initialized to I)
     * @param bias whether to add a dense bias
     * @param factorInit the rule each of U and Vᵀ is drawn from on its own shape (baseline init)
     * @param rng source of the baseline init
     */
    public FactorizedLinear(int in, int out, int rank, boolean middle, boolean bias, WeightInit factorInit, Rng rng) {
        if (in < 1 || out < 1 || rank < 1) {
            throw new IllegalArgumentException("FactorizedLinear: in, out and rank must be >= 1, got in=" + in
                    + " out=" + out + " rank=" + rank);
        }
        if (factorInit == null) {
            throw new IllegalArgumentException("FactorizedLinear: factorInit is null; expected a WeightInit rule");
        }
        this.in = in;
        this.out = out;
        this.rank = rank;
        this.factorInit = factorInit;
        this.u = registerParameter("u", new Parameter(Tensor.zeros(out, rank), Parameter.Kind.FACTOR));
        this.m = middle ? registerParameter("m", new Parameter(Tensor.zeros(rank, rank), Parameter.Kind.FACTOR)) : null;
        this.vt = registerParameter("vt", new Parameter(Tensor.zeros(rank, in), Parameter.Kind.FACTOR));
        this.bias = bias ? registerParameter("bias", new Parameter(Tensor.zeros(out), Parameter.Kind.BIAS)) : null;
        resetParameters(rng);
    }

    /** Rank from a ratio: r = {@link Ranks#linear}(ratio, out, in). */
    public static FactorizedLinear withRatio(int in, int out, double ratio, boolean middle, boolean bias, Rng rng) {
        return new FactorizedLinear(in, out, Ranks.linear(ratio, out, in), middle, bias, rng);
    }

    /** Baseline init: {@link #factorInit()} on U and on Vᵀ independently, M = I, PyTorch's default bias. */
    @Override
    public void resetParameters(Rng rng) {
        factorInit.fill(u.value(), rng);
        factorInit.fill(vt.value(), rng);
        if (m != null) {
            identity(m.value());
        }
        if (bias != null) {
            Init.torchDefaultBias(bias.value(), in, rng);
        }
    }

    /**
     * Spectral initialization from a dense weight sample {@code w} (out×in, row-major): U = A_r√Σ_r,
     * Vᵀ = (B_r√Σ_r)ᵀ, M = I; the bias is left as it is. For r &gt; min(out, in) the extra factor
     * columns are zero (see {@link SpectralInit}).
     *
     * @return the SI factors (singular values of {@code w} included)
     */
    public SpectralInit.Factors initSpectral(float[] w) {
        if (w.length != out * in) {
            throw new IllegalArgumentException("FactorizedLinear.initSpectral: expected a dense weight of " + out + "x" + in
                    + " = " + (out * in) + " values, got " + w.length);
        }
        SpectralInit.Factors f = SpectralInit.factorize(w, out, in, rank);
        u.copyFrom(f.u());
        vt.copyFrom(f.vt());
        if (m != null) {
            identity(m.value());
        }
        return f;
    }

    static void identity(Tensor t) {
        int r = t.shape(0);
        float[] d = t.data();
        Arrays.fill(d, t.offset(), t.offset() + t.size(), 0f);
        for (int i = 0; i < r; i++) {
            d[t.offset() + i * r + i] = 1f;
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() < 1 || x.shape(-1) != in) {
            throw new IllegalArgumentException(describe() + ": input must have shape (..., " + in + "), got "
                    + Arrays.toString(x.shape()));
        }
        Tensor h = MatMul.linear(x, vt.value(), null);
        if (m != null) {
            h = MatMul.linear(h, m.value(), null);
        }
        return MatMul.linear(h, u.value(), bias == null ? null : bias.value());
    }

    /** @return the rule U and Vᵀ are drawn from by the baseline init. */
    public WeightInit factorInit() { return factorInit; }

    /** @return U (out, r). */
    public Parameter u() { return u; }

    /** @return M (r, r) or null. */
    public Parameter middle() { return m; }

    /** @return Vᵀ (r, in). */
    public Parameter vt() { return vt; }

    /** @return the bias (out) or null. */
    public Parameter bias() { return bias; }

    public int inFeatures() { return in; }

    public int outFeatures() { return out; }

    @Override
    public int rank() { return rank; }

    @Override
    public List<Parameter> factors() {
        return factorList(u, m, vt);
    }

    /** [u, m, vt] without a null middle. */
    static List<Parameter> factorList(Parameter u, Parameter m, Parameter vt) {
        List<Parameter> l = new ArrayList<>();
        l.add(u);
        if (m != null) l.add(m);
        l.add(vt);
        return l;
    }

    /** @return the dense weight U·M·Vᵀ, shape (out, in), no autograd. */
    @Override
    public Tensor product() {
        try (Autograd.Scope s = Autograd.noGrad()) {
            Tensor left = m == null ? u.value() : MatMul.matmul(u.value(), m.value());
            return MatMul.matmul(left, vt.value());
        }
    }

    /** @return the leading min(r, out, in) singular values of the (out × in) product, descending. */
    @Override
    public float[] singularValues() {
        return Svd.productSingularValues(leftFactor(u.value(), m), out, rank, vt.value().toArray(), in);
    }

    /** U or U·M as a row-major (rows × r) array; {@code u2d} is U as a 2-d tensor. */
    static float[] leftFactor(Tensor u2d, Parameter m) {
        if (m == null) {
            return u2d.toArray();
        }
        try (Autograd.Scope s = Autograd.noGrad()) {
            return MatMul.matmul(u2d, m.value()).toArray();
        }
    }

    @Override
    public long denseParameterCount() {
        return (long) out * in + (bias == null ? 0 : out);
    }

    @Override
    public List<FactorProduct> factorProducts() {
        return List.of(new FactorProduct(1, out, rank, in, MatrixView.whole(u.value(), rank),
                m == null ? null : MatrixView.whole(m.value(), rank), MatrixView.whole(vt.value(), in)));
    }

    @Override
    protected String describe() {
        return "FactorizedLinear(" + in + " -> " + out + ", rank " + rank + (m != null ? ", middle" : "")
                + (bias == null ? ", no bias" : "") + ")";
    }
}

package org.fnl4j.nn.factorized;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.init.Init;
import org.fnl4j.linalg.Svd;
import org.fnl4j.linalg.TensorTrain;
import org.fnl4j.linalg.Tucker;
import org.fnl4j.nn.ConvGeometry;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Parameter;
import org.fnl4j.ops.Convolution;
import org.fnl4j.ops.MatMul;
import org.fnl4j.ops.Shapes;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * The paper's tensor-decomposition comparison layer: a depthwise k×k convolution (groups = in,
 * carrying stride/padding/dilation) followed by a 1×1 convolution whose (out × in) weight is
 * stored as a tensor decomposition of the 3-way tensor (out, i₁, i₂), in = i₁·i₂ with i₁ the
 * largest divisor of in that is ≤ √in (16 → 4×4, 32 → 4×8, 64 → 8×8).
 *
 * <p>Formats: {@link Format#TUCKER} — core {@code core} (r₁, r₂, r₃) and factor matrices
 * {@code a1} (out, r₁), {@code a2} (i₁, r₂), {@code a3} (i₂, r₃); ranks r_k = max(1, rint(s·d_k)).
 * {@link Format#TT} — cores {@code g1} (1, out, r₁), {@code g2} (r₁, i₁, r₂), {@code g3}
 * (r₂, i₂, 1); ranks r₁ = max(1, rint(s·min(out, in))), r₂ = max(1, rint(s·min(out·i₁, i₂))).
 * Ranks are clamped to what the tensor can carry (Tucker r_k ≤ d_k; TT r₁ ≤ min(out, in),
 * r₂ ≤ min(r₁·i₁, i₂)). Cores are kind FACTOR; the depthwise weight
 * {@code depthwise} (in, 1, k, k) is kind WEIGHT; {@code bias} (out) kind BIAS.
 *
 * <p>Shapes: input (N, in, H, W) → output (N, out, outH, outW). The forward reconstructs the
 * pointwise weight from the cores with differentiable ops (cheap: out·in values) and runs the two
 * convolutions.
 *
 * <p>Init: {@link #initSpectral} — the analog of SI: decompose a dense pointwise sample (the paper
 * draws it from N(0, 2/out)) by HOSVD (Tucker) or TT-SVD; the baseline ({@link #resetParameters})
 * draws every core on its own with Kaiming-normal in PyTorch's fan-in convention for its stored
 * shape. The depthwise weight is Kaiming-normal (fan-in k·k) in both.
 *
 * <p>Frobenius decay: the gradient of (λ/2)·‖W‖²_F (W the reconstructed pointwise weight) with
 * respect to the cores, through the autodiff ({@link #addFrobeniusGradient}); unlike the reference
 * code, whose tensor FD is a no-op.
 */
public class TensorConv2d extends Module implements TensorFactorized {
    /** Which tensor decomposition stores the pointwise weight. */
    public enum Format { TUCKER, TT }

    private final int in, out, i1, i2;
    /** Square: the depthwise k×k kernel with the same stride, padding and dilation on both axes. */
    private final ConvGeometry geometry;
    private final Format format;
    private final int[] ranks;
    private final Parameter depthwise, bias;
    private final List<Parameter> cores = new ArrayList<>();

    /**
     * @param ranks Tucker: (r₁, r₂, r₃); TT: (r₁, r₂); each clamped to the feasible maximum
     */
    public TensorConv2d(int in, int out, int k, int stride, int pad, int dilation, boolean bias, Format format,
                        int[] ranks, Rng rng) {
        this(in, out, ConvGeometry.square(k, stride, pad, dilation), bias, format, ranks, rng);
    }

    /**
     * @param geometry the depthwise convolution's geometry; must be square ({@link ConvGeometry#isSquare})
     * @param ranks Tucker: (r₁, r₂, r₃); TT: (r₁, r₂); each clamped to the feasible maximum
     */
    public TensorConv2d(int in, int out, ConvGeometry geometry, boolean bias, Format format, int[] ranks, Rng rng) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("TensorConv2d: need positive channels; got in=" + in + " out=" + out);
        }
        if (!geometry.isSquare()) {
            throw new IllegalArgumentException("TensorConv2d: needs a square geometry (equal kernel, stride, padding "
                    + "and dilation on both axes); got " + geometry);
        }
        int expect = format == Format.TUCKER ? 3 : 2;
        if (ranks.length != expect) {
            throw new IllegalArgumentException("TensorConv2d: " + format + " needs " + expect + " ranks, got "
                    + Arrays.toString(ranks));
        }
        this.in = in;
        this.out = out;
        this.geometry = geometry;
        int k = geometry.kernelH();
        this.format = format;
        this.i1 = splitChannels(in);
        this.i2 = in / i1;
        this.depthwise = registerParameter("depthwise", new Parameter(Tensor.zeros(in, 1, k, k), Parameter.Kind.WEIGHT));
        this.ranks = feasibleRanks(format, ranks, in, out);
        if (format == Format.TUCKER) {
            cores.add(registerParameter("core", new Parameter(Tensor.zeros(this.ranks), Parameter.Kind.FACTOR)));
            cores.add(registerParameter("a1", new Parameter(Tensor.zeros(out, this.ranks[0]), Parameter.Kind.FACTOR)));
            cores.add(registerParameter("a2", new Parameter(Tensor.zeros(i1, this.ranks[1]), Parameter.Kind.FACTOR)));
            cores.add(registerParameter("a3", new Parameter(Tensor.zeros(i2, this.ranks[2]), Parameter.Kind.FACTOR)));
        } else {
            int r1 = this.ranks[0], r2 = this.ranks[1];
            cores.add(registerParameter("g1", new Parameter(Tensor.zeros(1, out, r1), Parameter.Kind.FACTOR)));
            cores.add(registerParameter("g2", new Parameter(Tensor.zeros(r1, i1, r2), Parameter.Kind.FACTOR)));
            cores.add(registerParameter("g3", new Parameter(Tensor.zeros(r2, i2, 1), Parameter.Kind.FACTOR)));
        }
        this.bias = bias ? registerParameter("bias", new Parameter(Tensor.zeros(out), Parameter.Kind.BIAS)) : null;
        resetParameters(rng);
    }

    /** Ranks from a ratio s by the rules in the class comment. */
    public static int[] ranksFor(Format format, double ratio, int in, int out) {
        int a = splitChannels(in), b = in / a;
        if (format == Format.TUCKER) {
            return new int[] {Ranks.fromRatio(ratio, out), Ranks.fromRatio(ratio, a), Ranks.fromRatio(ratio, b)};
        }
        return new int[] {Ranks.fromRatio(ratio, Math.min(out, in)), Ranks.fromRatio(ratio, Math.min(out * a, b))};
    }

    /** @return the requested ranks clamped to [1, what the (out, i₁, i₂) tensor can carry] (class comment). */
    static int[] feasibleRanks(Format format, int[] ranks, int in, int out) {
        int a = splitChannels(in), b = in / a;
        if (format == Format.TUCKER) {
            int[] dims = {out, a, b};
            int[] r = new int[3];
            for (int j = 0; j < 3; j++) {
                r[j] = Math.max(1, Math.min(ranks[j], dims[j]));
            }
            return r;
        }
        int r1 = Math.max(1, Math.min(ranks[0], Math.min(out, in)));
        int r2 = Math.max(1, Math.min(ranks[1], Math.min(r1 * a, b)));
        return new int[] {r1, r2};
    }

    /** @return the number of core values for feasible ranks (see {@link #feasibleRanks}). */
    static long coreCount(Format format, int[] r, int in, int out) {
        int a = splitChannels(in), b = in / a;
        if (format == Format.TUCKER) {
            return (long) r[0] * r[1] * r[2] + (long) out * r[0] + (long) a * r[1] + (long) b * r[2];
        }
        return (long) out * r[0] + (long) r[0] * a * r[1] + (long) r[1] * b;
    }

    /** @return the largest divisor of c that is ≤ √c. */
    static int splitChannels(int c) {
        int best = 1;
        for (int a = 1; (long) a * a <= c; a++) {
            if (c % a == 0) {
                best = a;
            }
        }
        return best;
    }

    /** Baseline init: Kaiming-normal on the depthwise weight and on every core independently. */
    @Override
    public void resetParameters(Rng rng) {
        Init.kaimingNormal(depthwise.value(), rng);
        for (Parameter c : cores) {
            Init.kaimingNormal(c.value(), rng);
        }
        if (bias != null) {
            Init.torchDefaultBias(bias.value(), in, rng);
        }
    }

    /**
     * SI analog: Kaiming-normal depthwise weight from {@code rng}, then the cores from the HOSVD or
     * TT-SVD of the dense pointwise sample {@code pointwise} (out × in, row-major).
     */
    public void initSpectral(float[] pointwise) {
        if (pointwise.length != out * in) {
            throw new IllegalArgumentException("TensorConv2d.initSpectral: expected a pointwise weight of " + out + "x"
                    + in + " = " + (out * in) + " values, got " + pointwise.length);
        }
        int[] dims = {out, i1, i2};
        if (format == Format.TUCKER) {
            Tucker t = Tucker.hosvd(pointwise, dims, ranks);
            cores.get(0).copyFrom(t.core());
            for (int j = 0; j < 3; j++) {
                cores.get(j + 1).copyFrom(t.factors()[j]);
            }
        } else {
            TensorTrain tt = TensorTrain.ttSvd(pointwise, dims, ranks);
            // ttSvd clamps to the same feasible ranks as the constructor, so the core shapes agree.
            for (int j = 0; j < 3; j++) {
                cores.get(j).copyFrom(tt.cores()[j]);
            }
        }
    }

    /** The pointwise weight (out, in) reconstructed from the cores with differentiable ops. */
    Tensor reconstruct() {
        if (format == Format.TUCKER) {
            int r1 = ranks[0], r2 = ranks[1], r3 = ranks[2];
            Tensor g = cores.get(0).value(), a1 = cores.get(1).value(), a2 = cores.get(2).value(), a3 = cores.get(3).value();
            Tensor t = MatMul.matmul(a1, Shapes.reshape(g, r1, r2 * r3));                   // (out, r2·r3)
            t = MatMul.matmul(Shapes.reshape(t, out * r2, r3), a3, false, true);            // (out·r2, i2)
            t = Shapes.reshape(Shapes.permute(Shapes.reshape(t, out, r2, i2), 0, 2, 1), out * i2, r2);
            t = MatMul.matmul(t, a2, false, true);                                          // (out·i2, i1)
            t = Shapes.permute(Shapes.reshape(t, out, i2, i1), 0, 2, 1);                    // (out, i1, i2)
            return Shapes.reshape(t, out, in);
        }
        int r1 = ranks[0], r2 = ranks[1];
        Tensor t = MatMul.matmul(Shapes.reshape(cores.get(0).value(), out, r1), Shapes.reshape(cores.get(1).value(), r1, i1 * r2));
        t = MatMul.matmul(Shapes.reshape(t, out * i1, r2), Shapes.reshape(cores.get(2).value(), r2, i2));
        return Shapes.reshape(t, out, in);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 4 || x.shape(1) != in) {
            throw new IllegalArgumentException(describe() + ": input must have shape (N, " + in + ", H, W), got "
                    + Arrays.toString(x.shape()));
        }
        ConvGeometry g = geometry;
        Tensor h = Convolution.conv2d(x, depthwise.value(), null, g.strideH(), g.strideW(), g.padH(), g.padW(),
                g.dilationH(), g.dilationW(), in);
        Tensor w = Shapes.reshape(reconstruct(), out, in, 1, 1);
        return Convolution.conv2d(h, w, bias == null ? null : bias.value(), 1, 1, 0, 0, 1, 1, 1);
    }

    @Override
    public double addFrobeniusGradient(float lambda) {
        if (!Autograd.isGradEnabled()) {
            throw new IllegalStateException("TensorConv2d.addFrobeniusGradient: Frobenius decay on tensor cores runs "
                    + "through the autodiff and must be applied outside Autograd.noGrad()");
        }
        Tensor w = reconstruct();
        float[] seed = w.toArray();
        double sq = 0;
        for (int j = 0; j < seed.length; j++) {
            sq += (double) seed[j] * seed[j];
            seed[j] *= lambda;
        }
        if (w.requiresGrad()) {
            Autograd.backward(w, seed);
        }
        return 0.5 * lambda * sq;
    }

    @Override
    public double frobeniusPenalty(float lambda) {
        float[] w = pointwise();
        double sq = 0;
        for (float v : w) {
            sq += (double) v * v;
        }
        return 0.5 * lambda * sq;
    }

    /** @return the reconstructed pointwise weight (out × in), row-major, no autograd. */
    public float[] pointwise() {
        try (Autograd.Scope s = Autograd.noGrad()) {
            return reconstruct().toArray();
        }
    }

    /**
     * @return the dense kernel (out, in, k, k) of the whole layer, {@code K[o,c] = W[o,c]·D[c]}
     *         (depthwise then pointwise is exactly this convolution), no autograd
     */
    @Override
    public Tensor product() {
        float[] w = pointwise();
        float[] d = depthwise.value().toArray();
        int k = geometry.kernelH();
        Tensor kt = Tensor.zeros(out, in, k, k);
        float[] o = kt.data();
        int kk = k * k;
        for (int a = 0; a < out; a++)
            for (int c = 0; c < in; c++)
                for (int j = 0; j < kk; j++)
                    o[(a * in + c) * kk + j] = w[a * in + c] * d[c * kk + j];
        return kt;
    }

    /** @return the singular values of the (out × in) pointwise weight, descending. */
    @Override
    public float[] singularValues() {
        return Svd.singularValues(pointwise(), out, in);
    }

    /** @return the largest core rank. */
    @Override
    public int rank() {
        return Arrays.stream(ranks).max().orElse(1);
    }

    /** @return the ranks (Tucker: 3, TT: 2). */
    public int[] ranks() {
        return ranks.clone();
    }

    public Format format() { return format; }

    public int inChannels() { return in; }

    public int outChannels() { return out; }

    public int kernel() { return geometry.kernelH(); }

    /** @return the depthwise convolution's geometry (square). */
    public ConvGeometry geometry() { return geometry; }

    public Parameter depthwise() { return depthwise; }

    public Parameter bias() { return bias; }

    @Override
    public List<Parameter> factors() {
        return List.copyOf(cores);
    }

    /** @return in·k·k + out·in (+ out): the dense depthwise-separable layer. */
    @Override
    public long denseParameterCount() {
        int k = geometry.kernelH();
        return (long) in * k * k + (long) out * in + (bias == null ? 0 : out);
    }

    /** @return empty: Frobenius decay goes through {@link #addFrobeniusGradient}. */
    @Override
    public List<FactorProduct> factorProducts() {
        return List.of();
    }

    @Override
    protected String describe() {
        int k = geometry.kernelH(), stride = geometry.strideH(), pad = geometry.padH(), dilation = geometry.dilationH();
        return "TensorConv2d(" + in + " -> " + out + ", depthwise " + k + "x" + k + (stride != 1 ? ", stride " + stride : "")
                + (pad != 0 ? ", pad " + pad : "") + (dilation != 1 ? ", dilation " + dilation : "") + ", "
                + format.name().toLowerCase() + " ranks " + Arrays.toString(ranks) + " over (" + out + ", " + i1 + ", "
                + i2 + ")" + (bias == null ? ", no bias" : "") + ")";
    }
}

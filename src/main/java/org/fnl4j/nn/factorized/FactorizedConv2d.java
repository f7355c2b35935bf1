package org.fnl4j.nn.factorized;

import java.util.Arrays;
import java.util.List;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.init.Init;
import org.fnl4j.init.SpectralInit;
import org.fnl4j.init.WeightInit;
import org.fnl4j.linalg.Svd;
import org.fnl4j.nn.ConvGeometry;
import org.fnl4j.nn.FusableConv;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Parameter;
import org.fnl4j.ops.Convolution;
import org.fnl4j.ops.MatMul;
import org.fnl4j.ops.Shapes;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * A 2-D convolution (NCHW, one group) whose kernel (out, in, kh, kw) is a low-rank matrix product
 * {@code U·Vᵀ} (or {@code U·M·Vᵀ}) under one of two layouts.
 *
 * <p><b>Paper scheme</b> (default; Khodak et al.): the kernel is the matrix with rows (out, kh) and
 * columns (in, kw), {@code W[(o,h),(c,w)] = K[o,c,h,w]}; U is (out·kh)×r, Vᵀ is r×(in·kw), rank
 * {@link Ranks#convPaper} = max(1, rint(s·out·kh)). It runs as two convolutions: a 1×kw conv in→r
 * carrying the width stride/padding/dilation (weight Vᵀ viewed as (r, in, 1, kw)), then a kh×1
 * conv r→out carrying the height stride/padding/dilation and the bias (weight U viewed as
 * (out, r, kh, 1)). That is exactly the convolution with the reassembled kernel.
 *
 * <p><b>Channel scheme</b> (Pufferfish-style): the kernel is out × (in·kh·kw); a kh×kw conv in→r
 * (Vᵀ viewed as (r, in, kh, kw)) carrying all stride/padding/dilation, then a 1×1 conv r→out
 * (U viewed as (out, r, 1, 1)) with the bias. Rank {@link Ranks#convChannel}.
 *
 * <p>Parameters: {@code u} — (out·kh, r) in the paper scheme, (out, r, 1, 1) in the channel
 * scheme; {@code m} (r, r) optional; {@code vt} — (r, in, 1, kw) resp. (r, in, kh, kw); all kind
 * FACTOR (each is its matrix form row-major); {@code bias} (out), kind BIAS. Input (N, in, H, W) →
 * output (N, out, outH, outW) with PyTorch's output-size formula.
 *
 * <p>{@link Path}: the two-conv path is cheaper at low rank; at high or overcomplete rank the one-conv
 * path (build the dense kernel from the factors with differentiable ops, one convolution) is
 * cheaper. {@link Path#AUTO} (default) picks the one with fewer multiply-adds for the input at hand;
 * both give the same function.
 *
 * <p>Init: baseline (constructor, {@link #resetParameters}) draws U and Vᵀ independently, each from a
 * {@link WeightInit} rule applied to its own shape (as the paper's code: the dense codebase's own
 * init on each factor) — the rule of the dense conv this one stands for ({@link Factorize} passes the
 * replaced {@code Conv2d}'s {@link org.fnl4j.nn.Conv2d#weightInit()}; the CIFAR ResNets'
 * Kaiming-normal, fan-in, gain √2, when not given) — M = I, PyTorch's default conv bias;
 * {@link #initSpectral} is SI from a dense kernel sample laid out in the scheme's matrix form.
 */
public class FactorizedConv2d extends Module implements Factorized, FusableConv {
    /** How the kernel is laid out as a matrix. */
    public enum Scheme { PAPER, CHANNEL }

    /** Which computation the forward pass uses. */
    public enum Path { AUTO, TWO_CONV, ONE_CONV }

    private final int in, out;
    /** The geometry's kernel size, kept as fields for the index arithmetic below. */
    private final int kh, kw;
    private final ConvGeometry geometry;
    private final Scheme scheme;
    private final int rank, rows, cols;
    private final Parameter u, m, vt, bias;
    private final WeightInit factorInit;
    private Path path = Path.AUTO;

    /**
     * @param rank inner rank r ≥ 1 (may exceed min(rows, cols): overcomplete)
     * @param middle whether to add the r×r middle factor M (initialized to I)
     */
    public FactorizedConv2d(int in, int out, int kh, int kw, int strideH, int strideW, int padH, int padW,
                            int dilH, int dilW, boolean bias, Scheme scheme, int rank, boolean middle, Rng rng) {
        this(in, out, new ConvGeometry(kh, kw, strideH, strideW, padH, padW, dilH, dilW), bias, scheme, rank, middle,
                rng);
    }

    /**
     * @param geometry kernel, stride, padding and dilation per axis
     * @param rank inner rank r ≥ 1 (may exceed min(rows, cols): overcomplete)
     * @param middle whether to add the r×r middle factor M (initialized to I)
     */
    public FactorizedConv2d(int in, int out, ConvGeometry geometry, boolean bias, Scheme scheme, int rank,
                            boolean middle, Rng rng) {
        this(in, out, geometry, bias, scheme, rank, middle, WeightInit.KAIMING_NORMAL, rng);
    }

    /**
     * @param geometry kernel, stride, padding and dilation per axis
     * @param rank inner rank r ≥ 1 (may exceed min(rows, cols): overcomplete)
     * @param middle whether to add the r×r middle factor M (initialized to I)
     * @param factorInit the rule each of U and Vᵀ is drawn from on its own shape (baseline init)
     */
    public FactorizedConv2d(int in, int out, ConvGeometry geometry, boolean bias, Scheme scheme, int rank,
                            boolean middle, WeightInit factorInit, Rng rng) {
        if (factorInit == null) {
            throw new IllegalArgumentException("FactorizedConv2d: factorInit is null; expected a WeightInit rule");
        }
        this.factorInit = factorInit;
        if (in < 1 || out < 1 || rank < 1) {
            throw new IllegalArgumentException("FactorizedConv2d: need positive channels and rank; got in=" + in
                    + " out=" + out + " rank " + rank + " (" + geometry + ")");
        }
        this.in = in;
        this.out = out;
        this.geometry = geometry;
        int kh = geometry.kernelH(), kw = geometry.kernelW();
        this.kh = kh;
        this.kw = kw;
        this.scheme = scheme;
        this.rank = rank;
        boolean paper = scheme == Scheme.PAPER;
        this.rows = paper ? out * kh : out;
        this.cols = paper ? in * kw : in * kh * kw;
        this.u = registerParameter("u", new Parameter(paper ? Tensor.zeros(out * kh, rank) : Tensor.zeros(out, rank, 1, 1),
                Parameter.Kind.FACTOR));
        this.m = middle ? registerParameter("m", new Parameter(Tensor.zeros(rank, rank), Parameter.Kind.FACTOR)) : null;
        this.vt = registerParameter("vt", new Parameter(paper ? Tensor.zeros(rank, in, 1, kw) : Tensor.zeros(rank, in, kh, kw),
                Parameter.Kind.FACTOR));
        this.bias = bias ? registerParameter("bias", new Parameter(Tensor.zeros(out), Parameter.Kind.BIAS)) : null;
        resetParameters(rng);
    }

    /** Square kernel, equal stride/padding/dilation on both axes. */
    public FactorizedConv2d(int in, int out, int k, int stride, int pad, int dilation, boolean bias, Scheme scheme,
                            int rank, boolean middle, Rng rng) {
        this(in, out, k, k, stride, stride, pad, pad, dilation, dilation, bias, scheme, rank, middle, rng);
    }

    /** @return the rank the scheme's rule gives for ratio s (see {@link Ranks}). */
    public static int rankFor(Scheme scheme, double ratio, int in, int out, int kh, int kw) {
        return scheme == Scheme.PAPER ? Ranks.convPaper(ratio, out, kh) : Ranks.convChannel(ratio, out, in, kh, kw);
    }

    /** Baseline init: {@link #factorInit()} on U and on Vᵀ independently, M = I, PyTorch's default bias. */
    @Override
    public void resetParameters(Rng rng) {
        factorInit.fill(u.value(), rng);
        factorInit.fill(vt.value(), rng);
        if (m != null) {
            FactorizedLinear.identity(m.value());
        }
        if (bias != null) {
            Init.torchDefaultBias(bias.value(), in * kh * kw, rng);
        }
    }

    /**
     * Spectral initialization from a dense kernel sample (out, in, kh, kw) row-major, laid out in the
     * scheme's matrix form first; M = I; bias untouched. Extra columns above min(rows, cols) are zero
     * (see {@link SpectralInit}).
     */
    public SpectralInit.Factors initSpectral(float[] kernel) {
        checkKernel("initSpectral", kernel);
        SpectralInit.Factors f = SpectralInit.factorize(toMatrix(kernel), rows, cols, rank);
        u.copyFrom(f.u());
        vt.copyFrom(f.vt());
        if (m != null) {
            FactorizedLinear.identity(m.value());
        }
        return f;
    }

    private void checkKernel(String op, float[] kernel) {
        if (kernel.length != out * in * kh * kw) {
            throw new IllegalArgumentException("FactorizedConv2d." + op + ": expected a kernel (" + out + ", " + in + ", "
                    + kh + ", " + kw + ") of " + (out * in * kh * kw) + " values, got " + kernel.length);
        }
    }

    /** The kernel (out, in, kh, kw) as this scheme's rows×cols matrix. */
    public float[] toMatrix(float[] kernel) {
        checkKernel("toMatrix", kernel);
        if (scheme == Scheme.CHANNEL) {
            return kernel.clone();
        }
        float[] w = new float[kernel.length];
        for (int o = 0; o < out; o++)
            for (int c = 0; c < in; c++)
                for (int h = 0; h < kh; h++)
                    for (int x = 0; x < kw; x++)
                        w[(o * kh + h) * cols + c * kw + x] = kernel[((o * in + c) * kh + h) * kw + x];
        return w;
    }

    /** Inverse of {@link #toMatrix}: a rows×cols matrix back to a kernel (out, in, kh, kw). */
    public float[] toKernel(float[] matrix) {
        if (scheme == Scheme.CHANNEL) {
            return matrix.clone();
        }
        float[] k = new float[matrix.length];
        for (int o = 0; o < out; o++)
            for (int c = 0; c < in; c++)
                for (int h = 0; h < kh; h++)
                    for (int x = 0; x < kw; x++)
                        k[((o * in + c) * kh + h) * kw + x] = matrix[(o * kh + h) * cols + c * kw + x];
        return k;
    }

    /** @return the rule U and Vᵀ are drawn from by the baseline init. */
    public WeightInit factorInit() {
        return factorInit;
    }

    /** Sets the forward path (default {@link Path#AUTO}); returns this. */
    public FactorizedConv2d path(Path p) {
        this.path = p;
        return this;
    }

    public Path path() {
        return path;
    }

    @Override
    public Tensor forward(Tensor x) {
        return forwardFused(x, null);
    }

    /** The epilogue (none when null) goes with the last of the convolutions. */
    @Override
    public Tensor forwardFused(Tensor x, Convolution.Epilogue epilogue) {
        if (x.dim() != 4 || x.shape(1) != in) {
            throw new IllegalArgumentException(describe() + ": input must have shape (N, " + in + ", H, W), got "
                    + Arrays.toString(x.shape()));
        }
        Path p = path == Path.AUTO ? cheaperPath(x.shape(0), x.shape(2), x.shape(3)) : path;
        Tensor b = bias == null ? null : bias.value();
        ConvGeometry g = geometry;
        if (p == Path.ONE_CONV) {
            return Convolution.conv2d(x, kernel(), b, g.strideH(), g.strideW(), g.padH(), g.padW(), g.dilationH(),
                    g.dilationW(), 1, epilogue);
        }
        Tensor w1 = firstWeight();
        if (scheme == Scheme.PAPER) {
            Tensor w2 = Shapes.reshape(Shapes.permute(Shapes.reshape(u.value(), out, kh, rank), 0, 2, 1), out, rank, kh, 1);
            Tensor h = Convolution.conv2d(x, w1, null, 1, g.strideW(), 0, g.padW(), 1, g.dilationW(), 1);
            return Convolution.conv2d(h, w2, b, g.strideH(), 1, g.padH(), 0, g.dilationH(), 1, 1, epilogue);
        }
        Tensor h = Convolution.conv2d(x, w1, null, g.strideH(), g.strideW(), g.padH(), g.padW(), g.dilationH(),
                g.dilationW(), 1);
        return Convolution.conv2d(h, u.value(), b, 1, 1, 0, 0, 1, 1, 1, epilogue);
    }

    /** Vᵀ, or M·Vᵀ, in the first conv's weight shape. */
    private Tensor firstWeight() {
        if (m == null) {
            return vt.value();
        }
        Tensor mv = MatMul.matmul(m.value(), Shapes.reshape(vt.value(), rank, cols));
        return Shapes.reshape(mv, vt.value().shape());
    }

    /** The dense kernel (out, in, kh, kw) built from the factors with differentiable ops. */
    private Tensor kernel() {
        Tensor right = Shapes.reshape(firstWeight(), rank, cols);
        Tensor w = MatMul.matmul(Shapes.reshape(u.value(), rows, rank), right);
        if (scheme == Scheme.CHANNEL) {
            return Shapes.reshape(w, out, in, kh, kw);
        }
        return Shapes.permute(Shapes.reshape(w, out, kh, in, kw), 0, 2, 1, 3);
    }

    /** Multiply-add counts decide; the one-conv count includes building the kernel. */
    Path cheaperPath(int n, int h, int w) {
        long outH = geometry.outputHeight(h);
        long outW = geometry.outputWidth(w);
        long one = (long) n * out * outH * outW * in * kh * kw + (long) rows * rank * cols;
        long two;
        if (scheme == Scheme.PAPER) {
            two = (long) n * rank * h * outW * in * kw + (long) n * out * outH * outW * rank * kh;
        } else {
            two = (long) n * rank * outH * outW * in * kh * kw + (long) n * out * outH * outW * rank;
        }
        if (m != null) {
            two += (long) rank * rank * cols;
        }
        return two <= one ? Path.TWO_CONV : Path.ONE_CONV;
    }

    public Parameter u() { return u; }

    public Parameter middle() { return m; }

    public Parameter vt() { return vt; }

    public Parameter bias() { return bias; }

    public Scheme scheme() { return scheme; }

    public int inChannels() { return in; }

    public int outChannels() { return out; }

    public int kernelH() { return geometry.kernelH(); }

    public int kernelW() { return geometry.kernelW(); }

    /** @return kernel, stride, padding and dilation per axis. */
    public ConvGeometry geometry() { return geometry; }

    /** @return rows of the matrix form (out·kh or out). */
    public int matrixRows() { return rows; }

    /** @return columns of the matrix form (in·kw or in·kh·kw). */
    public int matrixCols() { return cols; }

    @Override
    public int rank() { return rank; }

    @Override
    public List<Parameter> factors() {
        return FactorizedLinear.factorList(u, m, vt);
    }

    /** @return the dense kernel (out, in, kh, kw) the factors stand for, no autograd. */
    @Override
    public Tensor product() {
        try (Autograd.Scope s = Autograd.noGrad()) {
            return kernel().copy();
        }
    }

    /** @return the leading min(r, rows, cols) singular values of the scheme's rows×cols matrix. */
    @Override
    public float[] singularValues() {
        float[] left = FactorizedLinear.leftFactor(u.value().view(rows, rank), m);
        return Svd.productSingularValues(left, rows, rank, vt.value().toArray(), cols);
    }

    @Override
    public long denseParameterCount() {
        return (long) out * in * kh * kw + (bias == null ? 0 : out);
    }

    @Override
    public List<FactorProduct> factorProducts() {
        return List.of(new FactorProduct(1, rows, rank, cols, MatrixView.whole(u.value(), rank),
                m == null ? null : MatrixView.whole(m.value(), rank), MatrixView.whole(vt.value(), cols)));
    }

    @Override
    protected String describe() {
        StringBuilder sb = new StringBuilder("FactorizedConv2d(").append(in).append(" -> ").append(out)
                .append(", kernel ").append(kh).append('x').append(kw);
        ConvGeometry g = geometry;
        if (g.strideH() != 1 || g.strideW() != 1) sb.append(", stride ").append(g.strideH()).append('x').append(g.strideW());
        if (g.padH() != 0 || g.padW() != 0) sb.append(", pad ").append(g.padH()).append('x').append(g.padW());
        if (g.dilationH() != 1 || g.dilationW() != 1) {
            sb.append(", dilation ").append(g.dilationH()).append('x').append(g.dilationW());
        }
        sb.append(", ").append(scheme.name().toLowerCase()).append(" scheme, rank ").append(rank);
        if (m != null) sb.append(", middle");
        if (bias == null) sb.append(", no bias");
        return sb.append(')').toString();
    }
}

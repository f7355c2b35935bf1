package org.fnl4j.nn;

import java.util.Arrays;
import org.fnl4j.init.Init;
import org.fnl4j.init.WeightInit;
import org.fnl4j.ops.Convolution;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation, as in PyTorch) with independent height/width stride,
 * zero padding and dilation, and channel groups. Input (N, in, H, W) → output (N, out, Ho, Wo) with
 * {@code Ho = (H + 2·padH - dilH·(kh-1) - 1) / strideH + 1} (likewise Wo; see {@link ConvGeometry}).
 * Weight (out, in/groups, kh, kw) is a {@link Parameter.Kind#WEIGHT}; the optional bias (out) a
 * {@link Parameter.Kind#BIAS}. Initialized like {@code torch.nn.Conv2d}: U(-1/√fanIn, 1/√fanIn) with
 * {@code fanIn = in/groups·kh·kw}.
 */
public class Conv2d extends Module implements FusableConv {
    private final int in;
    private final int out;
    private final ConvGeometry geometry;
    private final int groups;
    private final Parameter weight;
    private final Parameter bias;
    private WeightInit weightInit = WeightInit.TORCH_DEFAULT;

    /** Full geometry, per axis. */
    public Conv2d(int in, int out, int kh, int kw, int strideH, int strideW, int padH, int padW, int dilH, int dilW,
            int groups, boolean bias, Rng rng) {
        this(in, out, new ConvGeometry(kh, kw, strideH, strideW, padH, padW, dilH, dilW), groups, bias, rng);
    }

    /**
     * @param geometry kernel, stride, padding and dilation per axis
     * @param groups channel groups; {@code in} and {@code out} must both be divisible by it
     */
    public Conv2d(int in, int out, ConvGeometry geometry, int groups, boolean bias, Rng rng) {
        if (in <= 0 || out <= 0 || groups <= 0) {
            throw new IllegalArgumentException("Conv2d: need positive channels and groups; got in=" + in + ", out="
                    + out + ", groups " + groups);
        }
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("Conv2d: in (" + in + ") and out (" + out
                    + ") channels must both be divisible by groups (" + groups + ")");
        }
        this.in = in;
        this.out = out;
        this.geometry = geometry;
        this.groups = groups;
        this.weight = registerParameter("weight", new Parameter(
                Tensor.zeros(out, in / groups, geometry.kernelH(), geometry.kernelW()), Parameter.Kind.WEIGHT));
        this.bias = bias ? registerParameter("bias", new Parameter(Tensor.zeros(out), Parameter.Kind.BIAS)) : null;
        init(rng);
    }

    /** Square kernel, same stride/padding/dilation on both axes. */
    public Conv2d(int in, int out, int kh, int kw, int stride, int pad, int dilation, int groups, boolean bias, Rng rng) {
        this(in, out, kh, kw, stride, stride, pad, pad, dilation, dilation, groups, bias, rng);
    }

    /** k×k kernel, no dilation, one group. */
    public Conv2d(int in, int out, int k, int stride, int pad, boolean bias, Rng rng) {
        this(in, out, k, k, stride, stride, pad, pad, 1, 1, 1, bias, rng);
    }

    private void init(Rng rng) {
        Init.torchDefaultWeight(weight.value(), rng);
        weightInit = WeightInit.TORCH_DEFAULT;
        if (bias != null) {
            Init.torchDefaultBias(bias.value(), Init.fanIn(weight.shape()), rng);
        }
    }

    /** PyTorch's default: W, b ~ U(-1/√fanIn, 1/√fanIn). */
    @Override
    public void resetParameters(Rng rng) {
        init(rng);
    }

    /**
     * Redraws the weight (not the bias) from {@code rule} and records the rule (a factorized conv
     * replacing this one draws its factors from the same rule).
     *
     * @return this layer
     */
    public Conv2d initWeight(WeightInit rule, Rng rng) {
        rule.fill(weight.value(), rng);
        weightInit = rule;
        return this;
    }

    /** @return the rule the weight was last drawn from ({@link WeightInit#TORCH_DEFAULT} unless redrawn). */
    public WeightInit weightInit() { return weightInit; }

    /** @param input (N, in, H, W) */
    @Override
    public Tensor forward(Tensor input) {
        return forwardFused(input, null);
    }

    /** @param input (N, in, H, W); a null epilogue is {@link #forward} */
    @Override
    public Tensor forwardFused(Tensor input, Convolution.Epilogue epilogue) {
        if (input.dim() != 4 || input.shape(1) != in) {
            throw new IllegalArgumentException(describe() + ": input must have shape (N, " + in + ", H, W), got "
                    + Arrays.toString(input.shape()));
        }
        ConvGeometry g = geometry;
        return Convolution.conv2d(input, weight.value(), bias == null ? null : bias.value(), g.strideH(), g.strideW(),
                g.padH(), g.padW(), g.dilationH(), g.dilationW(), groups, epilogue);
    }

    /** @return the weight (out, in/groups, kh, kw). */
    public Parameter weight() { return weight; }

    /** @return the bias (out), or null. */
    public Parameter bias() { return bias; }

    public int inChannels() { return in; }

    public int outChannels() { return out; }

    /** @return kernel, stride, padding and dilation per axis. */
    public ConvGeometry geometry() { return geometry; }

    public int kernelH() { return geometry.kernelH(); }

    public int kernelW() { return geometry.kernelW(); }

    public int strideH() { return geometry.strideH(); }

    public int strideW() { return geometry.strideW(); }

    public int padH() { return geometry.padH(); }

    public int padW() { return geometry.padW(); }

    public int dilationH() { return geometry.dilationH(); }

    public int dilationW() { return geometry.dilationW(); }

    public int groups() { return groups; }

    /** @return the output height for an input height {@code h} (see {@link ConvGeometry#outputHeight}). */
    public int outputHeight(int h) {
        return geometry.outputHeight(h);
    }

    /** @return the output width for an input width {@code w} (see {@link ConvGeometry#outputWidth}). */
    public int outputWidth(int w) {
        return geometry.outputWidth(w);
    }

    private static String pair(String name, int h, int w, int dflt) {
        if (h == dflt && w == dflt) return "";
        return ", " + name + " " + (h == w ? Integer.toString(h) : h + "x" + w);
    }

    /** E.g. {@code Conv2d(16 -> 32, 3x3, stride 2, pad 1)}; defaults (stride 1, pad 0, ...) are omitted. */
    @Override
    protected String describe() {
        ConvGeometry g = geometry;
        return "Conv2d(" + in + " -> " + out + ", " + g.kernelH() + "x" + g.kernelW()
                + pair("stride", g.strideH(), g.strideW(), 1) + pair("pad", g.padH(), g.padW(), 0)
                + pair("dilation", g.dilationH(), g.dilationW(), 1) + (groups == 1 ? "" : ", groups " + groups)
                + (bias == null ? ", no bias" : "") + ")";
    }
}

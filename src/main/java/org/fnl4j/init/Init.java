package org.fnl4j.init;

import java.util.Arrays;
import org.fnl4j.linalg.Qr;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * Weight initializers with PyTorch's {@code torch.nn.init} semantics. Each fills a tensor's values
 * in place (no autograd) from an explicit {@link Rng} and returns the tensor.
 *
 * <p>Fans follow PyTorch's {@code _calculate_fan_in_and_fan_out}: for a weight of shape
 * (out, in, k1, k2, ...) the receptive field is k1·k2·..., {@code fanIn = in·receptive} and
 * {@code fanOut = out·receptive}. So a Linear weight (out, in) has fanIn = in, and a conv weight
 * (O, C/groups, kh, kw) has fanIn = C/groups·kh·kw and fanOut = O·kh·kw. Tensors with fewer
 * than two dimensions have no fan and are rejected by the fan-based initializers.
 *
 * <p>Sampling order is the tensor's row-major element order; the same seed gives the same values.
 */
public final class Init {
    private Init() {}

    /** Which fan a variance-preserving initializer normalizes by. */
    public enum FanMode {
        /** Preserves the variance of activations in the forward pass (PyTorch's default). */
        FAN_IN,
        /** Preserves the variance of gradients in the backward pass. */
        FAN_OUT
    }

    /** Nonlinearities with a recommended gain, as in {@code torch.nn.init.calculate_gain}. */
    public enum Nonlinearity { LINEAR, SIGMOID, TANH, RELU, LEAKY_RELU, SELU }

    /**
     * The recommended gain: linear/sigmoid 1, tanh 5/3, relu √2, leaky_relu √(2/(1+a²)), selu 3/4.
     *
     * @param slope the negative slope a of leaky_relu (ignored otherwise)
     */
    public static double gain(Nonlinearity nl, double slope) {
        switch (nl) {
            case LINEAR:
            case SIGMOID:
                return 1.0;
            case TANH:
                return 5.0 / 3.0;
            case RELU:
                return Math.sqrt(2.0);
            case LEAKY_RELU:
                return Math.sqrt(2.0 / (1 + slope * slope));
            case SELU:
                return 0.75;
            default:
                throw new IllegalArgumentException("Init.gain: unknown nonlinearity " + nl);
        }
    }

    /** @return {@code fanIn} of a weight of this shape (see the class comment). */
    public static int fanIn(int... shape) {
        checkFanShape("fanIn", shape);
        return shape[1] * receptiveField(shape);
    }

    /** @return {@code fanOut} of a weight of this shape (see the class comment). */
    public static int fanOut(int... shape) {
        checkFanShape("fanOut", shape);
        return shape[0] * receptiveField(shape);
    }

    private static int fan(String op, Tensor t, FanMode mode) {
        int[] shape = t.shape();
        checkFanShape(op, shape);
        return mode == FanMode.FAN_IN ? fanIn(shape) : fanOut(shape);
    }

    private static int receptiveField(int[] shape) {
        int r = 1;
        for (int i = 2; i < shape.length; i++) {
            r *= shape[i];
        }
        return r;
    }

    private static void checkFanShape(String op, int[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("Init." + op + ": fan in/out needs a tensor with at least 2 dimensions, "
                    + "got shape " + Arrays.toString(shape));
        }
    }

    /** Fills with samples of U[lo, hi). */
    public static Tensor uniform(Tensor t, double lo, double hi, Rng rng) {
        if (!(hi >= lo)) {
            throw new IllegalArgumentException("Init.uniform: need lo <= hi, got [" + lo + ", " + hi + ")");
        }
        float[] d = t.data();
        int off = t.offset();
        for (int i = 0; i < t.size(); i++) {
            d[off + i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return t;
    }

    /** Fills with samples of N(mean, std²). */
    public static Tensor normal(Tensor t, double mean, double std, Rng rng) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("Init.normal: std must be >= 0, got " + std);
        }
        float[] d = t.data();
        int off = t.offset();
        for (int i = 0; i < t.size(); i++) {
            d[off + i] = (float) (mean + std * rng.nextGaussian());
        }
        return t;
    }

    /** Fills with {@code value}. */
    public static Tensor constant(Tensor t, float value) {
        Arrays.fill(t.data(), t.offset(), t.offset() + t.size(), value);
        return t;
    }

    /** Fills with 0. */
    public static Tensor zeros(Tensor t) {
        return constant(t, 0f);
    }

    /** Fills with 1. */
    public static Tensor ones(Tensor t) {
        return constant(t, 1f);
    }

    /**
     * Kaiming (He) normal: N(0, std²) with {@code std = gain / √fan}.
     *
     * @param slope leaky_relu's negative slope a, used only when {@code nl == LEAKY_RELU}
     */
    public static Tensor kaimingNormal(Tensor t, FanMode mode, Nonlinearity nl, double slope, Rng rng) {
        double std = gain(nl, slope) / Math.sqrt(fan("kaimingNormal", t, mode));
        return normal(t, 0, std, rng);
    }

    /** Kaiming normal with fan_in and the ReLU gain √2 (PyTorch's {@code kaiming_normal_} defaults). */
    public static Tensor kaimingNormal(Tensor t, Rng rng) {
        return kaimingNormal(t, FanMode.FAN_IN, Nonlinearity.RELU, 0, rng);
    }

    /**
     * Kaiming (He) uniform: U(-b, b) with {@code b = gain·√3 / √fan} (so the std is gain/√fan).
     *
     * @param slope leaky_relu's negative slope a, used only when {@code nl == LEAKY_RELU}
     */
    public static Tensor kaimingUniform(Tensor t, FanMode mode, Nonlinearity nl, double slope, Rng rng) {
        double bound = gain(nl, slope) * Math.sqrt(3.0 / fan("kaimingUniform", t, mode));
        return uniform(t, -bound, bound, rng);
    }

    /** Kaiming uniform with fan_in and the ReLU gain √2. */
    public static Tensor kaimingUniform(Tensor t, Rng rng) {
        return kaimingUniform(t, FanMode.FAN_IN, Nonlinearity.RELU, 0, rng);
    }

    /** Xavier (Glorot) uniform: U(-b, b), {@code b = gain·√(6 / (fanIn + fanOut))}. */
    public static Tensor xavierUniform(Tensor t, double gain, Rng rng) {
        int[] s = t.shape();
        checkFanShape("xavierUniform", s);
        double bound = gain * Math.sqrt(6.0 / (fanIn(s) + fanOut(s)));
        return uniform(t, -bound, bound, rng);
    }

    /** Xavier (Glorot) normal: N(0, std²), {@code std = gain·√(2 / (fanIn + fanOut))}. */
    public static Tensor xavierNormal(Tensor t, double gain, Rng rng) {
        int[] s = t.shape();
        checkFanShape("xavierNormal", s);
        return normal(t, 0, gain * Math.sqrt(2.0 / (fanIn(s) + fanOut(s))), rng);
    }

    /**
     * PyTorch's default weight init of {@code nn.Linear} and {@code nn.Conv2d}
     * ({@code kaiming_uniform_(w, a=√5)}): the leaky_relu gain with a = √5 is √(1/3), which makes the
     * bound exactly {@code 1/√fanIn}, i.e. U(-1/√fanIn, 1/√fanIn).
     *
     * @param t a weight of shape (out, in) or (O, C/groups, kh, kw)
     */
    public static Tensor torchDefaultWeight(Tensor t, Rng rng) {
        return kaimingUniform(t, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, Math.sqrt(5.0), rng);
    }

    /**
     * PyTorch's default bias init of {@code nn.Linear} / {@code nn.Conv2d}: U(-1/√fanIn, 1/√fanIn) with
     * the fan of the layer's weight (0 when fanIn is 0).
     *
     * @param bias the bias (out)
     * @param fanIn {@link #fanIn(int...)} of the layer's weight
     */
    public static Tensor torchDefaultBias(Tensor bias, int fanIn, Rng rng) {
        double bound = fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0.0;
        return uniform(bias, -bound, bound, rng);
    }

    /**
     * Orthogonal init ({@code torch.nn.init.orthogonal_}): the tensor, viewed as a matrix of
     * {@code rows = shape[0]} by {@code cols = size/rows}, becomes {@code gain} times a matrix with
     * orthonormal rows (rows ≤ cols) or orthonormal columns (rows ≥ cols), drawn uniformly (Haar) as
     * the Q factor of a Gaussian matrix whose R has a non-negative diagonal
     * ({@link Qr#semiOrthogonal}). The Gaussian is sampled row-major in the (rows × cols) layout,
     * like PyTorch's {@code new(rows, cols).normal_()}.
     */
    public static Tensor orthogonal(Tensor t, double gain, Rng rng) {
        int[] s = t.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException("Init.orthogonal: needs a tensor with at least 2 dimensions, got shape "
                    + Arrays.toString(s));
        }
        if (t.size() == 0) {
            return t;
        }
        int rows = s[0];
        int cols = t.size() / rows;
        float[] g = new float[t.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) rng.nextGaussian();
        }
        float[] q = Qr.semiOrthogonal(g, rows, cols);
        float[] d = t.data();
        int off = t.offset();
        for (int i = 0; i < q.length; i++) {
            d[off + i] = (float) (gain * q[i]);
        }
        return t;
    }
}

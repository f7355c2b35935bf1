package org.fnl4j.nn;

import java.util.Arrays;
import org.fnl4j.init.Init;
import org.fnl4j.init.WeightInit;
import org.fnl4j.ops.MatMul;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * Affine layer {@code y = x·Wᵀ + b}: input (..., in) → output (..., out). Weight (out, in) is a
 * {@link Parameter.Kind#WEIGHT}, the optional bias (out) a {@link Parameter.Kind#BIAS}.
 * Initialized like {@code torch.nn.Linear}: W and b ~ U(-1/√in, 1/√in); a model may redraw W with
 * {@link #initWeight}, and {@link #weightInit()} says which rule W was last drawn from (a factorized
 * layer replacing this one draws its factors from the same rule).
 */
public class Linear extends Module {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;
    private WeightInit weightInit = WeightInit.TORCH_DEFAULT;

    /** A layer with a bias. */
    public Linear(int in, int out, Rng rng) {
        this(in, out, true, rng);
    }

    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear: in and out features must be > 0, got in=" + in + ", out=" + out);
        }
        this.in = in;
        this.out = out;
        this.weight = registerParameter("weight", new Parameter(Tensor.zeros(out, in), Parameter.Kind.WEIGHT));
        this.bias = bias ? registerParameter("bias", new Parameter(Tensor.zeros(out), Parameter.Kind.BIAS)) : null;
        init(rng);
    }

    private void init(Rng rng) {
        Init.torchDefaultWeight(weight.value(), rng);
        weightInit = WeightInit.TORCH_DEFAULT;
        if (bias != null) {
            Init.torchDefaultBias(bias.value(), in, rng);
        }
    }

    /** PyTorch's default: W, b ~ U(-1/√in, 1/√in). */
    @Override
    public void resetParameters(Rng rng) {
        init(rng);
    }

    /**
     * Redraws the weight (not the bias) from {@code rule} and records the rule.
     *
     * @return this layer
     */
    public Linear initWeight(WeightInit rule, Rng rng) {
        rule.fill(weight.value(), rng);
        weightInit = rule;
        return this;
    }

    /** @return the rule the weight was last drawn from ({@link WeightInit#TORCH_DEFAULT} unless redrawn). */
    public WeightInit weightInit() { return weightInit; }

    /** @param input (..., in) */
    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() < 1 || input.shape(-1) != in) {
            throw new IllegalArgumentException("Linear(" + in + " -> " + out + "): input must have shape (..., " + in
                    + "), got " + Arrays.toString(input.shape()));
        }
        return MatMul.linear(input, weight.value(), bias == null ? null : bias.value());
    }

    /** @return the weight (out, in). */
    public Parameter weight() { return weight; }

    /** @return the bias (out), or null when the layer has none. */
    public Parameter bias() { return bias; }

    public int inFeatures() { return in; }

    public int outFeatures() { return out; }

    @Override
    protected String describe() {
        return "Linear(" + in + " -> " + out + (bias == null ? ", no bias" : "") + ")";
    }
}

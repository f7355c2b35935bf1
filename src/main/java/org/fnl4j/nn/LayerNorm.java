package org.fnl4j.nn;

import java.util.Arrays;
import org.fnl4j.init.Init;
import org.fnl4j.ops.Normalization;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * Layer normalization over the last dimension: input (..., D) → output (..., D), each row
 * normalized with its own mean and biased variance plus eps, then scaled by {@code weight} (γ,
 * init 1) and shifted by {@code bias} (β, init 0), both {@link Parameter.Kind#NORM} of shape (D).
 */
public class LayerNorm extends Module {
    private final int d;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    /** eps 1e-5 (PyTorch's default). */
    public LayerNorm(int d) {
        this(d, 1e-5f);
    }

    public LayerNorm(int d, float eps) {
        if (d <= 0 || !(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm: need d > 0 and eps > 0, got d=" + d + ", eps=" + eps);
        }
        this.d = d;
        this.eps = eps;
        this.weight = registerParameter("weight", new Parameter(Tensor.full(1f, d), Parameter.Kind.NORM));
        this.bias = registerParameter("bias", new Parameter(Tensor.zeros(d), Parameter.Kind.NORM));
    }

    /** γ = 1, β = 0 (the generator is not used). */
    @Override
    public void resetParameters(Rng rng) {
        Init.ones(weight.value());
        Init.zeros(bias.value());
    }

    /** @param input (..., D) */
    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() < 1 || input.shape(-1) != d) {
            throw new IllegalArgumentException("LayerNorm(" + d + "): input must have shape (..., " + d + "), got "
                    + Arrays.toString(input.shape()));
        }
        return Normalization.layerNorm(input, weight.value(), bias.value(), eps);
    }

    /** @return γ (D). */
    public Parameter weight() { return weight; }

    /** @return β (D). */
    public Parameter bias() { return bias; }

    public int features() { return d; }

    /** @return the epsilon added to the variance. */
    public float eps() { return eps; }

    @Override
    protected String describe() {
        return "LayerNorm(" + d + (eps == 1e-5f ? "" : ", eps " + eps) + ")";
    }
}

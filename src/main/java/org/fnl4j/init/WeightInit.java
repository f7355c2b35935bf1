package org.fnl4j.init;

import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * The distribution a layer's weight is drawn from, recorded by {@code Linear} and {@code Conv2d}
 * so that a factorized layer replacing them can draw each of its factors from the same rule
 * ({@link #fill}) — what the paper's code does for its baseline without spectral initialization:
 * every factor gets the dense codebase's own init, applied to the factor's own shape.
 *
 * <p>Fans are those of {@link Init#fanIn} / {@link Init#fanOut} for the tensor's shape: a factor U
 * (m, r) has fanIn r, Vᵀ (r, n) has fanIn n; a conv factor (r, in, 1, kw) has fanIn in·kw.
 */
public enum WeightInit {
    /** PyTorch's default of {@code nn.Linear} / {@code nn.Conv2d}: U(−1/√fanIn, 1/√fanIn). */
    TORCH_DEFAULT,
    /** Kaiming-normal, fan-in, gain √2: N(0, 2/fanIn) (the CIFAR ResNets' convs and classifier). */
    KAIMING_NORMAL,
    /** Kaiming-normal, fan-out, gain √2: N(0, 2/fanOut) (torchvision's VGG convs). */
    KAIMING_NORMAL_FAN_OUT,
    /** N(0, 0.01²), independent of the shape (torchvision's VGG classifier). */
    NORMAL_001,
    /** U(−0.1, 0.1), independent of the shape (the paper's Transformer code, fairseq-py's Linear). */
    UNIFORM_01;

    /** Fills {@code t} (at least 2 dimensions for the fan-based rules) in place from {@code rng}; returns it. */
    public Tensor fill(Tensor t, Rng rng) {
        return switch (this) {
            case TORCH_DEFAULT -> Init.torchDefaultWeight(t, rng);
            case KAIMING_NORMAL -> Init.kaimingNormal(t, rng);
            case KAIMING_NORMAL_FAN_OUT -> Init.kaimingNormal(t, Init.FanMode.FAN_OUT, Init.Nonlinearity.RELU, 0, rng);
            case NORMAL_001 -> Init.normal(t, 0, 0.01, rng);
            case UNIFORM_01 -> Init.uniform(t, -0.1, 0.1, rng);
        };
    }
}

package org.fnl4j.nn;

import java.util.Arrays;
import org.fnl4j.init.Init;
import org.fnl4j.ops.Normalization;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * Batch normalization over the channel dimension (dimension 1), PyTorch semantics: in training
 * mode, normalize with the batch mean and biased variance over all dimensions but 1, and update
 * {@code running = (1 - momentum)·running + momentum·batch} with the <em>unbiased</em> batch
 * variance for {@code running_var}; in eval mode, normalize with the running statistics.
 * Then scale by {@code weight} (γ, init 1) and shift by {@code bias} (β, init 0), both
 * {@link Parameter.Kind#NORM} of shape (C). Buffers {@code running_mean} (init 0) and
 * {@code running_var} (init 1) have shape (C).
 *
 * <p>See {@link BatchNorm2d} for (N, C, H, W) and {@link BatchNorm1d} for (N, C) or (N, C, L).
 */
public abstract class BatchNorm extends Module {
    /** PyTorch's default momentum of the running statistics. */
    public static final float DEFAULT_MOMENTUM = 0.1f;
    /** PyTorch's default epsilon added to the variance. */
    public static final float DEFAULT_EPS = 1e-5f;

    private final int channels;
    private final float eps;
    private float momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Tensor runningMean;
    private final Tensor runningVar;

    protected BatchNorm(int channels, float eps, float momentum) {
        if (channels <= 0 || !(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": need channels > 0, eps > 0 and momentum in "
                    + "[0, 1]; got channels=" + channels + ", eps=" + eps + ", momentum=" + momentum);
        }
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = registerParameter("weight", new Parameter(Tensor.full(1f, channels), Parameter.Kind.NORM));
        this.bias = registerParameter("bias", new Parameter(Tensor.zeros(channels), Parameter.Kind.NORM));
        this.runningMean = registerBuffer("running_mean", Tensor.zeros(channels));
        this.runningVar = registerBuffer("running_var", Tensor.full(1f, channels));
    }

    /** γ = 1, β = 0, running mean 0, running variance 1 (the generator is not used). */
    @Override
    public void resetParameters(Rng rng) {
        Init.ones(weight.value());
        Init.zeros(bias.value());
        resetRunningStats();
    }

    /** Running mean to 0, running variance to 1. */
    public void resetRunningStats() {
        Init.zeros(runningMean);
        Init.ones(runningVar);
    }

    /** Runs the normalization op on an input already checked to be (N, C) or (N, C, H, W). */
    protected Tensor normalize(Tensor x) {
        return Normalization.batchNorm(x, weight.value(), bias.value(), runningMean, runningVar, isTraining(), momentum,
                eps);
    }

    /** Like {@link #normalize(Tensor)}, then {@code + residual} (or nothing when null) and max(·, 0) when {@code relu}, as one op. */
    protected Tensor normalize(Tensor x, Tensor residual, boolean relu) {
        return Normalization.batchNormAct(x, weight.value(), bias.value(), runningMean, runningVar, isTraining(), momentum,
                eps, residual, relu);
    }

    /** Fails with the expected shape when {@code x} is not of rank {@code dims} with C channels. */
    protected void checkInput(Tensor x, String expected, int... allowedDims) {
        boolean rankOk = false;
        for (int d : allowedDims) {
            rankOk |= x.dim() == d;
        }
        if (!rankOk || x.shape(1) != channels) {
            throw new IllegalArgumentException(describe() + ": input must have shape " + expected + " with C=" + channels
                    + ", got " + Arrays.toString(x.shape()));
        }
    }

    /** @return γ (C). */
    public Parameter weight() { return weight; }

    /** @return β (C). */
    public Parameter bias() { return bias; }

    /** @return the running mean buffer (C), updated in place in training mode. */
    public Tensor runningMean() { return runningMean; }

    /** @return the running (unbiased) variance buffer (C), updated in place in training mode. */
    public Tensor runningVar() { return runningVar; }

    public int channels() { return channels; }

    public float eps() { return eps; }

    public float momentum() { return momentum; }

    /**
     * Sets the momentum of the running statistics (in [0, 1]); e.g. 1/k on the k-th of a series of
     * batches makes them the plain average over the series (PyTorch's {@code momentum=None}).
     */
    public void setMomentum(float m) {
        if (!(m >= 0 && m <= 1)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": momentum must be in [0, 1], got " + m);
        }
        this.momentum = m;
    }

    @Override
    protected String describe() {
        String extra = (eps == DEFAULT_EPS ? "" : ", eps " + eps) + (momentum == DEFAULT_MOMENTUM ? "" : ", momentum "
                + momentum);
        return getClass().getSimpleName() + "(" + channels + extra + ")";
    }
}

package org.fnl4j.ops;

import java.util.Arrays;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.kernel.Norm;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;

/** Differentiable batch and layer normalization on the {@link Norm} kernels. */
public final class Normalization {
    private Normalization() {}

    /**
     * Batch normalization of x (N, C, H, W) or (N, C) per channel, with PyTorch semantics.
     *
     * <p>Training: normalizes with the batch mean and biased variance over N·H·W, and (when the
     * running tensors are given) updates {@code running = (1 - momentum)·running + momentum·batch}
     * in place, using the unbiased variance (× M/(M-1), M = N·H·W) for runningVar. Evaluation:
     * normalizes with runningMean / runningVar, which are then required.
     *
     * @param gamma scale (C) or null for 1
     * @param beta shift (C) or null for 0
     * @param runningMean (C), updated in place in training; may be null in training
     * @param runningVar (C), updated in place in training; may be null in training
     */
    public static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                   boolean training, float momentum, float eps) {
        return batchNormAct(x, gamma, beta, runningMean, runningVar, training, momentum, eps, null, false);
    }

    /**
     * {@code relu(batchNorm(x) + residual)} as one op, the tail of a residual block: x and residual
     * (N, C, H, W) or (N, C), residual may be null (no sum) and {@code relu} false (no activation);
     * the other arguments as in {@link #batchNorm}. The same values as the three separate ops, with
     * one output tensor instead of three and one pass over memory instead of three, forward and
     * backward (the relu's mask is read from the output).
     *
     * @param residual (same shape as x) added after the normalization, or null
     * @param relu     whether max(·, 0) follows
     */
    public static Tensor batchNormAct(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                      boolean training, float momentum, float eps, Tensor residual, boolean relu) {
        if (x.dim() != 4 && x.dim() != 2) {
            throw new IllegalArgumentException("batchNorm: expected input (N,C,H,W) or (N,C), got " + Arrays.toString(x.shape()));
        }
        int n = x.shape(0), c = x.shape(1), s = x.dim() == 4 ? x.shape(2) * x.shape(3) : 1;
        checkVector("batchNorm", "gamma", gamma, c, x);
        checkVector("batchNorm", "beta", beta, c, x);
        checkVector("batchNorm", "runningMean", runningMean, c, x);
        checkVector("batchNorm", "runningVar", runningVar, c, x);
        if (residual != null && !Arrays.equals(residual.shape(), x.shape())) {
            throw new IllegalArgumentException("batchNorm: residual " + Arrays.toString(residual.shape())
                    + " does not match input " + Arrays.toString(x.shape()) + " (expected the same shape)");
        }
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException("batchNorm: runningMean and runningVar must both be given or both be null");
        }
        long count = (long) n * s;
        if (training && count < 2) {
            throw new IllegalArgumentException("batchNorm: training needs more than one value per channel, got input "
                    + Arrays.toString(x.shape()));
        }
        if (!training && runningMean == null) {
            throw new IllegalArgumentException("batchNorm: evaluation mode needs runningMean and runningVar");
        }
        float[] mean = new float[c], invStd = new float[c];
        Tensor out = Tensor.zeros(x.shape());
        float[] g = gamma == null ? null : gamma.data();
        int gOff = gamma == null ? 0 : gamma.offset();
        float[] b = beta == null ? null : beta.data(), r = residual == null ? null : residual.data();
        int bOff = beta == null ? 0 : beta.offset(), rOff = residual == null ? 0 : residual.offset();
        if (training) {
            float[] var = new float[c];
            Norm.batchNormTrainForward(x.data(), x.offset(), n, c, s, eps, g, gOff, b, bOff, r, rOff, relu,
                    out.data(), 0, mean, var, invStd);
            if (runningMean != null) {
                float[] rm = runningMean.data(), rv = runningVar.data();
                int mo = runningMean.offset(), vo = runningVar.offset();
                double unbias = (double) count / (count - 1);
                for (int ch = 0; ch < c; ch++) {
                    rm[mo + ch] = (1 - momentum) * rm[mo + ch] + momentum * mean[ch];
                    rv[vo + ch] = (float) ((1 - momentum) * rv[vo + ch] + momentum * var[ch] * unbias);
                }
            }
        } else {
            evalStats(runningMean, runningVar, eps, mean, invStd);
            Norm.batchNormForward(x.data(), x.offset(), n, c, s, mean, invStd, g, gOff, b, bOff, r, rOff, relu,
                    out.data(), 0);
        }
        String name = residual == null ? (relu ? "batchNormRelu" : "batchNorm") : (relu ? "batchNormAddRelu" : "batchNormAdd");
        return Autograd.record(name, out, () -> Norm.batchNormBackward(x.data(), x.offset(), out.grad(), 0,
                out.data(), 0, relu, n, c, s, mean, invStd, g, gOff, training,
                x.requiresGrad() ? TapeAccess.gradBuffer(x) : null, 0,
                gamma != null && gamma.requiresGrad() ? TapeAccess.gradBuffer(gamma) : null,
                beta != null && beta.requiresGrad() ? TapeAccess.gradBuffer(beta) : null,
                residual != null && residual.requiresGrad() ? TapeAccess.gradBuffer(residual) : null, 0),
                x, gamma, beta, residual);
    }

    /** mean = runningMean and invStd = 1/√(runningVar + eps), the constants of evaluation mode. */
    private static void evalStats(Tensor runningMean, Tensor runningVar, float eps, float[] mean, float[] invStd) {
        for (int ch = 0; ch < mean.length; ch++) {
            mean[ch] = runningMean.data()[runningMean.offset() + ch];
            invStd[ch] = (float) (1.0 / Math.sqrt(runningVar.data()[runningVar.offset() + ch] + (double) eps));
        }
    }

    /**
     * The per-channel affine map y = scale·x + shift that batch normalization applies in evaluation
     * mode (running statistics), for folding into the op that produces x.
     *
     * @param scale (C): γ/√(runningVar + ε)
     * @param shift (C): β − runningMean·scale
     */
    public record ChannelAffine(float[] scale, float[] shift) {}

    /**
     * The evaluation-mode batch norm of {@link #batchNorm} as a {@link ChannelAffine}, computed with
     * the same float operations, so applying it gives the same bits as {@code batchNorm(x, ...,
     * training = false, ...)}.
     *
     * @param gamma (C) or null for 1
     * @param beta (C) or null for 0
     * @param runningMean (C)
     * @param runningVar (C)
     */
    public static ChannelAffine evalAffine(Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps) {
        if (runningMean == null || runningVar == null) {
            throw new IllegalArgumentException("batchNorm: evaluation mode needs runningMean and runningVar");
        }
        int c = runningMean.size();
        checkVector("batchNorm", "runningVar", runningVar, c, runningMean);
        checkVector("batchNorm", "gamma", gamma, c, runningMean);
        checkVector("batchNorm", "beta", beta, c, runningMean);
        float[] mean = new float[c], invStd = new float[c], scale = new float[c], shift = new float[c];
        evalStats(runningMean, runningVar, eps, mean, invStd);
        Norm.affineOf(c, mean, invStd, gamma == null ? null : gamma.data(), gamma == null ? 0 : gamma.offset(),
                beta == null ? null : beta.data(), beta == null ? 0 : beta.offset(), scale, shift);
        return new ChannelAffine(scale, shift);
    }

    /**
     * Layer normalization over the last axis: x (..., D) -> (..., D), each row normalized with its
     * mean and biased variance, then scaled by gamma (D) and shifted by beta (D).
     */
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        if (x.dim() < 1 || gamma == null || beta == null) {
            throw new IllegalArgumentException("layerNorm: expected input (..., D), gamma (D) and beta (D), got input "
                    + Arrays.toString(x.shape()) + ", gamma " + (gamma == null ? "null" : Arrays.toString(gamma.shape()))
                    + ", beta " + (beta == null ? "null" : Arrays.toString(beta.shape())));
        }
        int d = x.shape(-1);
        checkVector("layerNorm", "gamma", gamma, d, x);
        checkVector("layerNorm", "beta", beta, d, x);
        int rows = d == 0 ? 0 : x.size() / d;
        float[] mean = new float[rows], invStd = new float[rows];
        Tensor out = Tensor.zeros(x.shape());
        Norm.layerNormForward(x.data(), x.offset(), rows, d, gamma.data(), gamma.offset(), beta.data(), beta.offset(),
                eps, out.data(), 0, mean, invStd);
        return Autograd.record("layerNorm", out, () -> Norm.layerNormBackward(x.data(), x.offset(), out.grad(), 0,
                rows, d, gamma.data(), gamma.offset(), mean, invStd,
                x.requiresGrad() ? TapeAccess.gradBuffer(x) : null, 0,
                gamma.requiresGrad() ? TapeAccess.gradBuffer(gamma) : null,
                beta.requiresGrad() ? TapeAccess.gradBuffer(beta) : null), x, gamma, beta);
    }

    private static void checkVector(String op, String name, Tensor v, int len, Tensor x) {
        if (v != null && (v.dim() != 1 || v.shape(0) != len)) {
            throw new IllegalArgumentException(op + ": " + name + " " + Arrays.toString(v.shape()) + " does not match input "
                    + Arrays.toString(x.shape()) + " (expected (" + len + "))");
        }
    }
}

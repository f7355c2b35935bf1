package org.fnl4j.ops;

import java.util.Arrays;
import org.fnl4j.autograd.Autograd;
import org.fnl4j.kernel.Conv;
import org.fnl4j.kernel.ConvEpilogue;
import org.fnl4j.kernel.ConvShape;
import org.fnl4j.tensor.TapeAccess;
import org.fnl4j.tensor.Tensor;

/** Differentiable 2-D convolution (NCHW) on the {@link Conv} kernels. */
public final class Convolution {
    private Convolution() {}

    /** Square-kernel convenience form: equal stride and padding on both axes, no dilation, one group. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int pad) {
        return conv2d(x, w, bias, stride, stride, pad, pad, 1, 1, 1);
    }

    /**
     * x (N, C, H, W) conv w (O, C/groups, kh, kw) + bias (O) or null -> (N, O, outH, outW), with
     * {@code outH = (H + 2·padH - dilH·(kh-1) - 1) / strideH + 1} (likewise outW), as in PyTorch's conv2d.
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int strideH, int strideW, int padH, int padW,
                                int dilH, int dilW, int groups) {
        return conv2d(x, w, bias, strideH, strideW, padH, padW, dilH, dilW, groups, null);
    }

    /**
     * What follows a convolution in inference, applied to each output plane as it is written:
     * {@code relu?(affine(conv) + residual)}, an evaluation-mode BatchNorm with the residual sum and
     * ReLU of a residual block.
     *
     * @param affine   per output channel (O), from {@link Normalization#evalAffine}
     * @param residual (N, O, outH, outW) added after the affine map, or null
     * @param relu     whether max(·, 0) follows
     */
    public record Epilogue(Normalization.ChannelAffine affine, Tensor residual, boolean relu) {}

    /**
     * {@link #conv2d(Tensor, Tensor, Tensor, int, int, int, int, int, int, int)} followed by the
     * epilogue (none when null), in one pass over the output. The values are bit for bit those of
     * the convolution followed by {@link Normalization#batchNormAct} in evaluation mode. With an
     * epilogue the op is inference-only: it records no backward, so it refuses inputs that need
     * gradients (call it under {@link Autograd#noGrad()}).
     *
     * @throws IllegalStateException when an epilogue is given and an input needs gradients
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int strideH, int strideW, int padH, int padW,
                                int dilH, int dilW, int groups, Epilogue epilogue) {
        if (x.dim() != 4 || w.dim() != 4) {
            throw new IllegalArgumentException("conv2d: expected input (N,C,H,W) and weight (O,C/groups,kh,kw), got input "
                    + Arrays.toString(x.shape()) + " and weight " + Arrays.toString(w.shape()));
        }
        if (groups < 1 || x.shape(1) % groups != 0 || w.shape(1) != x.shape(1) / groups) {
            throw new IllegalArgumentException("conv2d: weight " + Arrays.toString(w.shape()) + " does not match input "
                    + Arrays.toString(x.shape()) + " with groups=" + groups + " (weight dim 1 must be C/groups)");
        }
        if (bias != null && (bias.dim() != 1 || bias.shape(0) != w.shape(0))) {
            throw new IllegalArgumentException("conv2d: bias " + Arrays.toString(bias.shape()) + " does not match weight "
                    + Arrays.toString(w.shape()) + " (expected (" + w.shape(0) + "))");
        }
        ConvShape s = new ConvShape(x.shape(0), x.shape(1), x.shape(2), x.shape(3), w.shape(0), w.shape(2), w.shape(3),
                strideH, strideW, padH, padW, dilH, dilW, groups);
        Tensor out = Tensor.zeros(s.batch(), s.outChannels(), s.outH(), s.outW());
        ConvEpilogue fused = null;
        if (epilogue != null) {
            Tensor r = epilogue.residual();
            if (Autograd.needsGrad(x, w, bias, r)) {
                throw new IllegalStateException("conv2d with a batch-norm epilogue is inference-only, but an input needs "
                        + "gradients; run it under Autograd.noGrad() or use conv2d then batchNormAct");
            }
            if (r != null && !Arrays.equals(r.shape(), out.shape())) {
                throw new IllegalArgumentException("conv2d: residual " + Arrays.toString(r.shape())
                        + " does not match the output " + Arrays.toString(out.shape()) + " (expected the same shape)");
            }
            fused = new ConvEpilogue(epilogue.affine().scale(), epilogue.affine().shift(), r == null ? null : r.data(),
                    r == null ? 0 : r.offset(), epilogue.relu());
        }
        Conv.forward(s, x.data(), x.offset(), w.data(), w.offset(),
                bias == null ? null : bias.data(), bias == null ? 0 : bias.offset(), out.data(), 0, fused);
        if (!Autograd.needsGrad(x, w, bias)) {
            return out;
        }
        return Autograd.record("conv2d", out, () -> {
            float[] dy = out.grad();
            if (x.requiresGrad()) {
                Conv.backwardInput(s, dy, 0, w.data(), w.offset(), TapeAccess.gradBuffer(x), 0);
            }
            if (w.requiresGrad()) {
                Conv.backwardWeight(s, x.data(), x.offset(), dy, 0, TapeAccess.gradBuffer(w), 0);
            }
            if (bias != null && bias.requiresGrad()) {
                Conv.backwardBias(s, dy, 0, TapeAccess.gradBuffer(bias), 0);
            }
        }, x, w, bias);
    }
}

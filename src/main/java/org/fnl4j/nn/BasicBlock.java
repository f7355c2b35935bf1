package org.fnl4j.nn;

import org.fnl4j.ops.Padding;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * The residual block of the CIFAR ResNets (He et al. 2016): input (N, in, H, W) → output
 * (N, out, ⌈H/stride⌉, ⌈W/stride⌉),
 * <pre>
 *   y = relu( bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x) )
 * </pre>
 * with 3×3 bias-free convolutions (conv1 carries the stride) and BatchNorm. The shortcut is the
 * identity, or "option A" when the stride is not 1 or the channel count changes: take every
 * stride-th pixel and zero-pad (out - in)/2 channels on each side (parameter-free), which needs
 * out ≥ in with an even difference. Children: {@code conv1}, {@code bn1}, {@code conv2}, {@code bn2}.
 */
public class BasicBlock extends Module {
    private final int in;
    private final int out;
    private final int stride;

    public BasicBlock(int in, int out, int stride, Rng rng) {
        if (in <= 0 || out < in || (out - in) % 2 != 0 || stride <= 0) {
            throw new IllegalArgumentException("BasicBlock: option-A shortcut needs 0 < in <= out with an even difference "
                    + "and stride > 0; got in=" + in + ", out=" + out + ", stride=" + stride);
        }
        this.in = in;
        this.out = out;
        this.stride = stride;
        registerModule("conv1", new Conv2d(in, out, 3, stride, 1, false, rng));
        registerModule("bn1", new BatchNorm2d(out));
        registerModule("conv2", new Conv2d(out, out, 3, 1, 1, false, rng));
        registerModule("bn2", new BatchNorm2d(out));
    }

    /** @return true when the shortcut is option A (subsample and zero-pad) rather than the identity. */
    public boolean hasOptionAShortcut() {
        return stride != 1 || in != out;
    }

    /** @param x (N, in, H, W) */
    @Override
    public Tensor forward(Tensor x) {
        // BatchNorm, the shortcut's sum and the ReLUs run as fused ops (one pass over memory each),
        // in inference inside the convolutions' output passes.
        BatchNorm2d bn1 = (BatchNorm2d) child("bn1"), bn2 = (BatchNorm2d) child("bn2");
        Tensor y = bn1.forwardAfter(child("conv1"), x, null, true);
        Tensor shortcut = hasOptionAShortcut() ? Padding.optionAShortcut(x, out, stride) : x;
        return bn2.forwardAfter(child("conv2"), y, shortcut, true);
    }

    public int inChannels() { return in; }

    public int outChannels() { return out; }

    public int stride() { return stride; }

    @Override
    protected String describe() {
        return "BasicBlock(" + in + " -> " + out + (stride == 1 ? "" : ", stride " + stride)
                + (hasOptionAShortcut() ? ", option-A shortcut" : "") + ")";
    }
}

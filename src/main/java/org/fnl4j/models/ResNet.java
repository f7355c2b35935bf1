package org.fnl4j.models;

import org.fnl4j.init.WeightInit;
import org.fnl4j.nn.BasicBlock;
import org.fnl4j.nn.BatchNorm2d;
import org.fnl4j.nn.Conv2d;
import org.fnl4j.nn.GlobalAvgPool;
import org.fnl4j.nn.Linear;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.Sequential;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * The CIFAR-style ResNet of He et al. (2016) with 6n+2 layers (ResNet-20: n = 3, 32: n = 5,
 * 56: n = 9), as in the paper's reference code: images (N, C, H, W) → logits (N, classes),
 * <pre>
 *   conv1 3×3 C→w, bn1, relu
 *   layer1: n BasicBlocks w→w          (stride 1)
 *   layer2: n BasicBlocks w→2w         (the first has stride 2 and an option-A shortcut)
 *   layer3: n BasicBlocks 2w→4w        (likewise)
 *   pool (global average), linear 4w→classes
 * </pre>
 * with w = 16 for the standard widths. Any input size works (1×28×28 gives 7×7 maps before the
 * pool, 3×32×32 gives 8×8). Init as the reference: every conv and linear weight Kaiming-normal
 * (fan_in, gain √2), the linear bias PyTorch's default U(±1/√fanIn), BatchNorm γ = 1, β = 0.
 */
public class ResNet extends Module {
    private final int depth;
    private final int width;

    /**
     * @param blocksPerStage n (depth 6n+2)
     * @param width channels of the first stage (16 for the standard model); the others are 2w and 4w,
     *              so option-A shortcuts always pad an even number of channels
     */
    public ResNet(int blocksPerStage, int inChannels, int numClasses, int width, Rng rng) {
        if (blocksPerStage <= 0 || inChannels <= 0 || numClasses <= 0 || width <= 0) {
            throw new IllegalArgumentException("ResNet: need blocksPerStage, inChannels, numClasses, width > 0; got "
                    + blocksPerStage + ", " + inChannels + ", " + numClasses + ", " + width);
        }
        this.depth = 6 * blocksPerStage + 2;
        this.width = width;
        registerModule("conv1", new Conv2d(inChannels, width, 3, 1, 1, false, rng));
        registerModule("bn1", new BatchNorm2d(width));
        int in = width;
        for (int stage = 0; stage < 3; stage++) {
            int out = width << stage;
            Sequential layer = new Sequential();
            for (int b = 0; b < blocksPerStage; b++) {
                layer.add(new BasicBlock(in, out, b == 0 && stage > 0 ? 2 : 1, rng));
                in = out;
            }
            registerModule("layer" + (stage + 1), layer);
        }
        registerModule("pool", new GlobalAvgPool());
        registerModule("linear", new Linear(in, numClasses, rng));
        kaimingWeights(rng);
    }

    private void kaimingWeights(Rng rng) {
        for (Module m : namedModules().values()) {
            if (m instanceof Conv2d c) {
                c.initWeight(WeightInit.KAIMING_NORMAL, rng);
            } else if (m instanceof Linear l) {
                l.initWeight(WeightInit.KAIMING_NORMAL, rng);
            }
        }
    }

    /** The reference init (see the class comment). */
    @Override
    public void resetParameters(Rng rng) {
        super.resetParameters(rng);
        kaimingWeights(rng);
    }

    /**
     * @param x (N, C, H, W)
     * @return logits (N, classes)
     */
    @Override
    public Tensor forward(Tensor x) {
        Tensor y = ((BatchNorm2d) child("bn1")).forwardAfter(child("conv1"), x, null, true);
        y = child("layer3").forward(child("layer2").forward(child("layer1").forward(y)));
        return child("linear").forward(child("pool").forward(y));
    }

    /** @return 6n + 2. */
    public int depth() { return depth; }

    /** @return channels of the first stage. */
    public int width() { return width; }

    @Override
    protected String describe() {
        return "ResNet-" + depth + "(width " + width + "/" + 2 * width + "/" + 4 * width + ")";
    }
}

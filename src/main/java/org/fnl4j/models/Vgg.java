package org.fnl4j.models;

import org.fnl4j.init.Init;
import org.fnl4j.init.WeightInit;
import org.fnl4j.nn.BatchNorm2d;
import org.fnl4j.nn.Conv2d;
import org.fnl4j.nn.GlobalAvgPool;
import org.fnl4j.nn.Linear;
import org.fnl4j.nn.MaxPool2d;
import org.fnl4j.nn.Module;
import org.fnl4j.nn.ReLU;
import org.fnl4j.nn.Sequential;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;

/**
 * A VGG with BatchNorm for small images: images (N, C, H, W) → logits (N, classes). The
 * {@code features} are Simonyan &amp; Zisserman's configurations A/B/D/E (VGG-11/13/16/19): 3×3
 * convolutions (pad 1, no bias) each followed by BatchNorm and ReLU, with a 2×2 max pool after
 * each of the five groups; a pool is left out once the maps are smaller than 2×2 (so 28×28
 * inputs, which reach 1×1 after four pools, keep working). Then a global average pool and one
 * {@code classifier} Linear, as in the CIFAR variants of VGG. Channel counts 64/128/256/512/512
 * are scaled by a width multiplier (rounded, at least 1).
 *
 * <p>Init as torchvision's VGG: conv weights Kaiming-normal (fan_out, gain √2), BatchNorm γ = 1,
 * β = 0, the classifier N(0, 0.01²) with a zero bias.
 */
public class Vgg extends Module {
    private static final int POOL = -1;
    private final int depth;

    public Vgg(int depth, int inChannels, int height, int width, int numClasses, double widthMultiplier, Rng rng) {
        int[] cfg = config(depth);
        if (inChannels <= 0 || height <= 0 || width <= 0 || numClasses <= 0 || !(widthMultiplier > 0)) {
            throw new IllegalArgumentException("Vgg: need positive inChannels, height, width, numClasses and "
                    + "widthMultiplier; got " + inChannels + ", " + height + ", " + width + ", " + numClasses + ", "
                    + widthMultiplier);
        }
        this.depth = depth;
        Sequential features = new Sequential();
        int c = inChannels;
        int h = height;
        int w = width;
        for (int v : cfg) {
            if (v == POOL) {
                if (h >= 2 && w >= 2) {
                    features.add(new MaxPool2d(2));
                    h /= 2;
                    w /= 2;
                }
            } else {
                int out = Math.max(1, (int) Math.round(v * widthMultiplier));
                features.add(new Conv2d(c, out, 3, 1, 1, false, rng));
                features.add(new BatchNorm2d(out));
                features.add(new ReLU());
                c = out;
            }
        }
        registerModule("features", features);
        registerModule("pool", new GlobalAvgPool());
        registerModule("classifier", new Linear(c, numClasses, rng));
        torchvisionInit(rng);
    }

    private static int[] config(int depth) {
        int p = POOL;
        switch (depth) {
            case 11: return new int[] {64, p, 128, p, 256, 256, p, 512, 512, p, 512, 512, p};
            case 13: return new int[] {64, 64, p, 128, 128, p, 256, 256, p, 512, 512, p, 512, 512, p};
            case 16: return new int[] {64, 64, p, 128, 128, p, 256, 256, 256, p, 512, 512, 512, p, 512, 512, 512, p};
            case 19: return new int[] {64, 64, p, 128, 128, p, 256, 256, 256, 256, p, 512, 512, 512, 512, p,
                512, 512, 512, 512, p};
            default:
                throw new IllegalArgumentException("Vgg: depth must be 11, 13, 16 or 19, got " + depth);
        }
    }

    private void torchvisionInit(Rng rng) {
        for (Module m : namedModules().values()) {
            if (m instanceof Conv2d conv) {
                conv.initWeight(WeightInit.KAIMING_NORMAL_FAN_OUT, rng);
            } else if (m instanceof Linear l) {
                l.initWeight(WeightInit.NORMAL_001, rng);
                Init.zeros(l.bias().value());
            }
        }
    }

    /** The torchvision init (see the class comment). */
    @Override
    public void resetParameters(Rng rng) {
        super.resetParameters(rng);
        torchvisionInit(rng);
    }

    /**
     * @param x (N, C, H, W) with the H, W given at construction (other sizes work if no pool sees a map below 2×2)
     * @return logits (N, classes)
     */
    @Override
    public Tensor forward(Tensor x) {
        return child("classifier").forward(child("pool").forward(child("features").forward(x)));
    }

    @Override
    protected String describe() {
        return "VGG-" + depth + "(BN)";
    }
}

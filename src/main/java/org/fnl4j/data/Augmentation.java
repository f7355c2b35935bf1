package org.fnl4j.data;

import java.util.Arrays;
import org.fnl4j.tensor.Rng;

/**
 * Training-time image augmentation on one (C, H, W) example: random crop after zero padding
 * (torchvision's {@code RandomCrop(size, padding=p)}: a window of the original size taken from
 * the image padded by p zeros on every side) and random horizontal flip with probability ½.
 * Zero padding happens in pixel space, before {@link Normalization}, as in the usual
 * {@code RandomCrop → ToTensor → Normalize} pipeline.
 *
 * <p>The random choices come from an {@link Rng} the {@link DataLoader} derives from
 * (seed, epoch, example index), so each example's augmentation is reproducible and independent of
 * batch composition and thread timing.
 */
public final class Augmentation {
    private final int pad;
    private final boolean flip;

    /**
     * @param pad  zero padding p ≥ 0 for the random crop (0: no crop)
     * @param flip whether to flip horizontally with probability ½
     */
    public Augmentation(int pad, boolean flip) {
        if (pad < 0) {
            throw new IllegalArgumentException("Augmentation: pad must be >= 0, got " + pad);
        }
        this.pad = pad;
        this.flip = flip;
    }

    /** Random crop with padding {@code pad} and horizontal flip (the CIFAR/Fashion-MNIST recipe, pad 4). */
    public static Augmentation cropFlip(int pad) {
        return new Augmentation(pad, true);
    }

    public int pad() { return pad; }

    public boolean flip() { return flip; }

    /**
     * Augments one example in place.
     *
     * @param x       the example, C·H·W floats at {@code x[off ..]}, row-major (C, H, W)
     * @param scratch a buffer of at least C·H·W floats, overwritten
     * @param shape   (C, H, W); (H, W) is treated as one channel
     * @param rng     source of this example's random choices (consumes exactly 3 values)
     */
    public void apply(float[] x, int off, float[] scratch, int[] shape, Rng rng) {
        int c, h, w;
        if (shape.length == 3) {
            c = shape[0]; h = shape[1]; w = shape[2];
        } else if (shape.length == 2) {
            c = 1; h = shape[0]; w = shape[1];
        } else {
            throw new IllegalArgumentException("Augmentation: expected an image of shape (C, H, W) or (H, W), got "
                    + Arrays.toString(shape));
        }
        // Always draw all three values so that the stream does not depend on the options.
        int dy = rng.nextInt(2 * pad + 1) - pad;
        int dx = rng.nextInt(2 * pad + 1) - pad;
        boolean mirror = flip && rng.nextInt(2) == 1;
        if (dy == 0 && dx == 0 && !mirror) {
            return;
        }
        int n = c * h * w;
        System.arraycopy(x, off, scratch, 0, n);
        for (int ch = 0; ch < c; ch++) {
            int base = ch * h * w;
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                int row = off + base + y * w;
                if (sy < 0 || sy >= h) {
                    Arrays.fill(x, row, row + w, 0f);
                    continue;
                }
                int srow = base + sy * w;
                for (int xx = 0; xx < w; xx++) {
                    int sx = (mirror ? w - 1 - xx : xx) + dx;
                    x[row + xx] = sx < 0 || sx >= w ? 0f : scratch[srow + sx];
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Augmentation(crop pad " + pad + ", flip " + flip + ")";
    }
}

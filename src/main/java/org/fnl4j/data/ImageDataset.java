package org.fnl4j.data;

import java.util.Arrays;

/**
 * An in-memory dataset of 8-bit images, stored as bytes (a quarter of the memory of floats) and
 * converted to floats in [0, 1] (value / 255, rounded as PyTorch's {@code ToTensor}) when copied. Pixels of example i are
 * {@code pixels[i·E .. (i+1)·E)}, E = product of the example shape (C, H, W), row-major.
 */
public final class ImageDataset implements Dataset {
    private final String name;
    private final byte[] pixels;
    private final int[] labels;
    private final int[] shape;
    private final int exampleSize;
    private final int numClasses;

    /**
     * @param pixels     N·C·H·W unsigned bytes (not copied)
     * @param labels     N labels in [0, numClasses) (not copied)
     * @param shape      the example shape, e.g. {1, 28, 28}
     * @throws IllegalArgumentException when the lengths disagree or a label is out of range
     */
    public ImageDataset(String name, byte[] pixels, int[] labels, int[] shape, int numClasses) {
        this.name = name;
        this.shape = shape.clone();
        long e = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException(name + ": example shape " + Arrays.toString(shape) + " has a dimension <= 0");
            }
            e *= d;
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException(name + ": no examples; expected at least one");
        }
        if (e * labels.length != pixels.length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel bytes for " + labels.length
                    + " examples of shape " + Arrays.toString(shape) + " (expected " + e * labels.length + ")");
        }
        if (numClasses <= 0) {
            throw new IllegalArgumentException(name + ": numClasses must be > 0, got " + numClasses);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of example " + i
                        + " is outside [0, " + numClasses + ")");
            }
        }
        this.pixels = pixels;
        this.labels = labels;
        this.exampleSize = (int) e;
        this.numClasses = numClasses;
    }

    @Override public String name() { return name; }
    @Override public int size() { return labels.length; }
    @Override public int[] exampleShape() { return shape.clone(); }
    @Override public int exampleSize() { return exampleSize; }
    @Override public int numClasses() { return numClasses; }

    @Override
    public void copyExample(int i, float[] dst, int offset) {
        int src = i * exampleSize;
        for (int k = 0; k < exampleSize; k++) {
            dst[offset + k] = (pixels[src + k] & 0xFF) / 255f;
        }
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    /** @return the raw byte of pixel {@code k} of example {@code i} (0..255). */
    public int pixel(int i, int k) {
        return pixels[i * exampleSize + k] & 0xFF;
    }
}

package org.fnl4j.data;

import java.util.Arrays;

/**
 * An in-memory dataset of float examples: example i is {@code x[i·E .. (i+1)·E)} with
 * E = product of the example shape. For synthetic problems and tests.
 */
public final class ArrayDataset implements Dataset {
    private final String name;
    private final float[] x;
    private final int[] labels;
    private final int[] shape;
    private final int exampleSize;
    private final int numClasses;

    /**
     * @param x      N·E floats (not copied)
     * @param labels N labels in [0, numClasses) (not copied)
     * @param shape  example shape
     */
    public ArrayDataset(String name, float[] x, int[] labels, int[] shape, int numClasses) {
        this.name = name;
        this.shape = shape.clone();
        long e = 1;
        for (int d : shape) {
            e *= d;
        }
        if (labels.length == 0 || e <= 0) {
            throw new IllegalArgumentException(name + ": no examples or empty shape " + Arrays.toString(shape)
                    + "; expected at least one example of positive size");
        }
        if (e * labels.length != x.length) {
            throw new IllegalArgumentException(name + ": " + x.length + " values for " + labels.length
                    + " examples of shape " + Arrays.toString(shape) + " (expected " + e * labels.length + ")");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of example " + i
                        + " is outside [0, " + numClasses + ")");
            }
        }
        this.x = x;
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
        System.arraycopy(x, i * exampleSize, dst, offset, exampleSize);
    }

    @Override
    public int label(int i) {
        return labels[i];
    }
}

package org.fnl4j.data;

/**
 * An in-memory dataset of float examples: example i is {@code x[i·E .. (i+1)·E)} with
 * E = product of the example shape. Synthetic data for the tests.
 */
final class ArrayDataset extends InMemoryDataset {
    private final float[] x;

    /**
     * @param x      N·E floats (not copied)
     * @param labels N labels in [0, numClasses) (not copied)
     * @param shape  example shape
     * @throws IllegalArgumentException when the lengths disagree or a label is out of range
     */
    ArrayDataset(String name, float[] x, int[] labels, int[] shape, int numClasses) {
        super(name, x.length, labels, shape, numClasses);
        this.x = x;
    }

    @Override
    public void copyExample(int i, float[] dst, int offset) {
        System.arraycopy(x, i * exampleSize, dst, offset, exampleSize);
    }
}

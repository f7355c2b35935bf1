package org.fnl4j.data;

/**
 * Common state of the in-memory datasets: name, labels, example shape and class count, validated
 * once at construction. Subclasses store the example values and implement {@link #copyExample}.
 */
abstract class InMemoryDataset implements Dataset {
    private final String name;
    private final int[] labels;
    private final int[] shape;
    private final int numClasses;
    /** Values per example, the product of the shape. */
    protected final int exampleSize;

    InMemoryDataset(String name, long values, int[] labels, int[] shape, int numClasses) {
        this.name = name;
        this.shape = shape.clone();
        this.exampleSize = Checks.examples(name, values, labels, shape, numClasses);
        this.labels = labels;
        this.numClasses = numClasses;
    }

    @Override public String name() { return name; }
    @Override public int size() { return labels.length; }
    @Override public int[] exampleShape() { return shape.clone(); }
    @Override public int exampleSize() { return exampleSize; }
    @Override public int numClasses() { return numClasses; }
    @Override public int label(int i) { return labels[i]; }
}

package org.fnl4j.data;

import java.util.Arrays;

/**
 * A finite, indexable set of labelled examples of one shape, e.g. images of shape (C, H, W) with
 * class labels in [0, {@link #numClasses()}). Implementations hold their data in memory and must
 * allow concurrent reads ({@link #copyExample} and {@link #label} from several threads), since a
 * {@link DataLoader} assembles the next batch on a background thread.
 */
public interface Dataset {

    /** @return a short name for messages and logs, e.g. the file it came from. */
    String name();

    /** @return the number of examples (≥ 1). */
    int size();

    /** @return the shape of one example, e.g. {1, 28, 28} (copy). */
    int[] exampleShape();

    /** @return the number of classes; every label is in [0, numClasses). */
    int numClasses();

    /**
     * Writes example {@code i} as {@link #exampleSize()} floats (row-major over
     * {@link #exampleShape()}) into {@code dst[offset ..]}.
     */
    void copyExample(int i, float[] dst, int offset);

    /** @return the class label of example {@code i}, in [0, numClasses). */
    int label(int i);

    /** @return the number of floats in one example (product of {@link #exampleShape()}). */
    default int exampleSize() {
        int n = 1;
        for (int d : exampleShape()) {
            n *= d;
        }
        return n;
    }

    /** A view of examples [from, to) of this dataset (no copy). */
    default Dataset subset(int from, int to) {
        if (from < 0 || to > size() || from >= to) {
            throw new IllegalArgumentException(name() + ": subset [" + from + ", " + to + ") is empty or outside [0, "
                    + size() + ")");
        }
        Dataset base = this;
        return new Dataset() {
            @Override public String name() { return base.name() + "[" + from + ":" + to + "]"; }
            @Override public int size() { return to - from; }
            @Override public int[] exampleShape() { return base.exampleShape(); }
            @Override public int numClasses() { return base.numClasses(); }
            @Override public int exampleSize() { return base.exampleSize(); }
            @Override public void copyExample(int i, float[] dst, int offset) {
                base.copyExample(from + check(i), dst, offset);
            }
            @Override public int label(int i) { return base.label(from + check(i)); }
            private int check(int i) {
                if (i < 0 || i >= to - from) {
                    throw new IndexOutOfBoundsException(name() + ": example " + i + " outside [0, " + (to - from) + ")");
                }
                return i;
            }
        };
    }

    /** The first {@code n} examples, or this dataset when it has no more than {@code n}. */
    default Dataset limit(int n) {
        return n >= size() ? this : subset(0, n);
    }

    /** @return a one-line description: name, size, shape, classes. */
    default String describe() {
        return name() + ": " + size() + " examples of shape " + Arrays.toString(exampleShape()) + ", "
                + numClasses() + " classes";
    }
}

package org.fnl4j.data;

import java.util.Arrays;

/** Argument validation shared by the in-memory datasets. */
final class Checks {
    private Checks() {}

    /**
     * Checks that {@code values} values hold {@code labels.length} examples of {@code shape}, that
     * there is at least one example, and that every label is in [0, numClasses).
     *
     * @return the number of values per example
     */
    static int examples(String name, long values, int[] labels, int[] shape, int numClasses) {
        long e = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException(name + ": example shape " + Arrays.toString(shape)
                        + " has a dimension <= 0");
            }
            e *= d;
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException(name + ": no examples; expected at least one");
        }
        if (e * labels.length != values) {
            throw new IllegalArgumentException(name + ": " + values + " values for " + labels.length
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
        return (int) e;
    }
}

package org.fnl4j.spark;

import java.io.Serializable;

/**
 * One labelled 8-bit image of a training set held in Spark: the form a {@code JavaRDD} of
 * examples takes for {@link SparkTrainer#fit(org.apache.spark.api.java.JavaRDD, java.util.List)}.
 *
 * @param pixels C·H·W unsigned bytes (0..255), row-major over (C, H, W) of the recipe's data kind
 *               (1×28×28 for Fashion-MNIST and MNIST, 3×32×32 for CIFAR-10); not copied
 * @param label  the class, in [0, 10)
 */
public record Example(byte[] pixels, int label) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Example {
        if (pixels == null) {
            throw new IllegalArgumentException("Example: pixels must not be null");
        }
    }
}

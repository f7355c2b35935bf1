package org.fnl4j.spark;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.fnl4j.data.Augmentation;
import org.fnl4j.data.Batch;
import org.fnl4j.data.DataLoader;
import org.fnl4j.data.ImageDataset;
import org.fnl4j.data.Normalization;
import org.fnl4j.data.Seeds;
import org.fnl4j.io.Json;
import org.fnl4j.train.DataRef;
import org.fnl4j.train.Recipe;
import org.fnl4j.train.RunData;

/**
 * Training data held in Spark as {@link Example}s, already split into P partitions in a fixed order
 * (see {@link SparkTrainer}). Partition p shuffles its own examples every epoch with a seed
 * derived from (run seed, p) and serves batches of b/P with the recipe's augmentation and the
 * normalization of the recipe's data kind; an epoch has as many steps as the smallest partition
 * can fill (the rest of the larger partitions is dropped that epoch, a different part each epoch).
 */
final class RowData implements TrainData {
    private static final long serialVersionUID = 1L;
    /** Partition data sets by (shard set, partition), one per executor JVM. */
    private static final Map<String, ImageDataset> LOADED = ExecutorCache.create(16);

    private final String recipeJson;
    private final int partitions;
    private final String shardSet;

    /**
     * @param shardSet a name unique to this set of partitions (the RDD and run), the cache key on the executors
     */
    RowData(Recipe recipe, int partitions, String shardSet) {
        this.recipeJson = Json.write(recipe.toJson());
        this.partitions = partitions;
        this.shardSet = shardSet;
    }

    /** @return the (C, H, W) shape of an image of {@code data}'s kind. */
    static int[] shapeOf(DataRef data) {
        return switch (data.kind()) {
            case FASHION_MNIST, MNIST -> new int[] {1, 28, 28};
            case CIFAR10 -> new int[] {3, 32, 32};
            case TEXT -> throw new IllegalArgumentException("recipe data text: examples in Spark must be images "
                    + "(fashion-mnist, mnist or cifar10); train text from a file with data text:FILE");
        };
    }

    static Normalization normalizationOf(DataRef data) {
        return switch (data.kind()) {
            case FASHION_MNIST -> Normalization.fashionMnist();
            case MNIST -> Normalization.mnist();
            case CIFAR10 -> Normalization.cifar10();
            case TEXT -> throw new IllegalArgumentException("recipe data text has no image normalization");
        };
    }

    /** An in-memory data set of examples, checked against the shape. */
    static ImageDataset dataset(String name, Iterator<?> rows, int[] shape) {
        int size = shape[0] * shape[1] * shape[2];
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        List<Integer> labels = new ArrayList<>();
        while (rows.hasNext()) {
            Example e = (Example) rows.next();
            if (e.pixels().length != size) {
                throw new IllegalArgumentException(name + ": example " + labels.size() + " has " + e.pixels().length
                        + " pixels; the recipe's data needs " + size + " (" + shape[0] + "x" + shape[1] + "x" + shape[2] + ")");
            }
            pixels.write(e.pixels(), 0, size);
            labels.add(e.label());
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException(name + " holds no examples; every partition needs at least one batch");
        }
        return new ImageDataset(name, pixels.toByteArray(), labels.stream().mapToInt(Integer::intValue).toArray(),
                shape, 10);
    }

    @Override
    public Shard open(int partition, Iterator<?> rows) throws IOException {
        Recipe r = Recipe.fromJson(Json.parseObject(recipeJson));
        int[] shape = shapeOf(r.data());
        String name = "partition " + partition + " of " + shardSet;
        ImageDataset d = ExecutorCache.get(LOADED, name, () -> dataset(name, rows, shape));
        int per = r.batch() / partitions;
        if (d.size() < per) {
            throw new IllegalArgumentException(name + " holds " + d.size() + " examples, fewer than one batch of " + per
                    + " (batch " + r.batch() + " / " + partitions + " partitions); use fewer partitions or a smaller batch");
        }
        DataLoader.Builder b = DataLoader.builder(d).batchSize(per).dropLast(true).prefetch(false)
                .shuffle(Seeds.derive(RunData.dataSeed(r.seed()), 11, partition)).normalize(normalizationOf(r.data()));
        Augmentation a = r.augment().augmentation(shape[1]);
        if (a != null) b.augment(a);
        DataLoader loader = b.build();
        RunData shapeOnly = new RunData(null, null, shardSet, "img", false, shape, 10, 0, null);
        return new Shard() {
            @Override
            public int batchesPerEpoch() {
                return loader.batchesPerEpoch();
            }

            @Override
            public int size() {
                return loader.examplesPerEpoch();
            }

            @Override
            public Batch batch(int epoch, int index) {
                return loader.batch(epoch, index);
            }

            @Override
            public RunData shape() {
                return shapeOnly;
            }
        };
    }
}
